// What drift's reports say about where things went and what they print: hostile strings from an
// upstream cleaned in every format, the version a document describes, an operation's likely new
// place, broken references outside the client's operations, and the wire facts drift reads from
// src/ (the parameters the client sends, the credential each version sends).
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareSubsets, subsetOf, type Finding } from "../scripts/lib/drift/index.ts";
import { runDrift, type DriftIo } from "../scripts/lib/drift-cli.ts";
import { PIPELINE } from "../scripts/lib/pipeline.ts";
import { API_VERSIONS } from "../src/index.ts";
import { operationsOf } from "../src/operations.ts";
import type { OpenApiDocument } from "../scripts/lib/upstream/parse.ts";
import {
  VENDORED_PATH,
  balance,
  fixtureDir,
  mutated,
  vendoredSpec,
  type FixtureDir,
  type Spec,
} from "./helpers/spec-fixtures.ts";

const BALANCE = "GET /v1alpha/user/balance";

let fixtures: FixtureDir;
beforeAll(async () => {
  fixtures = await fixtureDir();
});
afterAll(() => fixtures.remove());

async function drift(args: string[], options: Pick<DriftIo, "upstreams"> = {}) {
  let stdout = "";
  const code = await runDrift(args, {
    stdout: (s) => void (stdout += s),
    stderr: () => undefined,
    ...options,
  });
  return { code, stdout };
}

async function findingsOf(upstream: Spec) {
  const base = await subsetOf(vendoredSpec() as OpenApiDocument, VENDORED_PATH, "v1alpha");
  const revision = await subsetOf(upstream as OpenApiDocument, "/up.json", "v1alpha");
  return compareSubsets(base, revision, "v1alpha");
}
const lines = (findings: Finding[]) => findings.map((f) => `${f.level} ${f.id} ${f.path}`);

