// `npm run drift` as maintainers and CI run it: the reports, the exit codes, the versions. Most
// cases call runDrift in-process (the function scripts/drift.ts is a shell around); a few spawn
// the script itself for what only a process shows: its exit code, --help, and `npm run -s`.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDrift, USAGE, type DriftIo } from "../scripts/lib/drift-cli.ts";
import type { Finding } from "../scripts/lib/drift/index.ts";
import { PIPELINE } from "../scripts/lib/pipeline.ts";
import { vendorVersion } from "../scripts/lib/vendor.ts";
import { listing } from "../src/cli/text.ts";
import { operations as v1alphaMetadata } from "../src/generated/v1alpha.operations.ts";
import { OPERATION_NAMES, operationsOf } from "../src/operations.ts";
import { runTs, startServer, stall, stallBody, text } from "./helpers/server.ts";
import {
  REALISTIC_DRIFT,
  REPO_ROOT,
  fixtureDir,
  mutated,
  type FixtureDir,
} from "./helpers/spec-fixtures.ts";

const ACCOUNT = "GET /v1alpha/user/account";
const BALANCE = "GET /v1alpha/user/balance";
const BODY = "responses.200.application/json.schema";
const STABILITY = {
  v1alpha2023_01: "openapi/upstream/stability-rest-v1alpha.2023-01.openapi.json",
  v1alpha2023_03: "openapi/upstream/stability-rest-v1alpha.2023-03.openapi.json",
  v1_2023_03: "openapi/upstream/stability-rest-v1.2023-03.openapi.json",
};

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** runDrift in-process, from the repository root as npm runs it. */
async function drift(
  args: string[],
  options: Omit<DriftIo, "stdout" | "stderr"> = {},
): Promise<Result> {
  let stdout = "";
  let stderr = "";
  const cwd = process.cwd();
  process.chdir(REPO_ROOT);
  try {
    const code = await runDrift(args, {
      stdout: (s) => (stdout += s),
      stderr: (s) => (stderr += s),
      ...options,
    });
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
  }
}

const lines = (findings: Pick<Finding, "level" | "id" | "operation" | "path">[]) =>
  findings.map((f) => `${f.level} ${f.id} ${f.operation} ${f.path}`);
/** The one line that explains why the check could not run. */
// Drift compiles src/ when the generated types change; the first compile in a process parses the
// DOM and Node typings (seconds on a loaded machine), later ones reuse them.
const COMPILES = { timeout: 120_000 };

const reasonOf = (run: Result) => run.stderr.trim().split("\n").at(-1) ?? "";
const COULD_NOT = /^drift: could not check \(.+\); this is not a "no drift" result$/;

// ── the script itself, as npm and CI run it ─────────────────────────────────────────────────

