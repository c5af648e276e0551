// npm test [-- <vitest arguments>]: the static checks (typecheck, lint, format, size budget, API
// reference, unused code) and the fast test tier, with one exit code and every failure reported,
// not only the first: a spec change that breaks typecheck also shows which tests it breaks.
//
// Everything starts at once, in three lanes: the type check and lint (one TypeScript program,
// scripts/check.ts), the small checks one after another, and the suite. No test depends on the
// machine being idle (a busy machine makes the suite slower, never red), so nothing waits.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fail } from "./lib/cli-args.ts";

const require = createRequire(import.meta.url);
/** A package's command, as `node_modules/.bin` would run it, but without a shell or npm. */
function bin(pkg: string, command = pkg): string {
  // A package whose `exports` hides its package.json (knip) is found through its main file.
  let manifest: string;
  try {
    manifest = require.resolve(`${pkg}/package.json`);
  } catch {
    let dir = path.dirname(require.resolve(pkg));
    while (!existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
    manifest = path.join(dir, "package.json");
  }
  const { bin: bins } = require(manifest) as { bin: string | Record<string, string> };
  return path.join(path.dirname(manifest), typeof bins === "string" ? bins : bins[command]!);
}
const tsx = ["--import", "tsx"];

const CHECKS: { name: string; args: string[] }[] = [
  // tsc's type check and ESLint from one TypeScript program (scripts/check.ts).
  { name: "typecheck + lint", args: [...tsx, "scripts/check.ts"] },
  // --cache keys on each file's content and Prettier's options, so it never hides a change.
  { name: "format", args: [bin("prettier"), "--check", "--cache", "."] },
  { name: "size", args: [...tsx, "scripts/size.ts"] },
  // The API reference (docs/api/) is current and every public export has a doc comment.
  { name: "docs --check", args: [...tsx, "scripts/docs.ts", "--check"] },
  // Unused files, exports and dependencies (knip.json names the entries).
  { name: "unused code", args: [bin("knip"), "--no-progress"] },
];

interface Outcome {
  name: string;
  ok: boolean;
  output: string;
}

function finished(child: ChildProcess, name: string, output: () => string): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    child.once("error", (error) => resolve({ name, ok: false, output: error.message }));
    child.once("close", (code, signal) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const ok = code === 0;
      console.log(`test: ${name} ${ok ? "ok" : `FAILED (exit ${code ?? signal})`} (${seconds} s)`);
      resolve({ name, ok, output: output() });
    });
  });
}

function check({ name, args }: (typeof CHECKS)[number]): Promise<Outcome> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  return finished(child, name, () => output);
}

const started = performance.now();
const [long, ...small] = CHECKS;
/** The small checks, one after another: together they take less than the type check alone. */
async function smallChecks(): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const step of small) outcomes.push(await check(step));
  return outcomes;
}
// The fast tier (vitest.config.ts), unless arguments say otherwise.
const given = process.argv.slice(2);
const projects = given.length > 0 ? [] : ["--project", "fast"];
const suite = spawn(process.execPath, [bin("vitest"), "run", ...projects, ...given], {
  stdio: "inherit",
});
const lanes = await Promise.all([check(long!), smallChecks(), finished(suite, "vitest", () => "")]);
const outcomes = lanes.flat();
console.log(`test: all done in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const failed = outcomes.filter((outcome) => !outcome.ok);
for (const { name, output } of failed) {
  if (!output) continue;
  console.log(`\n── ${name} ──`);
  process.stdout.write(output.endsWith("\n") ? output : `${output}\n`);
}
if (failed.length > 0) fail(`test: failed: ${failed.map((outcome) => outcome.name).join(", ")}`);
