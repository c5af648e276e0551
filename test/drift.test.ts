import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { stringifyYaml } from "@redocly/openapi-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareSubsets, resolveSubset, type Finding } from "../scripts/lib/drift-compare.ts";
import { parseDocument, type OpenApiDocument } from "../scripts/lib/upstream.ts";
import { startServer, stall, stallBody, text } from "./helpers/server.ts";
import {
  REALISTIC_DRIFT,
  REPO_ROOT,
  VENDORED_PATH,
  fixtureDir,
  mutated,
  reversedKeys,
  vendoredSpec,
  type FixtureDir,
  type MutationName,
  type Spec,
} from "./helpers/spec-fixtures.ts";

const ACCOUNT = "GET /v1alpha/user/account";
const BALANCE = "GET /v1alpha/user/balance";
const BODY = "responses.200.application/json";

let vendored: Awaited<ReturnType<typeof resolveSubset>>;
let fixtures: FixtureDir;
beforeAll(async () => {
  vendored = await resolveSubset(vendoredSpec() as OpenApiDocument, VENDORED_PATH);
  fixtures = await fixtureDir();
});
afterAll(() => fixtures.remove());

/** The findings for an upstream document, against the vendored file or another base. */
async function driftOf(upstream: Spec, base?: Spec): Promise<Finding[]> {
  const against = base ? await resolveSubset(base as OpenApiDocument, "/base.json") : vendored;
  return compareSubsets(against, await resolveSubset(upstream as OpenApiDocument, "/up.json"));
}

/** Same, from the upstream's bytes, so parsing (JSON or YAML) is part of what is checked. */
async function driftOfText(text: string, location: string): Promise<Finding[]> {
  return compareSubsets(vendored, await resolveSubset(parseDocument(text, location), location));
}

const lines = (findings: Finding[]) =>
  findings.map((f) => `${f.level} ${f.id} ${f.operation} ${f.path}`);

