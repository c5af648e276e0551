// Every rule the drift check knows, as data: its id, its level, where it comes from and what it
// means for the client. Call sites say only what changed; the sentence's second half is here.
//
// Levels: ERR = the client or its types break; WARN = it may break a consumer; INFO = nothing breaks.
// Rules marked `compiler` are chosen by the TypeScript compiler (scripts/lib/drift/judge.ts): the
// walker finds the change, and whether the new types still fit the client picks the rule.

export type Level = "ERR" | "WARN" | "INFO";
export const LEVELS: readonly Level[] = ["ERR", "WARN", "INFO"];

export interface Rule {
  id: string;
  level: Level;
  /** `oasdiff` where oasdiff has a rule by that id (its level may differ, see `note`), else `ours`. */
  origin: "oasdiff" | "ours";
  /** `compiler` when the TypeScript compiler's verdict picks this rule over its counterpart. */
  by: "compiler" | "rule";
  /** What the change means for the client: the second half of every finding's sentence. */
  explanation: string;
  note?: string;
}

const rule = <const I extends string>(
  id: I,
  level: Level,
  origin: Rule["origin"],
  by: Rule["by"],
  explanation: string,
  note?: string,
) => ({ id, level, origin, by, explanation, ...(note ? { note } : {}) }) as const;

