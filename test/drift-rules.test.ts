// One case per rule in the drift check's rule table, each on a named mutation of the vendored
// spec, in-process. A rule with no case fails the first test, so a new rule cannot land untested.
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import {
  compareSubsets,
  RULE_TABLE,
  RULES,
  subsetOf,
  type Finding,
  type RuleId,
  type Subset,
} from "../scripts/lib/drift/index.ts";
import { stringifyYaml } from "@redocly/openapi-core";
import { parseDocument, type OpenApiDocument } from "../scripts/lib/upstream/parse.ts";
import {
  REALISTIC_DRIFT,
  VENDORED_PATH,
  mutated,
  reversedKeys,
  vendoredSpec,
  type MutationName,
  type Spec,
} from "./helpers/spec-fixtures.ts";

const ACCOUNT = "GET /v1alpha/user/account";
const BALANCE = "GET /v1alpha/user/balance";
const BODY = "responses.200.application/json.schema";

let vendored: Subset;
beforeAll(async () => {
  vendored = await subsetOf(vendoredSpec() as OpenApiDocument, VENDORED_PATH, "v1alpha");
});

async function driftOf(upstream: Spec, base?: Spec): Promise<Finding[]> {
  const against = base
    ? await subsetOf(base as OpenApiDocument, "/base.json", "v1alpha")
    : vendored;
  const revision = await subsetOf(upstream as OpenApiDocument, "/up.json", "v1alpha");
  return compareSubsets(against, revision, "v1alpha");
}

/** Same, from the upstream's bytes, so parsing (JSON or YAML) is part of what is checked. */
async function driftOfText(text: string, location: string): Promise<Finding[]> {
  const revision = await subsetOf(parseDocument(text, location), location, "v1alpha");
  return compareSubsets(vendored, revision, "v1alpha");
}

const lines = (findings: Finding[]) =>
  findings.map((f) => `${f.level} ${f.id} ${f.operation} ${f.path}`);

// The maintainer loop's own rules have their cases in test/drift-loop.test.ts, where the loop runs.
const LOOP_RULES = [
  "compile-failed",
  "vendor-refused",
  "generate-refused",
  "exported-type-key-removed",
  "broken-ref-outside-client",
] as const;
type LoopRule = (typeof LOOP_RULES)[number];

/** The upstream's mutations, what the check must report (and nothing else), the base's mutations. */
interface Case {
  upstream: MutationName[];
  expected: string[];
  base?: MutationName[];
}