describe("each rule, on one named mutation of the vendored spec", () => {
  const cases: [string, MutationName[], string[], MutationName[]?][] = [
    // ERR
    [
      "an operation removed",
      ["balanceRemoved"],
      [`ERR api-removed-without-deprecation ${BALANCE} `],
    ],
    [
      "a new required header",
      ["requiredHeaderAdded"],
      [`ERR new-required-request-parameter ${BALANCE} parameters.header.Stability-Client-Id`],
    ],
    [
      "a parameter that became required",
      ["organizationHeaderRequired"],
      [`ERR request-parameter-became-required ${BALANCE} parameters.header.Organization`],
    ],
    [
      "a parameter whose type changed",
      ["organizationHeaderInteger"],
      [`ERR request-parameter-type-changed ${BALANCE} parameters.header.Organization`],
    ],
    [
      "a success status removed",
      ["accountOkRemoved"],
      [`ERR response-success-status-removed ${ACCOUNT} responses.200`],
    ],
    [
      "a response media type removed",
      ["accountJsonRemoved"],
      [
        `ERR response-media-type-removed ${ACCOUNT} ${BODY}`,
        `INFO response-media-type-added ${ACCOUNT} responses.200.text/plain`,
      ],
    ],
    [
      "a required response property removed",
      ["creditsRemoved"],
      [`ERR response-required-property-removed ${BALANCE} ${BODY}.credits`],
    ],
    [
      "a response property that became optional",
      ["organizationsOptional"],
      [`ERR response-property-became-optional ${ACCOUNT} ${BODY}.organizations`],
    ],
    [
      "a response property whose type changed",
      ["creditsString"],
      [`ERR response-property-type-changed ${BALANCE} ${BODY}.credits`],
    ],
    [
      "a response property that became nullable",
      ["emailNullable"],
      [`ERR response-property-became-nullable ${ACCOUNT} ${BODY}.email`],
    ],
    [
      "a security requirement added",
      ["securityRequirementAdded"],
      [`ERR api-security-added ${BALANCE} security`],
    ],
    [
      "a security requirement changed (the key moved to another header)",
      ["securityChanged"],
      [
        `ERR api-security-updated ${ACCOUNT} security`,
        `ERR api-security-updated ${BALANCE} security`,
      ],
    ],
    // WARN
    [
      "a request parameter removed",
      ["organizationHeaderRemoved"],
      [`WARN request-parameter-removed ${BALANCE} parameters.header.Organization`],
    ],
    [
      "an optional response property removed",
      ["profilePictureRemoved"],
      [`WARN response-optional-property-removed ${ACCOUNT} ${BODY}.profile_picture`],
    ],
    [
      "a response body schema removed",
      ["balanceSchemaRemoved"],
      [`WARN response-body-schema-removed ${BALANCE} ${BODY}`],
    ],
    [
      "an enum value added to a response property",
      ["roleEnum", "roleEnumValueAdded"],
      [
        `WARN response-property-enum-value-added ${ACCOUNT} ${BODY}.organizations[].role.enum.OWNER`,
      ],
      ["roleEnum"],
    ],
    [
      "an operation newly deprecated",
      ["balanceDeprecated"],
      [`WARN endpoint-deprecated ${BALANCE} deprecated`],
    ],
    [
      "a change no rule covers (a new maximum)",
      ["creditsMaximumAdded"],
      [`WARN unclassified-change ${BALANCE} ${BODY}.credits.maximum`],
    ],
    // INFO
    [
      "a new optional parameter",
      ["optionalQueryAdded"],
      [`INFO new-optional-request-parameter ${BALANCE} parameters.query.currency`],
    ],
    [
      "a newly documented 401",
      ["unauthorizedDocumented"],
      [`INFO response-non-success-status-added ${BALANCE} responses.401`],
    ],
    [
      "a new optional response property",
      ["accountPlanAdded"],
      [`INFO response-optional-property-added ${ACCOUNT} ${BODY}.plan`],
    ],
    [
      "a security scheme renamed with the same type, location and header",
      ["securitySchemeRenamed"],
      [
        `INFO security-scheme-renamed ${ACCOUNT} security`,
        `INFO security-scheme-renamed ${BALANCE} security`,
      ],
    ],
    [
      "a changed description",
      ["balanceDescriptionChanged"],
      [`INFO api-description-changed ${BALANCE} description`],
    ],
    [
      "a changed summary",
      ["balanceSummaryChanged"],
      [`INFO api-summary-changed ${BALANCE} summary`],
    ],
    [
      "a changed example",
      ["creditsExampleChanged"],
      [`INFO example-changed ${BALANCE} ${BODY}.credits.example`],
    ],
    [
      "a changed operationId",
      ["balanceOperationIdChanged"],
      [`INFO api-operation-id-removed ${BALANCE} operationId`],
    ],
    [
      "double → float (compatible, not ERR)",
      ["creditsFloat"],
      [`INFO response-property-type-compatible ${BALANCE} ${BODY}.credits`],
    ],
    [
      "int32 → int64 (compatible, not ERR)",
      ["creditsInt64"],
      [`INFO response-property-type-compatible ${BALANCE} ${BODY}.credits`],
      ["creditsInt32"],
    ],
  ];

  it.each(cases)("reports %s, and nothing else", async (_name, change, expected, base) => {
    const findings = await driftOf(mutated(...change), base && mutated(...base));
    expect(lines(findings)).toEqual(expected);
    for (const f of findings) expect(f.text).toMatch(/^\S.*[.!]$/);
  });
});