const npm = (args: string[]): Promise<Result> =>
  new Promise((resolve) => {
    execFile(
      "npm",
      args,
      { cwd: REPO_ROOT, timeout: 60_000, env: { ...process.env, NO_COLOR: "" } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

let fixtures: FixtureDir;
let drifted = "";
let driftedSha = "";
/** The script's own runs, started first so the children work while the in-process tests do. */
const children = {} as Record<"help" | "npm", Promise<Result>>;
beforeAll(async () => {
  fixtures = await fixtureDir();
  // A change only the doc comments see, so the child compiles nothing and stays cheap.
  const infoOnly = await fixtures.write(
    "upstream-description-only.json",
    mutated("creditsDescriptionChanged"),
  );
  children.help = runTs("scripts/drift.ts", ["--help"]).then((r) => ({ ...r, code: r.code ?? -1 }));
  children.npm = npm(["run", "-s", "drift", "--", "--upstream", infoOnly, "--format", "json"]);
  drifted = await fixtures.write("upstream-drifted.json", mutated(...REALISTIC_DRIFT));
  driftedSha = createHash("sha256")
    .update(await readFile(drifted))
    .digest("hex");
});
afterAll(() => Promise.all(Object.values(children)));
afterAll(() => fixtures.remove());

describe(
  "on one realistic drift (credits a string, a required header, a 429, organizations optional)",
  COMPILES,
  () => {
    it("prints text grouped by operation, ending with what to do", async () => {
      const run = await drift(["--upstream", drifted]);
      expect(run.code).toBe(1);
      expect(run.stdout).not.toContain("\u001b[");
      expect(run.stdout.split("\n")).toEqual([
        "Upstream drift: 5 changes (2 ERR, 2 WARN, 1 INFO)",
        `  v1alpha openapi/v1alpha.openapi.json vs ${drifted} (sha256 ${driftedSha.slice(0, 12)}…)`,
        "",
        ACCOUNT,
        `  WARN response-property-became-optional  ${BODY}.organizations.required`,
        expect.stringMatching(/^ {7}`organizations` in the 200 response is now optional; /),
        "",
        BALANCE,
        "  ERR  new-required-request-parameter  parameters.header.Stability-Client-Id",
        expect.stringMatching(/^ {7}A new required header `Stability-Client-Id` is documented; /),
        `  WARN response-property-type-changed  ${BODY}.credits`,
        expect.stringMatching(
          /^ {7}`credits` in the 200 response: number → string \(format double → none\); /,
        ),
        "  INFO response-non-success-status-added  responses.429",
        expect.stringMatching(/^ {7}A 429 response is now documented; /),
        "",
        "Whole document (v1alpha)",
        "  ERR  compile-failed  typecheck",
        expect.stringMatching(
          /^ {7}After vendor and generate, src\/ does not compile \(\d+ errors\): src\/spec\.ts:\d+ TS2344 .*src\/cli[\w/]*\.ts:\d+ TS\d+ /,
        ),
        "",
        "What to do:",
        `  1. \`npm run vendor -- --api-version v1alpha --upstream ${drifted}\` to take the new spec into openapi/`,
        "  2. `npm run generate` to regenerate src/generated/",
        "  3. fix what the changed types break, then run the tests (`npm test`)",
        "",
      ]);
    });

    it("prints colour only when asked (a terminal)", async () => {
      expect((await drift(["--upstream", drifted], { colour: true })).stdout).toContain(
        "\u001b[31m",
      );
    });

    it("prints json: a list of { id, level, version, operation, path, text, fingerprint }", async () => {
      const run = await drift(["--upstream", drifted, "--format", "json"]);
      expect(run.code).toBe(1);
      const list = JSON.parse(run.stdout) as Finding[];
      expect(list.map((f) => Object.keys(f))).toEqual(
        Array(5).fill(["id", "level", "version", "operation", "path", "text", "fingerprint"]),
      );
      expect(lines(list)).toEqual([
        `WARN response-property-became-optional ${ACCOUNT} ${BODY}.organizations.required`,
        `ERR new-required-request-parameter ${BALANCE} parameters.header.Stability-Client-Id`,
        `WARN response-property-type-changed ${BALANCE} ${BODY}.credits`,
        `INFO response-non-success-status-added ${BALANCE} responses.429`,
        "ERR compile-failed document typecheck",
      ]);
      expect(list.every((f) => f.version === "v1alpha")).toBe(true);
      expect(new Set(list.map((f) => f.fingerprint)).size).toBe(5);
    });

    it("gives the same fingerprints when the upstream is YAML", async () => {
      const yaml = await fixtures.write("upstream-drifted.yaml", mutated(...REALISTIC_DRIFT));
      const prints = async (file: string) =>
        (
          JSON.parse((await drift(["--upstream", file, "--format", "json"])).stdout) as Finding[]
        ).map((f) => f.fingerprint);
      expect(await prints(yaml)).toEqual(await prints(drifted));
    });

    it("prints markdown tables per operation and the steps to take", async () => {
      const run = await drift(["--upstream", drifted, "--format", "markdown"]);
      expect(run.code).toBe(1);
      const md = run.stdout.split("\n");
      expect(md[0]).toBe("## Upstream drift: 5 changes (2 ERR, 2 WARN, 1 INFO)");
      expect(md).toContain(`### ${ACCOUNT}`);
      expect(md).toContain(`### ${BALANCE}`);
      const rows = md.filter((l) => /^\| (ERR|WARN|INFO) \|/.test(l));
      expect(rows.map((r) => r.split(" | ").slice(0, 3).join(" | "))).toEqual([
        `| WARN | \`response-property-became-optional\` | \`${BODY}.organizations.required\``,
        "| ERR | `new-required-request-parameter` | `parameters.header.Stability-Client-Id`",
        `| WARN | \`response-property-type-changed\` | \`${BODY}.credits\``,
        "| INFO | `response-non-success-status-added` | `responses.429`",
        "| ERR | `compile-failed` | `typecheck`",
      ]);
      expect(md.slice(md.indexOf("### What to do"))).toEqual([
        "### What to do",
        "",
        `1. \`npm run vendor -- --api-version v1alpha --upstream ${drifted}\` to take the new spec into openapi/`,
        "2. `npm run generate` to regenerate src/generated/",
        "3. fix what the changed types break, then run the tests \\(`npm test`\\)",
        "",
      ]);
    });

    it("prints GitHub annotations: ::error for ERR, ::notice for INFO, then what to do", async () => {
      const run = await drift(["--upstream", drifted, "--format", "githubactions"]);
      expect(run.code).toBe(1);
      const annotations = run.stdout.trimEnd().split("\n");
      expect(annotations.map((l) => l.split("::").slice(0, 2).join("::"))).toEqual([
        "::warning title=response-property-became-optional",
        "::error title=new-required-request-parameter",
        "::warning title=response-property-type-changed",
        "::notice title=response-non-success-status-added",
        "::error title=compile-failed",
        "::notice title=What to do",
      ]);
      expect(annotations[2]).toMatch(
        /^::warning title=response-property-type-changed::GET \/v1alpha\/user\/balance responses\.200\.application\/json\.schema\.credits: /,
      );
      expect(annotations[5]).toMatch(/npm run vendor.*npm run generate.*npm test/);
    });

    it("exits 1 with --fail-on ERR, since two changes are ERR", async () => {
      expect(
        (await drift(["--upstream", drifted, "--fail-on", "ERR", "--format", "json"])).code,
      ).toBe(1);
    });

    it("names a vendor command that works", async () => {
      const run = await drift(["--upstream", drifted]);
      const command = /`npm run vendor -- --api-version (\S+) --upstream (\S+)`/.exec(run.stdout);
      expect(command).not.toBeNull();
      const out = path.join(fixtures.dir, "vendored-by-next-step.json");
      const result = await vendorVersion(command![1] as "v1alpha", { upstream: command![2], out });
      expect(result.operations).toBe(OPERATION_NAMES.length);
    });
  },
);

describe("what is not drift", () => {
  it("exits 0 for an upstream that differs only outside the client's operations (YAML file)", async () => {
    const file = await fixtures.write(
      "upstream-other-ops.yaml",
      mutated("otherOperationChanged", "codeSamplesAdded", "basePathInServer"),
    );
    const run = await drift(["--upstream", file]);
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
      const run = await drift(["--upstream", `${server.url}/spec.json`, "--format", "json"]);
      expect(JSON.parse(run.stdout)).toEqual([]);
      expect(run.code).toBe(0);
      expect(server.received.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /spec.json"]);
    } finally {
      await server.close();
    }
  });

  it("lists an INFO-only change but exits 0 with --fail-on WARN", async () => {
    const file = await fixtures.write("upstream-429.json", mutated("rateLimitDocumented"));
    const run = await drift(["--upstream", file, "--fail-on", "WARN"]);
    expect(run.stdout).toMatch(/^No drift at or above WARN: 1 change \(1 INFO\) below it$/m);
    expect(run.stdout).toMatch(/response-non-success-status-added/);
    expect(run.code).toBe(0);
  });
});

describe("Stability's own documents (the in-repo copies)", COMPILES, () => {
  it("v1alpha, January 2023 (before the operationIds were renamed): src/ compiles; one WARN, the renamed operations keys; the rest INFO", async () => {
    const run = await drift(["--upstream", STABILITY.v1alpha2023_01, "--format", "json"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^drift: v1alpha: vendor and generate in a scratch copy: src\/ compiles$/m,
    );
    const list = JSON.parse(run.stdout) as Finding[];
    expect(list.filter((f) => f.level === "INFO").length).toBeGreaterThan(0);
    expect(list.filter((f) => f.level !== "INFO").map((f) => `${f.level} ${f.id}`)).toEqual([
      "WARN exported-type-key-removed",
    ]);
    // Every operation of the table loses its March key (`userBalance`) for January's.
    const warning = list.find((f) => f.level === "WARN")?.text ?? "";
    for (const name of OPERATION_NAMES)
      expect(warning).toContain(`operations[${JSON.stringify(v1alphaMetadata[name].operationId)}]`);
    expect(warning).toMatch(/^The generated types no longer declare .* \(new: operations\[/);
    expect((await drift(["--upstream", STABILITY.v1alpha2023_01, "--fail-on", "ERR"])).code).toBe(
      0,
    );
  });

  it("v1alpha, March 2023 (the default upstream, and the vendored source): no drift", async () => {
    const run = await drift(["--api-version", "v1alpha", "--upstream", STABILITY.v1alpha2023_03]);
    expect(run.stdout).toMatch(/^No drift: /);
    expect(run.code).toBe(0);
  });

  it("v1, March 2023, checked as v1: no ERR (no drift at all: it is the vendored source)", async () => {
    const run = await drift([
      "--api-version",
      "v1",
      "--upstream",
      STABILITY.v1_2023_03,
      "--format",
      "json",
    ]);
    expect(JSON.parse(run.stdout)).toEqual([]);
    expect(run.code).toBe(0);
  });

  it("v1, March 2023, checked as v1alpha: names the /v1 paths and how to check it as v1", async () => {
    const run = await drift(["--upstream", STABILITY.v1_2023_03]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `This upstream describes ${listing(operationsOf("v1").map((op) => `\`${op.path}\``))}; the client targets \`/v1alpha\``,
    );
    expect(run.stdout).not.toMatch(/never deprecated|npm run vendor/);
    expect(run.stdout).toContain(
      `1. \`npm run drift -- --api-version v1 --upstream ${STABILITY.v1_2023_03}\` to check that document against the v1 client instead`,
    );
  });
});

describe("every version in one run", COMPILES, () => {
  // The default upstreams as committed; v1alpha's January document drifts from its subset.
  const copies = { v1alpha: PIPELINE.v1alpha.upstreamCopy, v1: PIPELINE.v1.upstreamCopy };
  const both = { upstreams: { ...copies, v1alpha: STABILITY.v1alpha2023_01 } };

  it("checks each vendored version against its own upstream, with one report and one exit code", async () => {
    const run = await drift(["--format", "json"], both);
    expect(run.code).toBe(1);
    const list = JSON.parse(run.stdout) as Finding[];
    expect(new Set(list.map((f) => f.version))).toEqual(new Set(["v1alpha"]));
    expect(run.stderr).toMatch(/^drift: v1alpha: compared with openapi\/v1alpha\.openapi\.json: /m);
    expect(run.stderr).toMatch(/^drift: v1: compared with openapi\/v1\.openapi\.json: 0 change/m);
    const textRun = await drift([], both);
    expect(textRun.stdout).toContain(
      `  v1      openapi/v1.openapi.json vs ${STABILITY.v1_2023_03}`,
    );
    expect(textRun.stdout).toContain("Whole document (v1alpha)");
    expect(textRun.stdout).toContain(
      "`npm run vendor -- --api-version v1alpha` to take the new spec",
    );
  });

  it("exits 0 when no version drifts", async () => {
    const run = await drift([], { upstreams: copies });
    expect(run.stdout).toMatch(/^No drift: every upstream describes the client's operations/);
    expect(run.code).toBe(0);
  });

  it("--api-version limits the run to one version; --upstream alone means v1alpha", async () => {
    const one = await drift(["--api-version", "v1"], both);
    expect(one.stderr).not.toMatch(/v1alpha/);
    expect(one.code).toBe(0);
    const alone = await drift(["--upstream", STABILITY.v1alpha2023_01], both);
    expect(alone.stderr).toMatch(/^drift: v1alpha: read /m);
    expect(alone.stderr).not.toMatch(/^drift: v1: /m);
  });

  it("reports what it checked and exits 2 when one version could not be checked", async () => {
    const run = await drift([], {
      upstreams: { v1alpha: STABILITY.v1alpha2023_01, v1: `${fixtures.dir}/gone.json` },
    });
    expect(run.code).toBe(2);
    expect(reasonOf(run)).toMatch(COULD_NOT);
    expect(reasonOf(run)).toContain("(v1: ");
    expect(run.stdout).toContain("Whole document (v1alpha)");
  });

  it("refuses an unknown --api-version before reading anything", async () => {
    const run = await drift(["--api-version", "v2"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^drift: --api-version must be one of v1alpha, v1, got v2$/m);
  });
});

describe("exits 2 with one line saying why it could not check", () => {
  it("for a missing file", async () => {
    const run = await drift(["--upstream", `${fixtures.dir}/nowhere.json`]);
    expect(run.code).toBe(2);
    expect(reasonOf(run)).toMatch(COULD_NOT);
    expect(reasonOf(run)).toContain("nowhere.json: cannot read file (ENOENT)");
    expect(run.stdout).toBe("");
  });

  it("for invalid JSON", async () => {
    const file = await fixtures.write("broken.json", '{"openapi": "3.0.3", "paths": {');
    const run = await drift(["--upstream", file]);
    expect(run.code).toBe(2);
    expect(reasonOf(run)).toMatch(COULD_NOT);
    expect(reasonOf(run)).toContain("broken.json: not valid JSON");
  });

  it("for valid JSON that is not OpenAPI, with an empty stdout in json (never `[]`)", async () => {
    const file = await fixtures.write("swagger.json", '{"swagger": "2.0", "paths": {}}');
    const run = await drift(["--upstream", file, "--format", "json"]);
    expect(run.code).toBe(2);
    expect(reasonOf(run)).toContain("swagger.json: not an OpenAPI 3.x document (swagger 2.0)");
    expect(run.stdout).toBe("");
  });

  it("for an HTTP 404, and says so in the markdown summary too", async () => {
    const server = await startServer(text(404, "Not Found"));
    try {
      const run = await drift(["--upstream", `${server.url}/gone.json`, "--format", "markdown"]);
      expect(run.code).toBe(2);
      expect(reasonOf(run)).toMatch(COULD_NOT);
      expect(reasonOf(run)).toContain(`${server.url}/gone.json: HTTP 404`);
      expect(run.stdout.split("\n")[0]).toBe("## Upstream drift: could not check");
    } finally {
      await server.close();
    }
  });

  it("for a server that never answers, or stalls halfway, after --timeout-ms", async () => {
    for (const behaviour of [stall(), stallBody()]) {
      const server = await startServer(behaviour);
      try {
        const run = await drift(["--upstream", `${server.url}/slow.json`, "--timeout-ms", "300"]);
        expect(run.code).toBe(2);
        expect(reasonOf(run)).toContain("unreachable (no complete response within 300 ms)");
      } finally {
        await server.close();
      }
    }
  });

  it("for a refused connection, and as an error annotation in GitHub Actions", async () => {
    const server = await startServer();
    const url = `${server.url}/spec.json`;
    await server.close();
    const run = await drift(["--upstream", url, "--format", "githubactions"]);
    expect(run.code).toBe(2);
    expect(reasonOf(run)).toContain(`${url}: unreachable (ECONNREFUSED)`);
    expect(run.stdout).toMatch(/^::error title=drift-could-not-check::.*ECONNREFUSED/);
  });

  it("for an unknown --format or --fail-on", async () => {
    const format = await drift(["--format", "xml"]);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/^drift: unknown --format xml$/m);
    expect((await drift(["--fail-on", "CRIT"])).stderr).toMatch(/^drift: unknown --fail-on CRIT$/m);
  });
});

describe("the drift script", () => {
  it("--help prints the usage and exits 0", async () => {
    const run = await children.help;
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${USAGE}\n`);
    expect(run.stderr).toBe("");
  });

  it("`npm run -s drift -- --format json` prints JSON only, and the process exits 1 on drift", async () => {
    const run = await children.npm;
    expect(run.code).toBe(1);
    expect(lines(JSON.parse(run.stdout) as Finding[])).toEqual([
      `INFO description-changed ${BALANCE} ${BODY}.credits.description`,
    ]);
  });
});
