// Adding an operation, as docs/maintaining.md says to: one table entry, its CLI
// formatter, then `npm run vendor` and `npm run generate`. In a scratch copy of the repository,
// GET /{version}/engines/list (whose two versions' bodies differ: an object on v1alpha, an array on
// v1) is added from the committed upstream documents; the client, the testing kit, the validators
// and the CLI then serve it, and only two hand-written files were touched.
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_VERSIONS } from "../src/index.ts";
import { PIPELINE } from "../scripts/lib/pipeline.ts";
import { json, startServer, type TestServer } from "./helpers/server.ts";
import { REPO_ROOT } from "./helpers/scratch-repo.ts";

const run = promisify(execFile);
const UPSTREAM = {
  v1alpha: "openapi/upstream/stability-rest-v1alpha.2023-01.openapi.json",
  v1: "openapi/upstream/stability-rest-v1.2023-03.openapi.json",
} as const;

// The two hand-written edits, each a few lines, placed after the `balance` entry of each table.
const TABLE_ENTRY = `  engines: {
    method: "GET",
    path: "/engines/list",
    params: { organization: { in: "header", name: "Organization" } },
  },
`;
const FORMATTER = `  engines: {
    summary: "the engines the key may use",
    call: (client, args) => client.engines(args),
    text: (engines) =>
      (Array.isArray(engines) ? engines : engines.engines).map((e) => clean(e.id)).join("\\n"),
  },
`;

/** Inserts `entry` after the table entry `after:`, whose last line `closing` matches. */
function insertAfterEntry(source: string, after: string, entry: string, closing: RegExp): string {
  const start = source.indexOf(`  ${after}: {`);
  if (start < 0) throw new Error(`no ${after} entry`);
  const close = closing.exec(source.slice(start));
  if (!close) throw new Error(`no end of the ${after} entry`);
  const at = start + close.index + close[0].length;
  return source.slice(0, at) + entry + source.slice(at);
}

let root: string;
let server: TestServer;
const tsx = (args: string[]) =>
  run(process.execPath, ["--import", "tsx", ...args], { cwd: root, timeout: 60_000 });

/** Every file under `dir`, relative to it. */
async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "add-operation-"));
  for (const part of ["src", "scripts", "openapi", "tsconfig.json", "package.json"])
    await cp(path.join(REPO_ROOT, part), path.join(root, part), { recursive: true });
  await symlink(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"), "dir");

  const table = path.join(root, "src/operations.ts");
  await writeFile(
    table,
    insertAfterEntry(await readFile(table, "utf8"), "balance", TABLE_ENTRY, /\n {2}\},\n/),
  );
  const formatters = path.join(root, "src/cli/commands.ts");
  await writeFile(
    formatters,
    insertAfterEntry(await readFile(formatters, "utf8"), "balance", FORMATTER, /\n {2}\},\n/),
  );
  for (const version of API_VERSIONS)
    await tsx(["scripts/vendor.ts", "--api-version", version, "--upstream", UPSTREAM[version]]);
  await tsx(["scripts/generate.ts"]);

  server = await startServer((req, res) => {
    const body = req.url?.startsWith("/v1alpha/")
      ? { engines: [{ id: "sd-1", name: "SD", description: "d", type: "PICTURE" }] }
      : [{ id: "sd-2", name: "SD", description: "d", type: "PICTURE" }];
    json(200, body)(req, res);
  });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

describe("adding GET /{version}/engines/list", () => {
  it("touches two hand-written files: the table entry and the CLI formatter", async () => {
    const before = new Set(await files(path.join(REPO_ROOT, "src")));
    const changed: string[] = [];
    for (const file of await files(path.join(root, "src"))) {
      const [now, then] = await Promise.all([
        readFile(path.join(root, "src", file), "utf8"),
        before.has(file) ? readFile(path.join(REPO_ROOT, "src", file), "utf8") : "",
      ]);
      if (now !== then && !file.startsWith("generated")) changed.push(`src/${file}`);
    }
    expect(changed.sort()).toEqual(["src/cli/commands.ts", "src/operations.ts"]);
    // vendor and generate wrote the rest: both subsets now hold the operation.
    for (const version of API_VERSIONS) {
      const subset = await readFile(path.join(root, PIPELINE[version].vendored), "utf8");
      expect(subset).toContain(`"/${version}/engines/list"`);
    }
  });

  it("compiles: every part of src/ serves the new operation without another edit", async () => {
    // src/ only: the scripts and tests are not what the operation needs.
    const config = { extends: "./tsconfig.json", include: ["src"] };
    await writeFile(path.join(root, "tsconfig.src.json"), JSON.stringify(config));
    const tsc = path.join(REPO_ROOT, "node_modules/typescript/bin/tsc");
    const compiled = run(process.execPath, [tsc, "-p", "tsconfig.src.json"], { cwd: root });
    await expect(compiled).resolves.toEqual({ stdout: "", stderr: "" });
  }, 120_000);

  it("gives the client its methods, the testing kit its default answers, and validators per version", async () => {
    const script = `
      import { createStabilityClient, StabilityValidationError } from "./src/index.ts";
      import { createMockFetch } from "./src/testing.ts";
      const out = {};
      for (const apiVersion of ["v1alpha", "v1"]) {
        const fetch = createMockFetch();
        const client = createStabilityClient({ apiKey: "sk-x", apiVersion, fetch });
        const body = await client.engines({ organization: "org-1" });
        const info = await client.enginesWithHttpInfo();
        const off = createStabilityClient({ apiKey: "sk-x", apiVersion, maxRetries: 0,
          fetch: createMockFetch({ engines: { status: 200, body: { engines: "none" } } }) });
        const refused = await off.engines().catch((e) => e instanceof StabilityValidationError);
        out[apiVersion] = { body, status: info.status, calls: fetch.calls.map((c) => [c.path, c.headers.organization ?? null]), refused };
      }
      console.log(JSON.stringify(out));
    `;
    await writeFile(path.join(root, "probe.ts"), script);
    const { stdout } = await tsx(["probe.ts"]);
    const out = JSON.parse(stdout) as Record<
      string,
      { body: unknown; status: number; calls: unknown; refused: boolean }
    >;
    expect(Array.isArray(out.v1!.body)).toBe(true);
    expect(out.v1alpha!.body).toHaveProperty("engines");
    for (const version of API_VERSIONS) {
      expect(out[version]!.status).toBe(200);
      expect(out[version]!.calls).toEqual([
        [`/${version}/engines/list`, "org-1"],
        [`/${version}/engines/list`, null],
      ]);
      expect(out[version]!.refused).toBe(true);
    }
  }, 60_000);

  it("gives the CLI its subcommand, with the operation's --organization flag", async () => {
    for (const version of API_VERSIONS) {
      const { stdout } = await run(
        process.execPath,
        [
          "--import",
          "tsx",
          "src/cli.ts",
          "engines",
          "--api-version",
          version,
          "--organization",
          "org-9",
          "--base-url",
          server.url,
        ],
        { cwd: root, env: { ...process.env, STABILITY_API_KEY: "sk-cli" }, timeout: 60_000 },
      );
      expect(stdout.trim()).toBe(version === "v1" ? "sd-2" : "sd-1");
    }
    expect(server.received.map((r) => [r.path, r.headers.organization])).toEqual(
      API_VERSIONS.map((version) => [`/${version}/engines/list`, "org-9"]),
    );
  }, 60_000);
});