describe("upstream strings in every report format", () => {
  // A tag and an info key that carry escape sequences, a CR that would forge a line, bidi
  // controls, and Markdown and HTML that would render.
  const hostile = () => {
    const doc = mutated();
    (balance(doc).tags as string[]).push("\u001b[31mred\r\nERR  forged-line *bold* <img src=x>");
    (doc.info as Spec)["x\u001b]8;;https://evil.example\u0007link\u202e"] = "value";
    return doc;
  };
  // Control characters (CR and ESC among them), C1, line separators and bidi controls; LF only
  // between lines.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const OBEYED = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

  it.for(["text", "json", "markdown", "githubactions"])(
    "%s prints no control character from the upstream",
    async (format) => {
      const file = await fixtures.write(`hostile-${format}.json`, hostile());
      const { code, stdout } = await drift(["--upstream", file, "--format", format]);
      expect(code).toBe(1);
      expect(stdout).toContain("forged-line");
      expect(stdout).not.toMatch(OBEYED);
      expect(stdout.split("\n").filter((l) => l.startsWith("ERR  forged-line"))).toEqual([]);
      if (format === "json") {
        const texts = (JSON.parse(stdout) as Finding[]).flatMap((f) => [f.text, f.path]);
        expect(texts.join("")).not.toMatch(OBEYED);
      }
    },
  );

  it("markdown escapes what Markdown or HTML would act on", async () => {
    const file = await fixtures.write("hostile-md.json", hostile());
    const { stdout } = await drift(["--upstream", file, "--format", "markdown"]);
    expect(stdout).toContain("\\*bold\\* \\<img src=x\\>");
    // Inside a code span nothing renders; outside one, every `<` has its backslash.
    expect(stdout.replace(/`[^`\n]*`/g, "")).not.toMatch(/(?<!\\)<img/);
  });
});

describe("where a missing operation went", () => {
  it("names the version a document describes when it is none the client speaks", async () => {
    const findings = await findingsOf(mutated("basePathV1beta"));
    expect(lines(findings)).toEqual(["ERR api-under-other-version paths"]);
    expect(findings[0]!.text).toContain(
      "This upstream describes the client's operations under `/v1beta`, a version the client does not speak",
    );
  });

  it("names the likely new place of an operation, by operationId", async () => {
    const findings = await findingsOf(mutated("balanceMovedToUsersMe"));
    expect(lines(findings)).toEqual(["ERR api-removed-without-deprecation "]);
    expect(findings[0]!.text).toContain("it likely moved to GET /v1alpha/users/me/balance");
  });

  it("names it by tag and summary when the operationId changed too", async () => {
    const doc = mutated("balanceMovedToUsersMe");
    const moved = (doc.paths as Record<string, { get: Spec }>)["/v1alpha/users/me/balance"]!.get;
    moved.operationId = "usersMeBalance";
    const findings = await findingsOf(doc);
    expect(findings[0]!.text).toContain("it likely moved to GET /v1alpha/users/me/balance");
  });

  it("names none when two operations would fit", async () => {
    const doc = mutated("balanceMovedToUsersMe");
    const paths = doc.paths as Record<string, unknown>;
    paths["/v1alpha/orgs/balance"] = structuredClone(paths["/v1alpha/users/me/balance"]);
    const [finding] = await findingsOf(doc);
    expect(finding!.text).not.toContain("likely moved");
  });
});

describe("a broken reference outside the client's operations", () => {
  it("is an INFO naming the reference and where it stands, and the check goes on", async () => {
    const doc = mutated();
    (doc.components as { schemas: Spec }).schemas.ImageToImage = {
      oneOf: [{ $ref: "#/components/schemas/Engine" }],
      discriminator: { propertyName: "mode", mapping: { a: "#/components/schemas/Gone" } },
    };
    const at = "#/components/schemas/ImageToImage/discriminator/mapping/a";
    const findings = await findingsOf(doc);
    expect(lines(findings)).toContain(`INFO broken-ref-outside-client ${at}`);
    expect(findings.find((f) => f.path === at)!.text).toMatch(
      /^The reference "#\/components\/schemas\/Gone" at ".*mapping\/a" does not resolve.*; it lies outside the client's operations/,
    );
  });
});

describe("what the client sends, read from src/", () => {
  it("the Organization header: renamed upstream, it is a removed parameter the client sends", async () => {
    const findings = await findingsOf(mutated("organizationHeaderRenamed"));
    expect(lines(findings)).toEqual([
      "ERR request-parameter-sent-removed parameters.header.Organization",
      "INFO new-optional-request-parameter parameters.header.X-Organization",
    ]);
    expect(findings.every((f) => f.operation === BALANCE)).toBe(true);
  });

  it("the bare key on v1alpha does not meet http bearer", async () => {
    const findings = await findingsOf(mutated("securityBearer"));
    // One per operation of the table: the scheme they all use changed.
    expect(findings.map((f) => f.operation)).toEqual(operationsOf("v1alpha").map((op) => op.key));
    expect(new Set(lines(findings))).toEqual(new Set(["ERR api-security-not-met security"]));
    expect(findings[0]!.text).toContain("the client sends `Authorization: <key>`");
  });
});

describe("the weekly workflow", () => {
  const workflow = () =>
    readFile(new URL("../.github/workflows/drift.yml", import.meta.url), "utf8");

  it("names only files that exist in its comments and descriptions", async () => {
    const named =
      (await workflow()).match(/\b(?:scripts|src|openapi|docs|test)\/[\w./-]*\w/g) ?? [];
    expect(named.length).toBeGreaterThan(0);
    for (const file of new Set(named))
      expect(existsSync(new URL(`../${file}`, import.meta.url)), file).toBe(true);
  });

  it("fails at WARN or above and writes every finding to the job summary", async () => {
    const text = await workflow();
    expect(text).toMatch(/^ {2}FAIL_ON: WARN$/m);
    expect(text).toContain('args=(--format markdown --fail-on "$FAIL_ON")');
    expect(text).toMatch(
      /npm run --silent drift -- "\$\{args\[@\]\}" >> "\$GITHUB_STEP_SUMMARY"$/m,
    );
  });

  // What the job runs (every version, each against its default upstream), with each default
  // upstream's committed copy in its place: green until Stability changes a document.
  it("passes on every version's default upstream as committed", async () => {
    const copies = Object.fromEntries(API_VERSIONS.map((v) => [v, PIPELINE[v].upstreamCopy]));
    const { code, stdout } = await drift(["--format", "markdown", "--fail-on", "WARN"], {
      upstreams: copies,
    });
    expect(stdout).toMatch(/^## Upstream drift: none/);
    for (const version of API_VERSIONS) expect(stdout).toContain(PIPELINE[version].upstreamCopy);
    expect(code).toBe(0);
  });

  it("stays green on INFO alone, and lists the INFO findings in the summary", async () => {
    const file = await fixtures.write("info-only.json", mutated("creditsDescriptionChanged"));
    const { code, stdout } = await drift([
      "--format",
      "markdown",
      "--fail-on",
      "WARN",
      "--upstream",
      file,
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      "| INFO | `description-changed` | `responses.200.application/json.schema.credits.description` |",
    );
  });
});
