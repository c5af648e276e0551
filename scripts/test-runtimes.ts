// npm run test:runtimes [-- --only <names>] [-- --tarball <file>]: the packed tarball, installed
// into a scratch app as a user installs it, runs the one scenario of test/runtimes/scenario.ts in
// every runtime docs/library.md names (scripts/lib/runtimes*.ts) against a local mock API on
// 127.0.0.1. One line per step, a line per failed step, the runtime × step table, and exit 1
// when any step failed or any runtime could not be obtained (never skipped in silence).
import { rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { STEPS, type StepResult } from "../test/runtimes/scenario.ts";
import { fail, parseFlags } from "./lib/cli-args.ts";
import { startMockApi } from "./lib/runtimes-api.ts";
import { copyApp, installApp, installRuntimes, pack, run } from "./lib/runtimes-app.ts";
import { BROWSER_RUNTIMES } from "./lib/runtimes-browser.ts";
import { allFailed, failures, summary, table } from "./lib/runtimes-report.ts";
import { WORKERD_RUNTIMES } from "./lib/runtimes-workerd.ts";
import {
  findBinary,
  firstLine,
  PROCESS_RUNTIMES,
  RuntimeFailure,
  type Runtime,
} from "./lib/runtimes.ts";

const RUNTIMES = [...PROCESS_RUNTIMES, ...WORKERD_RUNTIMES, ...BROWSER_RUNTIMES];
const USAGE = `usage: npm run test:runtimes [-- --only <name,…>] [-- --tarball <file.tgz>]
  --only     run only these runtimes: ${RUNTIMES.map((runtime) => runtime.name).join(", ")}
  --tarball  test this tarball instead of packing the working tree`;
/** How many runtimes run the scenario at once: they mostly wait on the mock API's timers. */
const PARALLEL = 3;

const flags = parseFlags({ only: { type: "string" }, tarball: { type: "string" } }, USAGE);
const names = flags.only?.split(",").map((name) => name.trim());
for (const name of names ?? [])
  if (!RUNTIMES.some((runtime) => runtime.name === name))
    fail(`runtimes: unknown runtime ${JSON.stringify(name)}\n${USAGE}`, 2);
const selected = RUNTIMES.filter((runtime) => !names || names.includes(runtime.name));

/** Runs one step of the script: one line when it is done, or one line and exit 1. */
async function step<T>(name: string, work: () => Promise<T>, say: (value: T) => string) {
  const started = performance.now();
  try {
    const value = await work();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`runtimes: ${name}: ${say(value)} (${seconds} s)`);
    return value;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message?: string };
    fail(`runtimes: ${name} failed: ${firstLine(stderr || message || String(error))}`);
  }
}

await step("pinned runtimes", installRuntimes, (what) => what);

/** Each selected runtime's binary and version; a missing one ends the run, naming it. */
async function obtain(runtime: Runtime) {
  const binary = findBinary(runtime.binary);
  if (!binary)
    fail(
      `runtimes: cannot obtain ${runtime.name}: no ${runtime.binary.join(" or ")} (${runtime.obtain})`,
    );
  const { stdout } = await run(binary, runtime.versionArgs, {
    env: { PATH: process.env.PATH },
  }).catch((error: { stderr?: string; message: string }) =>
    fail(`runtimes: cannot run ${runtime.name}: ${firstLine(error.stderr || error.message)}`),
  );
  // `v22.23.5`, `deno 2.9.6 (stable, …)`, `workerd 2026-11-17`, `Chromium 156.0.8078.114 …`
  const version = /\d[\d.-]*\d/.exec(stdout)?.[0] ?? firstLine(stdout);
  return { runtime, binary, version };
}
const found = await step(
  "runtimes",
  () => Promise.all(selected.map(obtain)),
  (list) => list.map(({ runtime, version }) => `${runtime.name} ${version}`).join(", "),
);

const STEP_NAMES = STEPS.map(({ name }) => name);

/** The scenario in one runtime, in its own copy of the scratch app; never throws. */
async function runOne(
  { runtime, binary }: Awaited<ReturnType<typeof obtain>>,
  dir: string,
  app: string,
  api: string,
): Promise<StepResult[]> {
  const context = {
    runtime: runtime.name,
    api,
    page: runtime.page ?? false,
    browser: runtime.browser ?? false,
  };
  try {
    await copyApp(app, dir);
    return await runtime.run(binary, dir, context);
  } catch (error) {
    const reason = error instanceof RuntimeFailure ? error.message : firstLine(String(error));
    return allFailed(STEP_NAMES, reason);
  }
}

const scratch = await mkdtemp(path.join(os.tmpdir(), "stability-runtimes-"));
// Removed however the run ends (fail() exits at once).
process.once("exit", () => rmSync(scratch, { recursive: true, force: true }));
const api = await startMockApi();
try {
  const tarball = flags.tarball
    ? path.resolve(flags.tarball)
    : await step(
        "npm pack",
        () => pack(scratch),
        (file) => path.basename(file),
      );
  const app = path.join(scratch, "app");
  await step(
    "scratch app",
    () => installApp(app, tarball),
    () => `npm install ${path.basename(tarball)}`,
  );

  const results = new Map<string, StepResult[]>(found.map(({ runtime }) => [runtime.name, []]));
  const lines: string[] = [];
  const queue = [...found];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const started = performance.now();
      const outcome = await runOne(next, path.join(scratch, next.runtime.name), app, api.url);
      results.set(next.runtime.name, outcome);
      const took = performance.now() - started;
      console.log(`runtimes: ${summary(next.runtime.name, next.version, outcome, took)}`);
      lines.push(...failures(next.runtime.name, outcome));
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));

  console.log(`\n${table(STEP_NAMES, results).join("\n")}\n`);
  for (const line of lines) console.log(line);
  const failed = [...results].filter(([, outcome]) => outcome.some((result) => !result.ok));
  if (failed.length > 0) {
    process.exitCode = 1;
    console.error(`runtimes: steps failed in ${failed.map(([name]) => name).join(", ")}`);
  }
  const total = [...results.values()].flat();
  const passed = total.filter((result) => result.ok).length;
  console.log(`runtimes: ${passed} passed, ${total.length - passed} failed`);
} finally {
  await api.close();
}
