// npm run test:package: the tarball tier. Packs the working tree once, then gives that tarball to
// the package checks (test/package.test.ts: publint, attw, strict consumers, the bin, npx) and to
// the runtime matrix (scripts/test-runtimes.ts: import, require() and the scenario in every
// runtime). Both always run; the exit code is 1 when either failed.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fail, parseFlags } from "./lib/cli-args.ts";
import { pack } from "./lib/runtimes-app.ts";

parseFlags({}, "usage: npm run test:package (packs once: the package checks, then test:runtimes)");
const require = createRequire(import.meta.url);
const VITEST = path.join(path.dirname(require.resolve("vitest/package.json")), "vitest.mjs");

/** Runs node with `args`, output inherited; resolves to whether it exited 0. */
function node(args: string[], env: Record<string, string> = {}): Promise<boolean> {
  const child = spawn(process.execPath, args, {
    stdio: "inherit",
    env: { ...process.env, ...env },
  });
  return new Promise((resolve) => child.once("close", (code) => resolve(code === 0)));
}

const scratch = await mkdtemp(path.join(os.tmpdir(), "stability-package-"));
process.once("exit", () => rmSync(scratch, { recursive: true, force: true }));
const started = performance.now();
const tarball = await pack(scratch).catch((error: Error) =>
  fail(`package: npm pack failed: ${error.message.split("\n")[0]}`),
);
console.log(`package: packed ${path.basename(tarball)} once for both parts`);
const checks = await node([VITEST, "run", "--project", "package"], { STABILITY_TARBALL: tarball });
const runtimes = await node(["--import", "tsx", "scripts/test-runtimes.ts", "--tarball", tarball]);
const seconds = ((performance.now() - started) / 1000).toFixed(0);
if (!checks || !runtimes)
  fail(
    `package: failed: ${[!checks && "package checks", !runtimes && "runtimes"].filter(Boolean).join(", ")} (${seconds} s)`,
  );
console.log(`package: ok (${seconds} s)`);
