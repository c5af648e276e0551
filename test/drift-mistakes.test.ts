// The mistakes issue 9 found in the drift check, one test each, on mutations of the vendored spec
// and on Stability's own documents (the in-repo copies in openapi/upstream/).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareSubsets, subsetOf, type Finding, type Subset } from "../scripts/lib/drift/index.ts";
import { parseDocument, type OpenApiDocument } from "../scripts/lib/upstream/parse.ts";
import { listing } from "../src/cli/text.ts";
import { operationsOf } from "../src/operations.ts";
import {
  REPO_ROOT,
  VENDORED_PATH,
  balance,
  fixtureDir,
  organizationHeader,
  tableOperations,
  vendoredSpec,
  type FixtureDir,
  type Spec,
} from "./helpers/spec-fixtures.ts";

const BALANCE = "GET /v1alpha/user/balance";
const UPSTREAM = path.join(REPO_ROOT, "openapi/upstream");

const subset = (doc: Spec | OpenApiDocument, location: string) =>
  subsetOf(doc as OpenApiDocument, location, "v1alpha");

let vendored: Subset;
let fixtures: FixtureDir;
beforeAll(async () => {
  vendored = await subset(vendoredSpec(), VENDORED_PATH);
  fixtures = await fixtureDir();
});
afterAll(() => fixtures.remove());

async function driftOf(upstream: Spec, base?: Spec): Promise<Finding[]> {
  const against = base ? await subset(base, "/base.json") : vendored;
  return compareSubsets(against, await subset(upstream, "/up.json"), "v1alpha");
}

async function driftOfFile(file: string): Promise<Finding[]> {
  const doc = parseDocument(await readFile(file, "utf8"), file);
  return compareSubsets(vendored, await subset(doc, file), "v1alpha");
}

const lines = (findings: Finding[]) =>
  findings.map((f) => `${f.level} ${f.id} ${f.operation} ${f.path}`);
const above = (findings: Finding[], level: "ERR" | "WARN") =>
  findings.filter((f) => f.level === "ERR" || (level === "WARN" && f.level === "WARN"));

/** The vendored spec with one change made by `edit`. */
function edited(edit: (doc: Spec) => void): Spec {
  const doc = vendoredSpec();
  edit(doc);
  return doc;
}
const obj = (v: unknown) => v as Spec;
const schemas = (doc: Spec) => obj(obj(doc.components).schemas);
const balanceJson = (doc: Spec) =>
  obj(obj(obj(obj(balance(doc).responses)["200"]).content)["application/json"]);

describe("no-op keywords are not changes", () => {
  it("style: simple and explode: false on a header (the defaults, written out)", async () => {
    const doc = edited((d) =>
      Object.assign(organizationHeader(d), { style: "simple", explode: false }),
    );
    expect(lines(await driftOf(doc))).toEqual([]);
  });

  it("allowEmptyValue on a header (it applies to query parameters only)", async () => {
    expect(
      lines(await driftOf(edited((d) => (organizationHeader(d).allowEmptyValue = false)))),
    ).toEqual([]);
    expect(
      lines(await driftOf(edited((d) => delete organizationHeader(d).allowEmptyValue))),
    ).toEqual([]);
  });
});

describe("schema rewrites that leave the generated types unchanged", () => {
  it("an allOf around the one body schema", async () => {
    const doc = edited((d) => {
      balanceJson(d).schema = { allOf: [{ $ref: "#/components/schemas/BalanceResponseBody" }] };
    });
    expect(lines(await driftOf(doc))).toEqual([]);
  });

  it("type: object left out beside properties", async () => {
    const doc = edited((d) => {
      for (const name of ["BalanceResponseBody", "AccountResponseBody", "OrganizationMembership"])
        delete obj(schemas(d)[name]).type;
    });
    expect(lines(await driftOf(doc))).toEqual([]);
  });
});