const CASES = {
  // ── operations ──
  "api-removed-without-deprecation": {
    upstream: ["balanceRemoved"],
    expected: [`ERR api-removed-without-deprecation ${BALANCE} `],
  },
  "api-removed-with-deprecation": {
    base: ["balanceDeprecated"],
    upstream: ["balanceRemoved"],
    expected: [`ERR api-removed-with-deprecation ${BALANCE} `],
  },
  "api-under-other-version": {
    upstream: ["basePathV1"],
    expected: ["ERR api-under-other-version document paths"],
  },
  "endpoint-deprecated": {
    upstream: ["balanceDeprecated"],
    expected: [`WARN endpoint-deprecated ${BALANCE} deprecated`],
  },
  "endpoint-reactivated": {
    base: ["balanceDeprecated"],
    upstream: [],
    expected: [`INFO endpoint-reactivated ${BALANCE} deprecated`],
  },
  "request-body-added-required": {
    upstream: ["balanceBodyRequired"],
    expected: [`ERR request-body-added-required ${BALANCE} requestBody`],
  },
  "request-body-added-optional": {
    upstream: ["balanceBodyOptional"],
    expected: [`INFO request-body-added-optional ${BALANCE} requestBody`],
  },
  "api-operation-id-removed": {
    upstream: ["balanceOperationIdChanged"],
    expected: [`INFO api-operation-id-removed ${BALANCE} operationId`],
  },
  "api-operation-id-added": {
    base: ["balanceOperationIdRemoved"],
    upstream: [],
    expected: [`INFO api-operation-id-added ${BALANCE} operationId`],
  },
  "api-tag-added": {
    upstream: ["balanceTagAdded"],
    expected: [`INFO api-tag-added ${BALANCE} tags.credits`],
  },
  "api-tag-removed": {
    upstream: ["balanceTagRemoved"],
    expected: [`INFO api-tag-removed ${BALANCE} tags.v1alpha/user`],
  },
  "api-summary-changed": {
    upstream: ["balanceSummaryChanged"],
    expected: [`INFO api-summary-changed ${BALANCE} summary`],
  },
  "api-description-changed": {
    upstream: ["balanceDescriptionChanged"],
    expected: [`INFO api-description-changed ${BALANCE} description`],
  },

  // ── request parameters ──
  "new-required-request-parameter": {
    upstream: ["requiredHeaderAdded"],
    expected: [
      `ERR new-required-request-parameter ${BALANCE} parameters.header.Stability-Client-Id`,
    ],
  },
  "new-optional-request-parameter": {
    upstream: ["optionalQueryAdded"],
    expected: [`INFO new-optional-request-parameter ${BALANCE} parameters.query.currency`],
  },
  "request-parameter-became-required": {
    upstream: ["organizationHeaderRequired"],
    expected: [
      `ERR request-parameter-became-required ${BALANCE} parameters.header.Organization.required`,
    ],
  },
  "request-parameter-became-optional": {
    base: ["organizationHeaderRequired"],
    upstream: [],
    expected: [
      `INFO request-parameter-became-optional ${BALANCE} parameters.header.Organization.required`,
    ],
  },
  "request-parameter-type-changed": {
    upstream: ["organizationHeaderInteger"],
    expected: [
      `WARN request-parameter-type-changed ${BALANCE} parameters.header.Organization.schema`,
    ],
  },
  "request-parameter-type-generalized": {
    upstream: ["organizationHeaderWidened"],
    expected: [
      `INFO request-parameter-type-generalized ${BALANCE} parameters.header.Organization.schema`,
      // The widened schema no longer carries the old one's description and example.
      `INFO description-changed ${BALANCE} parameters.header.Organization.schema.description`,
      `INFO example-changed ${BALANCE} parameters.header.Organization.schema.example`,
    ],
  },
  "request-parameter-format-changed": {
    upstream: ["organizationHeaderUuid"],
    expected: [
      `WARN request-parameter-format-changed ${BALANCE} parameters.header.Organization.schema`,
    ],
  },
  "request-parameter-sent-removed": {
    upstream: ["organizationHeaderRenamed"],
    expected: [
      `ERR request-parameter-sent-removed ${BALANCE} parameters.header.Organization`,
      `INFO new-optional-request-parameter ${BALANCE} parameters.header.X-Organization`,
    ],
  },
  "request-parameter-removed": {
    base: ["optionalQueryAdded"],
    upstream: [],
    expected: [`INFO request-parameter-removed ${BALANCE} parameters.query.currency`],
  },
  "request-header-case-changed": {
    upstream: ["organizationHeaderLowercase"],
    expected: [`INFO request-header-case-changed ${BALANCE} parameters.header.Organization.name`],
  },

  // ── responses ──
  "response-success-status-removed": {
    upstream: ["accountOkRemoved"],
    expected: [`ERR response-success-status-removed ${ACCOUNT} responses.200`],
  },
  "response-success-status-added": {
    upstream: ["balanceAcceptedDocumented"],
    expected: [`INFO response-success-status-added ${BALANCE} responses.202`],
  },
  "response-non-success-status-added": {
    upstream: ["unauthorizedDocumented"],
    expected: [`INFO response-non-success-status-added ${BALANCE} responses.401`],
  },
  "response-non-success-status-removed": {
    base: ["unauthorizedDocumented"],
    upstream: [],
    expected: [`INFO response-non-success-status-removed ${BALANCE} responses.401`],
  },
  "response-media-type-removed": {
    upstream: ["accountJsonRemoved"],
    expected: [
      `ERR response-media-type-removed ${ACCOUNT} responses.200.application/json`,
      `INFO response-media-type-added ${ACCOUNT} responses.200.text/plain`,
    ],
  },
  "response-media-type-changed": {
    upstream: ["balanceJsonCharset"],
    expected: [`WARN response-media-type-changed ${BALANCE} responses.200.application/json`],
  },
  "response-media-type-dropped": {
    base: ["accountXmlAdded"],
    upstream: [],
    expected: [`INFO response-media-type-dropped ${ACCOUNT} responses.200.application/xml`],
  },
  "response-error-media-type-changed": {
    base: ["unauthorizedDocumented"],
    upstream: ["unauthorizedDocumented", "unauthorizedAsProblem"],
    expected: [`INFO response-error-media-type-changed ${BALANCE} responses.401.application/json`],
  },
  "response-media-type-added": {
    upstream: ["accountXmlAdded"],
    expected: [`INFO response-media-type-added ${ACCOUNT} responses.200.application/xml`],
  },
  "response-body-schema-removed": {
    upstream: ["balanceSchemaRemoved"],
    expected: [`WARN response-body-schema-removed ${BALANCE} ${BODY}`],
  },
  "response-body-schema-added": {
    base: ["balanceSchemaRemoved"],
    upstream: [],
    expected: [`INFO response-body-schema-added ${BALANCE} ${BODY}`],
  },
  "response-required-property-removed": {
    upstream: ["creditsRemoved"],
    expected: [`WARN response-required-property-removed ${BALANCE} ${BODY}.credits`],
  },
  "response-optional-property-removed": {
    upstream: ["profilePictureRemoved"],
    expected: [`WARN response-optional-property-removed ${ACCOUNT} ${BODY}.profile_picture`],
  },
  "response-property-became-optional": {
    upstream: ["organizationsOptional"],
    expected: [`WARN response-property-became-optional ${ACCOUNT} ${BODY}.organizations.required`],
  },
  "response-property-became-required": {
    upstream: ["profilePictureRequired"],
    expected: [
      `INFO response-property-became-required ${ACCOUNT} ${BODY}.profile_picture.required`,
    ],
  },
  "response-optional-property-added": {
    upstream: ["accountPlanAdded"],
    expected: [`INFO response-optional-property-added ${ACCOUNT} ${BODY}.plan`],
  },
  "response-required-property-added": {
    upstream: ["accountPlanRequired"],
    expected: [`INFO response-required-property-added ${ACCOUNT} ${BODY}.plan`],
  },
  "response-property-type-changed": {
    upstream: ["creditsString"],
    expected: [`WARN response-property-type-changed ${BALANCE} ${BODY}.credits`],
  },
  "response-property-type-compatible": {
    upstream: ["creditsFloat"],
    expected: [`INFO response-property-type-compatible ${BALANCE} ${BODY}.credits`],
  },
  "response-property-format-changed": {
    upstream: ["creditsInt64"],
    expected: [`WARN response-property-format-changed ${BALANCE} ${BODY}.credits`],
  },
  "response-property-became-nullable": {
    upstream: ["emailNullable"],
    expected: [`WARN response-property-became-nullable ${ACCOUNT} ${BODY}.email.nullable`],
  },
  "response-property-became-not-nullable": {
    base: ["emailNullable"],
    upstream: [],
    expected: [`INFO response-property-became-not-nullable ${ACCOUNT} ${BODY}.email.nullable`],
  },
  "response-property-enum-value-added": {
    base: ["roleEnum"],
    upstream: ["roleEnum", "roleEnumValueAdded"],
    expected: [
      `WARN response-property-enum-value-added ${ACCOUNT} ${BODY}.organizations[].role.enum.OWNER`,
    ],
  },
  "response-property-enum-value-removed": {
    base: ["roleEnum", "roleEnumValueAdded"],
    upstream: ["roleEnum"],
    expected: [
      `INFO response-property-enum-value-removed ${ACCOUNT} ${BODY}.organizations[].role.enum.OWNER`,
    ],
  },
  "response-property-became-enum": {
    upstream: ["roleEnum"],
    expected: [`INFO response-property-became-enum ${ACCOUNT} ${BODY}.organizations[].role.enum`],
  },

  // ── security ──
  "api-security-changed": {
    upstream: ["securityRequirementAdded"],
    expected: [`INFO api-security-changed ${BALANCE} security`],
  },
  "api-security-not-met": {
    upstream: ["securityChanged"],
    expected: [
      `ERR api-security-not-met ${ACCOUNT} security`,
      `ERR api-security-not-met ${BALANCE} security`,
    ],
  },
  "api-security-removed": {
    upstream: ["balanceSecurityRemoved"],
    expected: [`INFO api-security-removed ${BALANCE} security`],
  },
  "security-scheme-renamed": {
    upstream: ["securitySchemeRenamed"],
    expected: [
      `INFO security-scheme-renamed ${ACCOUNT} security`,
      `INFO security-scheme-renamed ${BALANCE} security`,
    ],
  },

  // ── the document ──
  "api-server-changed": {
    upstream: ["serverChanged"],
    expected: ["WARN api-server-changed document servers"],
  },
  "api-info-changed": {
    upstream: ["infoVersionChanged"],
    expected: ["INFO api-info-changed document info.version"],
  },

  // ── anywhere ──
  "description-changed": {
    upstream: ["creditsDescriptionChanged"],
    expected: [`INFO description-changed ${BALANCE} ${BODY}.credits.description`],
  },
  "example-changed": {
    upstream: ["creditsExampleChanged"],
    expected: [`INFO example-changed ${BALANCE} ${BODY}.credits.example`],
  },
  "unclassified-change": {
    upstream: ["creditsMaximumAdded"],
    expected: [`WARN unclassified-change ${BALANCE} ${BODY}.credits.maximum`],
  },
} satisfies Record<Exclude<RuleId, LoopRule>, Case>;

