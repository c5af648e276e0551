// The drift check's public surface: scripts/drift.ts, the report and the tests import from here.
export { compareSubsets, operationOrder, subsetOf, type Subset } from "./document.ts";
export { atOrAbove, DOCUMENT, fingerprint, sortFindings, type Finding } from "./findings.ts";
export { normaliseSubset } from "./normalise.ts";
export { LEVELS, RULE_TABLE, RULES, type Level, type Rule, type RuleId } from "./rules.ts";
export { requestFormatConcern, responseFormatConcern } from "./schema.ts";
export { schemeMeaning } from "./security.ts";
