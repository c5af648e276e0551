// The built package for tests that must run what ships: bundleSrc (what `npm run build` runs) into
// a scratch directory under .tmp/, inside the repository so `openapi-fetch` resolves from its
// node_modules, and a runner for the built CLI. Build once per test file, in beforeAll.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleSrc } from "../../scripts/lib/bundle.ts";
import type { Run } from "./server.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface BuiltDist {
  /** The scratch directory holding index.js, cli.js, testing.js, …; no package.json above it but the repo's. */
  dir: string;
  /** Runs `node <dir>/cli.js ...args` with exactly `env` plus PATH and HOME. */
  cli(args: string[], env?: Record<string, string>): Promise<Run>;
  remove(): Promise<void>;
}

export async function buildDist(): Promise<BuiltDist> {
  await mkdir(path.join(ROOT, ".tmp"), { recursive: true });
  const dir = await mkdtemp(path.join(ROOT, ".tmp", "dist-"));
  await bundleSrc(dir);
  return {
    dir,
    cli: (args, env = {}) =>
      new Promise((resolve) => {
        execFile(
          process.execPath,
          [path.join(dir, "cli.js"), ...args],
          { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } },
          (error, stdout, stderr) => {
            const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
            resolve({ code, stdout, stderr });
          },
        );
      }),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