describe("the rule table", () => {
  it("has a test case for every rule id, and no case for a rule it lacks", () => {
    const ids = RULE_TABLE.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...Object.keys(CASES), ...LOOP_RULES].sort()).toEqual([...ids].sort());
  });

  it("gives every rule a level, an origin and an explanation that reads as half a sentence", () => {
    for (const rule of RULE_TABLE) {
      expect(["ERR", "WARN", "INFO"]).toContain(rule.level);
      expect(["oasdiff", "ours"]).toContain(rule.origin);
      expect(rule.explanation).toMatch(/^(TypeScript|[a-z`]).*[^.]$/);
    }
  });
});

describe("each rule, on one named change of the vendored spec", () => {
  const cases = Object.entries(CASES) as [Exclude<RuleId, LoopRule>, Case][];
  it.each(cases)("%s", async (id, { upstream, expected, base }) => {
    const findings = await driftOf(mutated(...upstream), base && mutated(...base));
    expect(lines(findings)).toEqual(expected);
    const finding = findings.find((f) => f.id === id);
    expect(finding?.level).toBe(RULES[id].level);
    // What changed, then the rule's explanation: one sentence.
    expect(finding?.text).toMatch(/^[A-Z`].*\.$/);
    expect(finding?.text.endsWith(`; ${RULES[id].explanation}.`)).toBe(true);
  });
});

