// The drift check's public surface: scripts/lib/drift-cli.ts, the report and the tests import from here.
export { compareSubsets, operationOrder, subsetOf, type Subset } from "./document.ts";
export { atOrAbove, DOCUMENT, sortFindings, type Finding } from "./findings.ts";
export { describeVerdict, maintainerLoop } from "./loop.ts";
export { LEVELS, RULE_TABLE, RULES, type Level, type RuleId } from "./rules.ts";
export { verdictFindings } from "./verdict.ts";