// One rule per line: a table, so prettier leaves it as one.
// prettier-ignore
export const RULE_TABLE = [
  // ── operations ──
  rule("api-removed-without-deprecation", "ERR", "oasdiff", "rule", "the client's calls to it would fail"),
  rule("api-removed-with-deprecation", "ERR", "oasdiff", "rule", "the client's calls to it would fail"),
  rule("api-under-other-version", "ERR", "ours", "rule", "nothing in it can be compared with this version's vendored file"),
  rule("endpoint-deprecated", "WARN", "oasdiff", "rule", "plan for its removal before the API drops it"),
  rule("endpoint-reactivated", "INFO", "oasdiff", "rule", "nothing breaks"),
  rule("request-body-added-required", "ERR", "oasdiff", "rule", "the client never sends a body, so calls would be rejected"),
  rule("request-body-added-optional", "INFO", "oasdiff", "rule", "the client sends none, nothing breaks"),
  rule("api-operation-id-removed", "INFO", "oasdiff", "rule", "the client addresses operations by path, so nothing breaks"),
  rule("api-operation-id-added", "INFO", "oasdiff", "rule", "the client addresses operations by path, so nothing breaks"),
  rule("api-tag-added", "INFO", "oasdiff", "rule", "grouping only"),
  rule("api-tag-removed", "INFO", "oasdiff", "rule", "grouping only"),
  rule("api-summary-changed", "INFO", "ours", "rule", "only the generated doc comments change"),
  rule("api-description-changed", "INFO", "ours", "rule", "only the generated doc comments change"),
  // ── request parameters (the client sends the old ones: old → new must fit) ──
  rule("new-required-request-parameter", "ERR", "oasdiff", "compiler", "the client does not send it, so calls would be rejected"),
  rule("new-optional-request-parameter", "INFO", "oasdiff", "compiler", "the client works without it"),
  rule("request-parameter-became-required", "ERR", "oasdiff", "compiler", "the client sends it only when the caller asks, so calls without it would be rejected"),
  rule("request-parameter-became-optional", "INFO", "oasdiff", "compiler", "calls that send it keep working"),
  rule("request-parameter-type-changed", "ERR", "oasdiff", "compiler", "values of the old type no longer fit the new one, so what the client sends may be rejected"),
  rule("request-parameter-type-generalized", "INFO", "oasdiff", "compiler", "every value of the old type still fits, nothing breaks"),
  rule("request-parameter-format-changed", "WARN", "ours", "rule", "TypeScript sees no difference, but the API may reject values it accepted before"),
  rule("request-parameter-removed", "WARN", "oasdiff", "compiler", "the client still sends it when asked, and the API may ignore or reject it"),
  rule("request-header-case-changed", "INFO", "ours", "rule", "header names are case-insensitive, so nothing changes on the wire; regenerating renames the key in `raw`'s typed headers"),
  // ── responses (the client reads the old body: new → old must fit) ──
  rule("response-success-status-removed", "ERR", "oasdiff", "rule", "the client reads its data from it, so the generated types would no longer describe a successful call"),
  rule("response-success-status-added", "INFO", "oasdiff", "rule", "the client's types describe only the statuses it was generated from"),
  rule("response-non-success-status-added", "INFO", "oasdiff", "rule", "the client already turns it into an error, nothing breaks"),
  rule("response-non-success-status-removed", "INFO", "oasdiff", "rule", "the client still turns it into an error, nothing breaks"),
  rule("response-media-type-removed", "ERR", "oasdiff", "rule", "the client parses JSON, and its types and validator read `application/json`"),
  rule("response-media-type-changed", "ERR", "ours", "rule", "so does the facade's `Body` type, so tsc fails in src/spec.ts after regenerating"),
  rule("response-media-type-added", "INFO", "oasdiff", "rule", "the client asks for and parses JSON only"),
  rule("response-body-schema-removed", "ERR", "ours", "compiler", "the generated body type becomes `unknown`, so code that reads the body no longer compiles"),
  rule("response-body-schema-added", "INFO", "ours", "compiler", "regenerating gives the body a type, nothing breaks"),
  rule("response-required-property-removed", "ERR", "oasdiff", "compiler", "code that reads it would get undefined, and the new body no longer fits the client's type"),
  rule("response-optional-property-removed", "WARN", "oasdiff", "compiler", "the types still compile, but code that reads it would always get undefined"),
  rule("response-property-became-optional", "ERR", "oasdiff", "compiler", "code that assumes it is always there would meet undefined, and the new body no longer fits the client's type"),
  rule("response-property-became-required", "INFO", "oasdiff", "compiler", "nothing breaks"),
  rule("response-optional-property-added", "INFO", "oasdiff", "compiler", "the client ignores it until you regenerate"),
  rule("response-required-property-added", "INFO", "oasdiff", "compiler", "the client ignores it until you regenerate"),
  rule("response-property-type-changed", "ERR", "oasdiff", "compiler", "the new body no longer fits the client's type, so code written for the old type would misbehave"),
  rule("response-property-type-compatible", "INFO", "ours", "compiler", "the new body still fits the client's type, nothing breaks"),
  rule("response-property-format-changed", "WARN", "ours", "rule", "TypeScript sees no difference, but a consumer that relies on the format may misbehave"),
  rule("response-property-became-nullable", "ERR", "oasdiff", "compiler", "code that uses it without a null check would fail"),
  rule("response-property-became-not-nullable", "INFO", "oasdiff", "compiler", "existing null checks become unnecessary, nothing breaks"),
  rule("response-property-enum-value-added", "ERR", "oasdiff", "compiler", "the client's type lists only the old values, so the new body no longer fits it", "oasdiff rates it WARN; the compiler says the types break"),
  rule("response-property-enum-value-removed", "INFO", "oasdiff", "compiler", "code handling it is now dead, nothing breaks"),
  rule("response-property-became-enum", "INFO", "ours", "compiler", "every listed value fits the client's type, nothing breaks"),
  // ── security ──
  rule("api-security-added", "ERR", "oasdiff", "rule", "calls without it would be rejected", "oasdiff rates it INFO"),
  rule("api-security-updated", "ERR", "ours", "rule", "the client sends only its API key in the Authorization header, so calls would be rejected", "oasdiff reports the requirements added and removed, as INFO"),
  rule("api-security-removed", "INFO", "oasdiff", "rule", "the client still sends its key, nothing breaks"),
  rule("security-scheme-renamed", "INFO", "ours", "rule", "nothing changes on the wire"),
  // ── the document ──
  rule("api-server-changed", "WARN", "ours", "rule", "the client's default base URL points at the old one"),
  rule("api-info-changed", "INFO", "ours", "rule", "metadata only"),
  // ── anywhere ──
  rule("description-changed", "INFO", "ours", "rule", "only the generated doc comments change"),
  rule("example-changed", "INFO", "ours", "rule", "documentation only"),
  rule("unclassified-change", "WARN", "ours", "compiler", "no rule covers it and the generated types do not change, so read it before regenerating"),

] as const satisfies readonly Rule[];

export type RuleId = (typeof RULE_TABLE)[number]["id"];

export const RULES: Readonly<Record<RuleId, Rule>> = Object.fromEntries(
  RULE_TABLE.map((r) => [r.id, r]),
) as Record<RuleId, Rule>;