describe("what is not drift", () => {
  it("finds nothing when the upstream is the vendored file itself", async () => {
    expect(await driftOfText(await readFile(VENDORED_PATH, "utf8"), VENDORED_PATH)).toEqual([]);
  });

  it("finds nothing when keys are reordered and the JSON reformatted", async () => {
    const text = JSON.stringify(reversedKeys(vendoredSpec()));
    expect(await driftOfText(text, "/up.json")).toEqual([]);
  });

  it("finds nothing when every $ref is inlined", async () => {
    expect(await driftOf(mutated("refsInlined"))).toEqual([]);
  });

  it("finds nothing when the upstream is YAML", async () => {
    expect(await driftOfText(stringifyYaml(vendoredSpec()), "/up.yaml")).toEqual([]);
  });

  it("finds nothing when components are renamed and code samples added", async () => {
    expect(await driftOf(mutated("componentsRenamed", "codeSamplesAdded"))).toEqual([]);
  });

  it("finds nothing when only other operations are added or changed", async () => {
    expect(await driftOf(mutated("otherOperationAdded"))).toEqual([]);
    expect(await driftOf(mutated("otherOperationChanged"))).toEqual([]);
  });

  it("matches operations when the server URL carries /v1alpha and the paths do not", async () => {
    expect(await driftOf(mutated("basePathInServer"))).toEqual([]);
  });

  it("reports both operations removed when the server says /v1", async () => {
    expect(lines(await driftOf(mutated("basePathV1")))).toEqual([
      `ERR api-removed-without-deprecation ${ACCOUNT} `,
      `ERR api-removed-without-deprecation ${BALANCE} `,
    ]);
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
    ).toEqual([`ERR response-property-became-nullable ${ACCOUNT} ${BODY}.email`]);
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

// ── the script, as CI runs it ──────────────────────────────────────────────────────────────

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

// Each child loads tsx and @redocly/openapi-core (about a second of CPU): running more of them
// than there are cores only makes each one slower, so the concurrent tests queue for a slot.
let freeSlots = Math.max(1, availableParallelism());
const waiting: (() => void)[] = [];
async function inSlot<T>(task: () => Promise<T>): Promise<T> {
  if (freeSlots > 0) freeSlots--;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await task();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else freeSlots++;
  }
}

function drift(...args: string[]): Promise<Run> {
  return inSlot(() => run(args));
}

function run(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/drift.ts", ...args],
      { cwd: REPO_ROOT, timeout: 30_000, env: { ...process.env, NO_COLOR: "" } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The one line that explains why the check could not run. */
const reasonOf = (run: Run) => run.stderr.trim().split("\n").at(-1) ?? "";
const COULD_NOT = /^drift: could not check \(.+\); this is not a "no drift" result$/;

// Generous limits: the children queue for a slot, and a busy CI machine is slow.
const SLOW = { timeout: 120_000 };

describe.concurrent("npm run drift", SLOW, () => {
  it("exits 0 for an upstream that differs only outside the client's operations (YAML file)", async () => {
    const file = await fixtures.write(
      "upstream-other-ops.yaml",
      mutated("otherOperationChanged", "codeSamplesAdded", "basePathInServer"),
    );
    const run = await drift("--upstream", file);
    expect(run.stdout).toMatch(/^No drift: /);
    expect(run.code).toBe(0);
  });

  it("fetches a good document from an HTTP server and exits 0", async () => {
    const server = await startServer(
      text(200, JSON.stringify(mutated("otherOperationAdded")), {
        "content-type": "application/json",
      }),
    );
    try {
      const run = await drift("--upstream", `${server.url}/spec.json`, "--format", "json");
      expect(JSON.parse(run.stdout)).toEqual([]);
      expect(run.code).toBe(0);
      expect(server.received.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /spec.json"]);
    } finally {
      await server.close();
    }
  });

  describe.concurrent(
    "on one realistic drift (credits a string, a required header, a 401, organizations optional)",
    SLOW,
    () => {
      let file = "";
      let sha = "";
      beforeAll(async () => {
        file = await fixtures.write("upstream-drifted.json", mutated(...REALISTIC_DRIFT));
        sha = createHash("sha256")
          .update(await readFile(file))
          .digest("hex");
      });

      it("prints text grouped by operation, without colour when piped, ending with what to do", async () => {
        const run = await drift("--upstream", file);
        expect(run.code).toBe(1);
        expect(run.stdout).not.toContain("\u001b[");
        expect(run.stdout.split("\n")).toEqual([
          "Upstream drift: 4 changes (3 ERR, 1 INFO)",
          `  upstream  ${file} (sha256 ${sha.slice(0, 12)}…)`,
          "  vendored  openapi/v1alpha.openapi.json",
          "",
          ACCOUNT,
          `  ERR  response-property-became-optional  ${BODY}.organizations`,
          expect.stringMatching(/^ {7}`organizations` in the 200 response is now optional: /),
          "",
          BALANCE,
          "  ERR  new-required-request-parameter  parameters.header.Stability-Client-Id",
          expect.stringMatching(/^ {7}A new required header `Stability-Client-Id` /),
          `  ERR  response-property-type-changed  ${BODY}.credits`,
          expect.stringMatching(/^ {7}`credits` .* from number \(double\) to string: /),
          "  INFO response-non-success-status-added  responses.401",
          expect.stringMatching(/^ {7}A 401 response is now documented; /),
          "",
          "What to do:",
          `  1. \`npm run vendor -- --upstream ${file}\` to take the new spec into openapi/`,
          "  2. `npm run generate` to regenerate src/generated/",
          "  3. fix what the changed types break, then run the tests (`npm test`)",
          "",
        ]);
      });

      it("prints json: a list of { id, level, operation, path, text, fingerprint }", async () => {
        const run = await drift("--upstream", file, "--format", "json");
        expect(run.code).toBe(1);
        const list = JSON.parse(run.stdout) as Finding[];
        expect(list.map((f) => Object.keys(f))).toEqual(
          Array(4).fill(["id", "level", "operation", "path", "text", "fingerprint"]),
        );
        expect(lines(list)).toEqual([
          `ERR response-property-became-optional ${ACCOUNT} ${BODY}.organizations`,
          `ERR new-required-request-parameter ${BALANCE} parameters.header.Stability-Client-Id`,
          `ERR response-property-type-changed ${BALANCE} ${BODY}.credits`,
          `INFO response-non-success-status-added ${BALANCE} responses.401`,
        ]);
        expect(list.map((f) => f.fingerprint)).toEqual(
          (await driftOf(mutated(...REALISTIC_DRIFT))).map((f) => f.fingerprint),
        );
      });

      it("prints markdown tables per operation and the steps to take", async () => {
        const run = await drift("--upstream", file, "--format", "markdown");
        expect(run.code).toBe(1);
        const md = run.stdout.split("\n");
        expect(md[0]).toBe("## Upstream drift: 4 changes (3 ERR, 1 INFO)");
        expect(md).toContain(`### ${ACCOUNT}`);
        expect(md).toContain(`### ${BALANCE}`);
        const rows = md.filter((l) => /^\| (ERR|WARN|INFO) \|/.test(l));
        expect(rows.map((r) => r.split(" | ").slice(0, 3).join(" | "))).toEqual([
          "| ERR | `response-property-became-optional` | `responses.200.application/json.organizations`",
          "| ERR | `new-required-request-parameter` | `parameters.header.Stability-Client-Id`",
          "| ERR | `response-property-type-changed` | `responses.200.application/json.credits`",
          "| INFO | `response-non-success-status-added` | `responses.401`",
        ]);
        expect(md.slice(md.indexOf("### What to do"))).toEqual([
          "### What to do",
          "",
          `1. \`npm run vendor -- --upstream ${file}\` to take the new spec into openapi/`,
          "2. `npm run generate` to regenerate src/generated/",
          "3. fix what the changed types break, then run the tests (`npm test`)",
          "",
        ]);
      });

      it("prints GitHub annotations: ::error for ERR, ::notice for INFO, then what to do", async () => {
        const run = await drift("--upstream", file, "--format", "githubactions");
        expect(run.code).toBe(1);
        const annotations = run.stdout.trimEnd().split("\n");
        expect(annotations.map((l) => l.split("::").slice(0, 2).join("::"))).toEqual([
          "::error title=response-property-became-optional",
          "::error title=new-required-request-parameter",
          "::error title=response-property-type-changed",
          "::notice title=response-non-success-status-added",
          "::notice title=What to do",
        ]);
        expect(annotations[2]).toMatch(
          /^::error title=response-property-type-changed::GET \/v1alpha\/user\/balance responses\.200\.application\/json\.credits: /,
        );
        expect(annotations[4]).toMatch(/npm run vendor.*npm run generate.*npm test/);
      });

      it("exits 1 with --fail-on ERR, since three changes are ERR", async () => {
        expect((await drift("--upstream", file, "--fail-on", "ERR", "--format", "json")).code).toBe(
          1,
        );
      });
    },
  );

  it("lists an INFO-only change but exits 0 with --fail-on WARN", async () => {
    const file = await fixtures.write("upstream-401.json", mutated("unauthorizedDocumented"));
    const run = await drift("--upstream", file, "--fail-on", "WARN");
    expect(run.stdout).toMatch(/^No drift at or above WARN: 1 change \(1 INFO\) below it$/m);
    expect(run.stdout).toMatch(/response-non-success-status-added/);
    expect(run.code).toBe(0);
  });

  describe.concurrent("exits 2 with one line saying why it could not check", SLOW, () => {
    it("for a missing file", async () => {
      const run = await drift("--upstream", `${fixtures.dir}/nowhere.json`);
      expect(run.code).toBe(2);
      expect(reasonOf(run)).toMatch(COULD_NOT);
      expect(reasonOf(run)).toContain("nowhere.json: cannot read file (ENOENT)");
      expect(run.stdout).toBe("");
    });

    it("for invalid JSON", async () => {
      const file = await fixtures.write("broken.json", '{"openapi": "3.0.3", "paths": {');
      const run = await drift("--upstream", file);
      expect(run.code).toBe(2);
      expect(reasonOf(run)).toMatch(COULD_NOT);
      expect(reasonOf(run)).toContain("broken.json: not valid JSON");
    });

    it("for valid JSON that is not OpenAPI", async () => {
      const file = await fixtures.write("swagger.json", '{"swagger": "2.0", "paths": {}}');
      const run = await drift("--upstream", file, "--format", "json");
      expect(run.code).toBe(2);
      expect(reasonOf(run)).toContain("swagger.json: not an OpenAPI 3.x document (swagger 2.0)");
      // An empty stdout, never "[]": a "could not check" must not parse as "no findings".
      expect(run.stdout).toBe("");
    });

    it("for an HTTP 404, and says so in the markdown summary too", async () => {
      const server = await startServer(text(404, "Not Found"));
      try {
        const run = await drift("--upstream", `${server.url}/gone.json`, "--format", "markdown");
        expect(run.code).toBe(2);
        expect(reasonOf(run)).toMatch(COULD_NOT);
        expect(reasonOf(run)).toContain(`${server.url}/gone.json: HTTP 404`);
        expect(run.stdout.split("\n")[0]).toBe("## Upstream drift: could not check");
      } finally {
        await server.close();
      }
    });

    it("for a server that never answers, after --timeout-ms", async () => {
      const server = await startServer(stall());
      try {
        const run = await drift("--upstream", `${server.url}/slow.json`, "--timeout-ms", "300");
        expect(run.code).toBe(2);
        expect(reasonOf(run)).toContain("unreachable (no complete response within 300 ms)");
      } finally {
        await server.close();
      }
    });

    it("for a body that stalls halfway, after --timeout-ms", async () => {
      const server = await startServer(stallBody());
      try {
        const run = await drift("--upstream", `${server.url}/half.json`, "--timeout-ms", "300");
        expect(run.code).toBe(2);
        expect(reasonOf(run)).toContain("unreachable (no complete response within 300 ms)");
      } finally {
        await server.close();
      }
    });

    it("for a refused connection, and as an error annotation in GitHub Actions", async () => {
      const server = await startServer();
      const url = `${server.url}/spec.json`;
      await server.close();
      const run = await drift("--upstream", url, "--format", "githubactions");
      expect(run.code).toBe(2);
      expect(reasonOf(run)).toContain(`${url}: unreachable (ECONNREFUSED)`);
      expect(run.stdout).toMatch(/^::error title=drift-could-not-check::.*ECONNREFUSED/);
    });

    it("for an unknown --format", async () => {
      const run = await drift("--format", "xml");
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^drift: unknown --format xml$/m);
    });
  });
});