describe("what is not drift", () => {
  it("finds nothing when the upstream is the vendored file itself, reordered, or YAML", async () => {
    const text = JSON.stringify(vendoredSpec());
    expect(await driftOfText(text, VENDORED_PATH)).toEqual([]);
    expect(await driftOfText(JSON.stringify(reversedKeys(vendoredSpec())), "/up.json")).toEqual([]);
    expect(await driftOfText(stringifyYaml(vendoredSpec()), "/up.yaml")).toEqual([]);
  });

  it("finds nothing when every $ref is inlined, or components renamed and code samples added", async () => {
    expect(await driftOf(mutated("refsInlined"))).toEqual([]);
    expect(await driftOf(mutated("componentsRenamed", "codeSamplesAdded"))).toEqual([]);
  });

  it("finds nothing when only other operations are added or changed", async () => {
    expect(await driftOf(mutated("otherOperationAdded"))).toEqual([]);
    expect(await driftOf(mutated("otherOperationChanged"))).toEqual([]);
  });

  it("matches operations when the server URL carries /v1alpha and the paths do not", async () => {
    expect(await driftOf(mutated("basePathInServer"))).toEqual([]);
  });
});

describe("circular schemas", () => {
  it("reports a new self-referencing property without looping", async () => {
    expect(lines(await driftOf(mutated("organizationParentCircular")))).toEqual([
      `INFO response-optional-property-added ${ACCOUNT} ${BODY}.organizations[].parent`,
    ]);
  });

  it("finds nothing between two equal circular documents, and a change beside the cycle", async () => {
    const circular = mutated("organizationParentCircular");
    expect(await driftOf(circular, circular)).toEqual([]);
    expect(
      lines(await driftOf(mutated("organizationParentCircular", "emailNullable"), circular)),
    ).toEqual([`WARN response-property-became-nullable ${ACCOUNT} ${BODY}.email.nullable`]);
  });
});

describe("fingerprints", () => {
  it("are the same for the same change found in JSON and in YAML, and differ between changes", async () => {
    const drifted = mutated(...REALISTIC_DRIFT);
    const fromJson = await driftOfText(JSON.stringify(drifted), "/up.json");
    const fromYaml = await driftOfText(stringifyYaml(drifted), "/up.yaml");
    const prints = fromJson.map((f) => f.fingerprint);
    expect(prints).toEqual(fromYaml.map((f) => f.fingerprint));
    expect(new Set(prints).size).toBe(prints.length);
    for (const p of prints) expect(p).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("docs/drift.md", () => {
  it("lists exactly the rule table's ids under each level", async () => {
    const section = await readFile(new URL("../docs/drift.md", import.meta.url), "utf8");
    for (const level of ["ERR", "WARN", "INFO"] as const) {
      const start = section.indexOf(`- **${level}**: `);
      expect(start).toBeGreaterThan(-1);
      const bullet = section.slice(start).split(/\n(?! {2})/)[0]!;
      const ids = [...bullet.matchAll(/`([a-z]+(?:-[a-z0-9]+)+)`/g)].map((m) => m[1]);
      const table = RULE_TABLE.filter((r) => r.level === level).map((r) => r.id);
      expect(ids.sort()).toEqual([...table].sort());
    }
  });
});