describe("the compiler judges type changes the rules used to guess", () => {
  const credits = (d: Spec) => obj(obj(obj(schemas(d).BalanceResponseBody).properties).credits);
  const email = (d: Spec) => obj(obj(obj(schemas(d).AccountResponseBody).properties).email);
  const BODY = "responses.200.application/json.schema";

  it("number → integer, no formats: the same TypeScript type, so INFO", async () => {
    const findings = await driftOf(
      edited((d) => {
        delete credits(d).format;
        credits(d).type = "integer";
      }),
      edited((d) => delete credits(d).format),
    );
    expect(lines(findings)).toEqual([
      `INFO response-property-type-compatible ${BALANCE} ${BODY}.credits`,
    ]);
    expect(findings[0]?.text).toContain("`number` in TypeScript either way");
  });

  it("a oneOf of two strings is still a string: INFO, where 'any type' was ERR", async () => {
    const findings = await driftOf(
      edited((d) => {
        const e = email(d);
        delete e.type;
        e.oneOf = [{ type: "string", format: "email" }, { type: "string" }];
      }),
    );
    expect(findings.filter((f) => f.level !== "INFO")).toEqual([]);
    expect(lines(findings)).toContain(
      `INFO response-property-type-compatible GET /v1alpha/user/account ${BODY}.email`,
    );
  });

  it("type: [string, null] is nullable: true in OpenAPI 3.1 spelling: nothing changes", async () => {
    const base = edited((d) => (email(d).nullable = true));
    const upstream = edited((d) => (email(d).type = ["string", "null"]));
    expect(lines(await driftOf(upstream, base))).toEqual([]);
  });

  it("additionalProperties: true adds an index signature the client's type still accepts", async () => {
    const findings = await driftOf(
      edited((d) => (obj(schemas(d).BalanceResponseBody).additionalProperties = true)),
    );
    expect(lines(findings)).toEqual([`INFO response-property-type-compatible ${BALANCE} ${BODY}`]);
  });

  it("an enum on a response string narrows it: INFO; on the request header callers may be refused: WARN (the compile decides ERR)", async () => {
    const findings = await driftOf(
      edited((d) => (obj(organizationHeader(d).schema).enum = ["org-1", "org-2"])),
    );
    expect(lines(findings)).toEqual([
      `WARN request-parameter-type-changed ${BALANCE} parameters.header.Organization.schema`,
    ]);
    expect(findings[0]?.text).toContain('string → "org-1" | "org-2"');
  });
});

describe("messages say what changed", () => {
  it("oneOf: [number, string] is `number → number | string`, not 'any type'", async () => {
    const doc = edited((d) => {
      const credits = obj(obj(obj(schemas(d).BalanceResponseBody).properties).credits);
      delete credits.type;
      delete credits.format;
      credits.oneOf = [{ type: "number", format: "double" }, { type: "string" }];
    });
    const findings = await driftOf(doc);
    expect(lines(findings)).toEqual([
      `WARN response-property-type-changed ${BALANCE} responses.200.application/json.schema.credits`,
    ]);
    expect(findings[0]?.text).toContain("number → number | string");
    expect(findings[0]?.text).not.toContain("any type");
  });

  it("application/json; charset=utf-8 is still JSON, said once", async () => {
    const doc = edited((d) => {
      const content = obj(obj(obj(balance(d).responses)["200"]).content);
      content["application/json; charset=utf-8"] = content["application/json"];
      delete content["application/json"];
    });
    const findings = await driftOf(doc);
    expect(lines(findings)).toEqual([
      `WARN response-media-type-changed ${BALANCE} responses.200.application/json`,
    ]);
    expect(findings[0]?.text).toMatch(
      /^The 200 media type is now `application\/json; charset=utf-8` \(still JSON\); the generated validator looks up `application\/json`/,
    );
  });
});

