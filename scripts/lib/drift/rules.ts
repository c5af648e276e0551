// Every rule the drift check knows, as data: its id, its level, where it comes from and what it
// means for the client. Call sites say only what changed; the sentence's second half is here.
//
// Levels: ERR = after vendor and generate the client breaks: src/ no longer compiles (the one
// `compile-failed` rule; the compiler judges every type) or the wire breaks (the rules marked
// `wire`, which no compiler can see). WARN = src/ compiles and the wire holds, but what users see
// changes. INFO = nothing breaks. Rules marked `compiler` are chosen by the TypeScript compiler
// (scripts/lib/drift/judge.ts): whether the new types still fit the old picks the wording and
// between WARN and INFO, never ERR.
export type Level = "ERR" | "WARN" | "INFO";
export const LEVELS: readonly Level[] = ["ERR", "WARN", "INFO"];

export interface Rule {
  id: string;
  level: Level;
  /** `oasdiff` where oasdiff has a rule by that id (its level may differ, see `note`), else `ours`. */
  origin: "oasdiff" | "ours";
  /**
   * `wire`: an ERR rule about what goes over the wire, which no compiler can judge. `compiler`: the
   * TypeScript compiler's verdict picks this rule over its counterpart. `rule`: neither.
   */
  by: "compiler" | "rule" | "wire";
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
  // ── the maintainer loop (scripts/lib/drift/loop.ts) ──
  rule("compile-failed", "ERR", "ours", "compiler", "src/ must change before this spec can be taken"),
  rule("vendor-refused", "ERR", "ours", "wire", "so this spec cannot be taken as it is"),
  rule("generate-refused", "ERR", "ours", "wire", "so this spec cannot be taken as it is"),
  rule("exported-type-key-removed", "WARN", "ours", "compiler", "src/ compiles, but users who name the old key in the exported types no longer compile"),
  rule("broken-ref-outside-client", "INFO", "ours", "rule", "it lies outside the client's operations, so neither vendor nor drift reads it"),
  // ── operations ──
  rule("api-removed-without-deprecation", "ERR", "oasdiff", "wire", "the client's calls to it would fail"),
  rule("api-removed-with-deprecation", "ERR", "oasdiff", "wire", "the client's calls to it would fail"),
  rule("api-under-other-version", "ERR", "ours", "wire", "the client's calls to this version would find none of it"),
  rule("endpoint-deprecated", "WARN", "oasdiff", "rule", "plan for its removal before the API drops it"),
  rule("endpoint-reactivated", "INFO", "oasdiff", "rule", "nothing breaks"),
  rule("request-body-added-required", "ERR", "oasdiff", "wire", "the client never sends a body, so calls would be rejected"),
  rule("request-body-added-optional", "INFO", "oasdiff", "rule", "the client sends none, nothing breaks"),
  rule("api-operation-id-removed", "INFO", "oasdiff", "rule", "the client addresses operations by path; the exported `operations` keys it renames are reported as exported-type-key-removed"),
  rule("api-operation-id-added", "INFO", "oasdiff", "rule", "the client addresses operations by path, so nothing breaks"),
  rule("api-tag-added", "INFO", "oasdiff", "rule", "grouping only"),
  rule("api-tag-removed", "INFO", "oasdiff", "rule", "grouping only"),
  rule("api-summary-changed", "INFO", "ours", "rule", "only the generated doc comments change"),
  rule("api-description-changed", "INFO", "ours", "rule", "only the generated doc comments change"),
  // ── request parameters (the client sends the old ones: old → new must fit) ──
  rule("new-required-request-parameter", "ERR", "oasdiff", "wire", "the client does not send it, so calls would be rejected"),
  rule("new-optional-request-parameter", "INFO", "oasdiff", "compiler", "the client works without it"),
  rule("request-parameter-became-required", "ERR", "oasdiff", "wire", "the client sends it only when the caller asks, so calls without it would be rejected"),
  rule("request-parameter-became-optional", "INFO", "oasdiff", "compiler", "calls that send it keep working"),
  rule("request-parameter-type-changed", "WARN", "oasdiff", "compiler", "values of the old type no longer fit the new one, so what callers pass may be rejected"),
  rule("request-parameter-type-generalized", "INFO", "oasdiff", "compiler", "every value of the old type still fits, nothing breaks"),
  rule("request-parameter-format-changed", "WARN", "ours", "rule", "TypeScript sees no difference, but the API may reject values it accepted before"),
  rule("request-parameter-sent-removed", "ERR", "ours", "wire", "the client still sends it under the old name, and the API ignores it (an organization's balance silently becomes the default organization's) or rejects the call"),
  rule("request-parameter-removed", "INFO", "oasdiff", "compiler", "the client never sends it, nothing breaks"),
  rule("request-header-case-changed", "INFO", "ours", "rule", "header names are case-insensitive, so nothing changes on the wire; regenerating renames the key in `raw`'s typed headers"),
  // ── responses (the client reads the old body: new → old must fit) ──
  rule("response-success-status-removed", "ERR", "oasdiff", "wire", "the client reads its data from it, so a successful call would no longer be one it can read"),
  rule("response-success-status-added", "INFO", "oasdiff", "rule", "the client's types describe only the statuses it was generated from"),
  rule("response-non-success-status-added", "INFO", "oasdiff", "rule", "the client already turns it into an error, nothing breaks"),
  rule("response-non-success-status-removed", "INFO", "oasdiff", "rule", "the client still turns it into an error, nothing breaks"),
  rule("response-media-type-removed", "ERR", "oasdiff", "wire", "the client parses a success body as JSON, and none is left"),
  rule("response-media-type-dropped", "INFO", "ours", "rule", "a JSON media type is still offered, which the client reads"),
  rule("response-media-type-changed", "WARN", "ours", "rule", "the client still reads it as JSON; the exported types key the body by the new name"),
  rule("response-error-media-type-changed", "INFO", "ours", "rule", "the client reads an error body whatever its media type"),
  rule("response-media-type-added", "INFO", "oasdiff", "rule", "the client asks for and parses JSON only"),
  rule("response-body-schema-removed", "WARN", "ours", "compiler", "the generated body type becomes `unknown` for users"),
  rule("response-body-schema-added", "INFO", "ours", "compiler", "regenerating gives the body a type, nothing breaks"),
  rule("response-required-property-removed", "WARN", "oasdiff", "compiler", "users' code that reads it would get undefined"),
  rule("response-optional-property-removed", "WARN", "oasdiff", "compiler", "users' code that reads it would always get undefined"),
  rule("response-property-became-optional", "WARN", "oasdiff", "compiler", "users' code that assumes it is always there would meet undefined"),
  rule("response-property-became-required", "INFO", "oasdiff", "compiler", "nothing breaks"),
  rule("response-optional-property-added", "INFO", "oasdiff", "compiler", "the client ignores it until you regenerate"),
  rule("response-required-property-added", "INFO", "oasdiff", "compiler", "the client ignores it until you regenerate"),
  rule("response-property-type-changed", "WARN", "oasdiff", "compiler", "the new body no longer fits the old type, so users' code written for it may misbehave"),
  rule("response-property-type-compatible", "INFO", "ours", "compiler", "the new body still fits the old type, nothing breaks"),
  rule("response-property-format-changed", "WARN", "ours", "rule", "TypeScript sees no difference, but a consumer that relies on the format may misbehave"),
  rule("response-property-became-nullable", "WARN", "oasdiff", "compiler", "users' code that uses it without a null check would fail"),
  rule("response-property-became-not-nullable", "INFO", "oasdiff", "compiler", "existing null checks become unnecessary, nothing breaks"),
  rule("response-property-enum-value-added", "WARN", "oasdiff", "compiler", "the old type lists only the old values, so users' exhaustive code would miss the new one"),
  rule("response-property-enum-value-removed", "INFO", "oasdiff", "compiler", "code handling it is now dead, nothing breaks"),
  rule("response-property-became-enum", "INFO", "ours", "compiler", "every listed value fits the old type, nothing breaks"),
  // ── security (what the client sends for its version, its default key prefix included) ──
  rule("api-security-not-met", "ERR", "ours", "wire", "so calls would be rejected", "oasdiff reports the requirements added and removed, as INFO"),
  rule("api-security-changed", "INFO", "ours", "rule", "nothing changes on the wire"),
  rule("api-security-removed", "INFO", "oasdiff", "rule", "the client still sends its key, nothing breaks"),
  rule("security-scheme-renamed", "INFO", "ours", "rule", "nothing changes on the wire"),
  // ── the document ──
  rule("api-server-changed", "WARN", "ours", "rule", "the client's default base URL points at the old one"),
  rule("api-info-changed", "INFO", "ours", "rule", "metadata only"),
  // ── anywhere ──
  rule("description-changed", "INFO", "ours", "rule", "only the generated doc comments change"),
  rule("example-changed", "INFO", "ours", "rule", "documentation only"),
  rule("unclassified-change", "WARN", "ours", "compiler", "no rule covers it; whether src/ still compiles is the compile verdict's to say, so read it before regenerating"),

] as const satisfies readonly Rule[];

export type RuleId = (typeof RULE_TABLE)[number]["id"];

export const RULES: Readonly<Record<RuleId, Rule>> = Object.fromEntries(
  RULE_TABLE.map((r) => [r.id, r]),
) as Record<RuleId, Rule>;
