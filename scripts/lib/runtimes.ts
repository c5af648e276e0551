// The runtimes `npm run test:runtimes` runs the scenario in, as data: where each one's binary is
// (test/runtimes/package.json pins them; Chromium is Debian's), how to ask its version, and how
// to run the scenario's entry in it. The runners for workerd and Chromium have their own modules.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import type { Context, StepResult } from "../../test/runtimes/scenario.ts";
import { buildEntries, REINSTALL, RUNTIMES_DIR } from "./runtimes-app.ts";

const MODULES = path.join(RUNTIMES_DIR, "node_modules");
/** How long one runtime may take to run the whole scenario. */
export const RUN_LIMIT_MS = 60_000;

export interface Runtime {
  name: string;
  /** The binary, or the candidates in order (the first that exists is used). */
  binary: string[];
  versionArgs: string[];
  /** How to obtain the binary when it is missing. */
  obtain: string;
  /** Whether it runs in a browser page (a `window` and a `document`), where the guard applies. */
  page?: boolean;
  /** Whether it is a browser (a page or a worker), which sends its own User-Agent. */
  browser?: boolean;
  /** Runs the scenario in the runtime's scratch app `app` and returns its results. */
  run(binary: string, app: string, context: Context): Promise<StepResult[]>;
}

/** What a runtime that cannot run the scenario reports, for every step. */
export class RuntimeFailure extends Error {}

/** An environment without the caller's variables: nothing like STABILITY_API_KEY leaks in. */
export const bareEnv = (extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  HOME: process.env.HOME ?? "/tmp",
  NO_COLOR: "1",
  ...extra,
});

/** The text after `RESULTS ` on a line of `output`, parsed. */
export function parseResults(output: string): StepResult[] | undefined {
  const line = output.split("\n").find((text) => text.startsWith("RESULTS "));
  return line ? (JSON.parse(line.slice("RESULTS ".length)) as StepResult[]) : undefined;
}

/** The first line of `text` that says something, for a one-line failure. */
export const firstLine = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .find(Boolean)
    ?.slice(0, 300) ?? "";

/** Runs `binary args` in `cwd` and returns the results line it prints, or throws one line. */
export function runProcess(
  binary: string,
  args: string[],
  cwd: string,
  env = bareEnv(),
): Promise<StepResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), RUN_LIMIT_MS);
    child.once("error", (error) => reject(new RuntimeFailure(error.message)));
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const results = parseResults(stdout);
      if (results && code === 0) return resolve(results);
      const why = signal ? `killed after ${RUN_LIMIT_MS / 1000} s` : `exited with ${code}`;
      const detail = firstLine(stderr) || (results ? "" : "no results printed");
      reject(new RuntimeFailure(`${why}${detail ? `: ${detail}` : ""}`));
    });
  });
}

/** A runtime that runs entries/process.ts as `file` (ESM, or CommonJS for `require`). */
function processRuntime(
  name: string,
  binary: string[],
  args: (file: string) => string[],
  format: "esm" | "cjs" = "esm",
  versionArgs = ["--version"],
  env: (app: string) => Record<string, string> = () => ({}),
): Runtime {
  return {
    name,
    binary,
    versionArgs,
    obtain: REINSTALL,
    async run(bin, app, context) {
      await buildEntries(app, ["process"], { kind: "process", format }, context);
      const file = format === "cjs" ? "process.cjs" : "process.mjs";
      return runProcess(bin, args(file), app, bareEnv(env(app)));
    },
  };
}

const nodeMajor = process.versions.node.split(".")[0]!;
const runFile = (file: string) => [file];

export const PROCESS_RUNTIMES: Runtime[] = [
  // The Node that runs this script: the project's own (20, as engines and CI have it).
  processRuntime(`node${nodeMajor}`, [process.execPath], runFile),
  processRuntime(`node${nodeMajor}-require`, [process.execPath], runFile, "cjs"),
  processRuntime("node22", [path.join(MODULES, "node22/bin/node")], runFile),
  processRuntime("node24", [path.join(MODULES, "node24/bin/node")], runFile),
  processRuntime("bun", [path.join(MODULES, "@oven/bun-linux-x64/bin/bun")], runFile),
  // Only the network, and only loopback: the client must need no other permission.
  processRuntime(
    "deno",
    [path.join(MODULES, "@deno/linux-x64-glibc/deno")],
    (file) => ["run", "--allow-net=127.0.0.1", "--no-prompt", file],
    "esm",
    ["--version"],
    (app) => ({ DENO_DIR: path.join(app, ".deno"), DENO_NO_UPDATE_CHECK: "1" }),
  ),
];

/** The first of the candidates that exists, or undefined. */
export const findBinary = (candidates: string[]) => candidates.find((file) => existsSync(file));