describe("extensions never stop the check", () => {
  // Stability's spec/*.yaml point code samples at ../examples/… files; here they do not exist.
  const sample = (file: string) => [{ lang: "Python", source: { $ref: `../examples/${file}` } }];

  it("x-codeSamples with external $refs in the root document", async () => {
    const doc = edited((d) => (balance(d)["x-codeSamples"] = sample("balance.py")));
    const file = await fixtures.write("spec/root-samples.yaml", doc);
    expect(lines(await driftOfFile(file))).toEqual([]);
  });

  it("x-codeSamples with external $refs in a path item kept in its own file", async () => {
    const doc = vendoredSpec();
    const paths = obj(doc.paths);
    const item = obj(paths["/v1alpha/user/balance"]);
    obj(item.get)["x-codeSamples"] = sample("balance.py");
    // The path file's own $refs point back into the root document.
    const relocated = JSON.parse(
      JSON.stringify(item).replaceAll('"#/components/', '"../root.yaml#/components/'),
    ) as Spec;
    await fixtures.write("paths/balance.yaml", relocated);
    paths["/v1alpha/user/balance"] = { $ref: "./paths/balance.yaml" };
    const file = await fixtures.write("root.yaml", doc);
    expect(lines(await driftOfFile(file))).toEqual([]);
  });

  it("another x- extension with an external $ref", async () => {
    const doc = edited((d) => (balance(d)["x-readme"] = { $ref: "../docs/balance.md" }));
    const file = await fixtures.write("spec/readme-ext.yaml", doc);
    expect(lines(await driftOfFile(file))).toEqual([]);
  });
});

describe("a document for another API version", () => {
  it("says where the operations are: the v1 document checked as v1alpha names the /v1 paths", async () => {
    const findings = await driftOfFile(
      path.join(UPSTREAM, "stability-rest-v1.2023-03.openapi.json"),
    );
    const text = findings.map((f) => f.text).join("\n");
    expect(text).toContain(listing(operationsOf("v1").map((op) => `\`${op.path}\``)));
    expect(text).toContain("`/v1alpha`");
    expect(text).not.toMatch(/never deprecated/);
  });
});

describe("header names", () => {
  it("a case-only rename is one INFO finding", async () => {
    const findings = await driftOf(edited((d) => (organizationHeader(d).name = "organization")));
    expect(lines(findings)).toEqual([
      `INFO request-header-case-changed ${BALANCE} parameters.header.Organization.name`,
    ]);
    expect(findings[0]?.text).toContain("`Organization` → `organization`");
  });
});

describe("the Authorization header parameter (OpenAPI: SHALL be ignored)", () => {
  const withAuthorization = () =>
    edited((d) => {
      for (const op of tableOperations(d)) {
        const list = (op.parameters as unknown[] | undefined) ?? [];
        op.parameters = [
          ...list,
          { in: "header", name: "Authorization", required: true, schema: { type: "string" } },
        ];
      }
    });

  it("added as a required parameter is not a finding", async () => {
    expect(lines(await driftOf(withAuthorization()))).toEqual([]);
  });

  it("removed is not a finding either", async () => {
    expect(lines(await driftOf(vendoredSpec(), withAuthorization()))).toEqual([]);
  });
});

// The vendored subset comes from the March 2023 document; the January one differs from it.
describe("Stability's January 2023 v1alpha document", () => {
  const file = path.join(UPSTREAM, "stability-rest-v1alpha.2023-01.openapi.json");

  it("differs, but nothing is above INFO", async () => {
    const findings = await driftOfFile(file);
    expect(findings.length).toBeGreaterThan(0);
    expect(lines(above(findings, "WARN"))).toEqual([]);
  });

  it("gives one finding per fact: no two share a fingerprint", async () => {
    const prints = (await driftOfFile(file)).map((f) => f.fingerprint);
    expect(new Set(prints).size).toBe(prints.length);
  });

  it("reports the schema example and the media-type example as two findings at two paths", async () => {
    const doc = edited((d) => {
      balanceJson(d).example = { credits: 1 };
      obj(schemas(d).BalanceResponseBody).example = { credits: 2 };
    });
    const findings = await driftOf(doc);
    expect(findings.map((f) => f.id)).toEqual(["example-changed", "example-changed"]);
    expect(new Set(findings.map((f) => f.path)).size).toBe(2);
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(2);
  });
});
