// The static checks `npm test` runs before the test suite, all at once: typecheck, lint, format,
// `generate --check` and the size budget. Run one after another they took about 18 s on a 2-core
// machine; together about half that. Each step's output is shown only when it fails, and every
// failure is reported (not only the first), so one run tells a maintainer everything that broke.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fail } from "./lib/cli-args.ts";

const require = createRequire(import.meta.url);
/** A package's command, as `node_modules/.bin` would run it, but without a shell or npm. */
function bin(pkg: string, command = pkg): string {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin: bins } = require(manifest) as { bin: string | Record<string, string> };
  return path.join(path.dirname(manifest), typeof bins === "string" ? bins : bins[command]!);
}
const tsx = ["--import", "tsx"];

const STEPS: { name: string; args: string[] }[] = [
  { name: "typecheck", args: [bin("typescript", "tsc"), "-p", "tsconfig.json"] },
  { name: "lint", args: [bin("eslint"), "--max-warnings", "0", "."] },
  // --cache keys on each file's content and Prettier's options, so it never hides a change.
  { name: "format", args: [bin("prettier"), "--check", "--cache", "."] },
  { name: "generate --check", args: [...tsx, "scripts/generate.ts", "--check"] },
  { name: "size", args: [...tsx, "scripts/size.ts"] },
];

function run({ name, args }: (typeof STEPS)[number]) {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  return new Promise<boolean>((resolve) => {
    child.once("error", (error) => {
      output += error.message;
      resolve(false);
    });
    child.once("close", (code, signal) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      if (code === 0) console.log(`check: ${name} ok (${seconds} s)`);
      else {
        process.stdout.write(output.endsWith("\n") || output === "" ? output : `${output}\n`);
        console.log(`check: ${name} FAILED (exit ${code ?? signal}, ${seconds} s)`);
      }
      resolve(code === 0);
    });
  });
}

const results = await Promise.all(STEPS.map(run));
const failed = STEPS.filter((_, i) => !results[i]).map((step) => step.name);
if (failed.length > 0) fail(`check: failed: ${failed.join(", ")}`);
