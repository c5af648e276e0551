// What `npm install stability-user-client` gives a user: the packed tarball passes publint and
// attw, installs into an empty project, loads its lazy validator, runs its CLI, and type-checks a
// strict consumer under both module resolutions people use. The package tier (`npm run
// test:package`) packs once and gives the tarball here and to `npm run test:runtimes`, which loads
// it with import and require() and runs the testing kit in every runtime.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { publint } from "publint";
import { pack } from "../scripts/lib/runtimes-app.ts";
import { afterAll, beforeAll, describe, it } from "vitest";
import { json, startServer, type TestServer } from "./helpers/server.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
// The compiler `tsc` runs, in-process: both consumer checks share the parsed DOM and package typings.
const ts = createRequire(import.meta.url)("typescript") as typeof import("typescript");
const ATTW = join(ROOT, "node_modules/@arethetypeswrong/cli/dist/index.js");
const NAME = "stability-user-client";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion without a shell; never rejects, so a test can show the output. */
function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return new Promise<Run>((resolve) => {
    execFile(
      file,
      args,
      { cwd, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const CONSUMER = `import {
  StabilityApiError,
  createStabilityClient,
  type Balance,
  type StabilityClientOptions,
  type paths,
} from "${NAME}";
import { createMockFetch, type MockFixtures } from "${NAME}/testing";

const options: StabilityClientOptions = { apiKey: "sk-typed", maxRetries: 0 };
const stability = createStabilityClient(options);
const balance: Balance = await stability.balance({ organization: "org-1" });
const credits: number = balance.credits;
// @ts-expect-error -- proves the types are real: an unknown field is an error, not \`any\`.
console.log(balance.nope);
const { data } = await stability.raw.GET("/v1alpha/user/balance");
const rawCredits: number | undefined = data?.credits;
type BalancePath = keyof paths & "/v1alpha/user/balance";
const path: BalancePath = "/v1alpha/user/balance";
try {
  await stability.account();
} catch (error) {
  if (error instanceof StabilityApiError) console.log(error.status satisfies number);
}
console.log(credits, rawCredits, path);
const fixtures: MockFixtures = { balance: { status: 429, headers: { "retry-after": "1" } } };
createStabilityClient({ apiKey: "sk-typed", fetch: createMockFetch(fixtures) });
`;

const tsconfig = (module: string, moduleResolution: string) =>
  JSON.stringify({
    compilerOptions: {
      target: "ES2022",
      lib: ["ES2022", "DOM"],
      module,
      moduleResolution,
      strict: true,
      noEmit: true,
      // Our .d.ts files (and openapi-fetch's) are checked too, as a user's strict project would.
      skipLibCheck: false,
      skipDefaultLibCheck: true,
      types: [],
    },
    files: ["consumer.ts"],
  });

let work: string;
let tarball: string;
let project: string;
/** Answers with a balance whose `credits` is a string: only the validator objects. */
let offSchema: TestServer;

beforeAll(async () => {
  offSchema = await startServer(json(200, { credits: "12" }));
  work = await mkdtemp(join(tmpdir(), "stability-pack-"));
  // The tier's tarball, or (this file run alone) one packed now; prepack builds fresh code.
  tarball = process.env.STABILITY_TARBALL || (await pack(work));

  // A temporary directory outside the repository, so nothing resolves from the repo's node_modules.
  project = join(work, "consumer");
  await mkdir(project);
  await writeFile(
    join(project, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  const install = await run(
    "npm",
    ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"],
    project,
  );
  if (install.code !== 0) throw new Error(`npm install of the tarball failed:\n${install.stderr}`);
  await writeFile(join(project, "consumer.ts"), CONSUMER);
  await writeFile(join(project, "tsconfig.nodenext.json"), tsconfig("nodenext", "nodenext"));
  await writeFile(join(project, "tsconfig.bundler.json"), tsconfig("esnext", "bundler"));
}, 300_000);

afterAll(async () => {
  await offSchema?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

// Each check is a child process; on a busy 2-core machine one can take several seconds.
const SLOW = { timeout: 120_000 };

describe.concurrent("the packed tarball", () => {
  it("passes publint in strict mode with no messages", SLOW, async ({ expect }) => {
    const data = await readFile(tarball);
    const { messages } = await publint({
      pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) },
      strict: true,
    });
    expect(messages).toEqual([]);
  });

  it("has no type problems under attw's esm-only profile", SLOW, async ({ expect }) => {
    const attw = await run(
      process.execPath,
      [ATTW, tarball, "--profile", "esm-only", "--format", "table-flipped", "--no-color"],
      ROOT,
    );
    // attw exits non-zero on any problem the profile does not ignore.
    expect(attw.code, attw.stdout + attw.stderr).toBe(0);
    expect(attw.stdout).toContain('"stability-user-client"');
  });

  it(
    "loads the lazy validator from the installed package, with the entry's error classes",
    SLOW,
    async ({ expect }) => {
      const script = `import { StabilityError, StabilityValidationError, createStabilityClient } from "${NAME}";
const c = createStabilityClient({ apiKey: "sk-import", baseUrl: process.env.BASE_URL, validateResponses: true });
const error = await c.balance().catch((e) => e);
console.log(error instanceof StabilityValidationError, error instanceof StabilityError, error.issue?.path);`;
      const node = await run(process.execPath, ["--input-type=module", "-e", script], project, {
        BASE_URL: offSchema.url,
      });
      expect(node.stderr).toBe("");
      expect(node.stdout.trim()).toBe("true true /credits");
    },
  );

  it("runs the stability-user bin through npx", SLOW, async ({ expect }) => {
    const help = await run("npx", ["--no-install", "stability-user", "--help"], project);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain("Usage: stability-user <command>");
  });

  it("installs an executable bin that reports the package version", SLOW, async ({ expect }) => {
    // Run as a program, not through node: proves the shebang and the executable bit survived packing.
    const bin = join(project, "node_modules/.bin/stability-user");
    const version = await run(bin, ["--version"], project);
    const { version: expected } = JSON.parse(
      await readFile(join(ROOT, "package.json"), "utf8"),
    ) as { version: string };
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(expected);
  });

  it.for(["nodenext", "bundler"])(
    "type-checks a strict consumer under moduleResolution %s",
    SLOW,
    (resolution, { expect }) => {
      // What `tsc -p tsconfig.<resolution>.json` reports, formatted as it prints them.
      expect(typeCheck(join(project, `tsconfig.${resolution}.json`))).toBe("");
    },
  );
});

const parsedFiles = new Map<string, import("typescript").SourceFile>();
/** The diagnostics `tsc -p <config>` would print (config, options, syntax, types), or "". */
function typeCheck(config: string): string {
  const errors: import("typescript").Diagnostic[] = [];
  const parsed = ts.getParsedCommandLineOfConfigFile(
    config,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => errors.push(d) },
  );
  if (!parsed) return ts.formatDiagnostics(errors, formatHost);
  const base = ts.createCompilerHost(parsed.options);
  // A file parses the same way under both configs unless its module format differs, so the key has it.
  const host: import("typescript").CompilerHost = {
    ...base,
    getSourceFile(fileName, languageVersion, onError) {
      const format = typeof languageVersion === "object" ? languageVersion.impliedNodeFormat : "";
      const key = `${fileName}\0${format}`;
      const cached = parsedFiles.get(key);
      if (cached) return cached;
      const file = base.getSourceFile(fileName, languageVersion, onError);
      if (file) parsedFiles.set(key, file);
      return file;
    },
  };
  const program = ts.createProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    host,
    configFileParsingDiagnostics: parsed.errors,
  });
  const diagnostics = [...parsed.errors, ...ts.getPreEmitDiagnostics(program)];
  return ts.formatDiagnostics(diagnostics, formatHost);
}

const formatHost: import("typescript").FormatDiagnosticsHost = {
  getCanonicalFileName: (file) => file,
  getCurrentDirectory: () => project,
  getNewLine: () => "\n",
};
