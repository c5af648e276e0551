// The built package for the few tests that must run what ships (the bin, the MCP server over
// stdio): bundleSrc (what `npm run build` runs) into a directory named by the hash of what goes
// into it, inside the repository so `openapi-fetch` resolves from its node_modules. Every test file
// and worker of a run, and every later run of the same sources, shares one build.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleSrc } from "../../scripts/lib/bundle.ts";
import type { Run } from "./server.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CACHE = path.join(ROOT, "node_modules/.cache/stability-user-client");

export interface BuiltDist {
  /** The directory holding index.js, cli.js, testing.js, …; no package.json above it but the repo's. */
  dir: string;
  /** Runs `node <dir>/cli.js ...args` with exactly `env` plus PATH and HOME. */
  cli(args: string[], env?: Record<string, string>): Promise<Run>;
}

/** The hash of every input of bundleSrc: src/, package.json (the version) and the bundler. */
async function inputsHash(): Promise<string> {
  const files = [
    ...(await readdir(path.join(ROOT, "src"), { recursive: true }))
      .filter((file) => file.endsWith(".ts"))
      .map((file) => path.join("src", file)),
    "package.json",
    "scripts/lib/bundle.ts",
  ].sort();
  const hash = createHash("sha256");
  for (const file of files)
    hash
      .update(file)
      .update("\0")
      .update(await readFile(path.join(ROOT, file)));
  return hash.digest("hex").slice(0, 16);
}

async function build(): Promise<string> {
  const dir = path.join(CACHE, `dist-${await inputsHash()}`);
  if (await stat(dir).catch(() => undefined)) return dir;
  await mkdir(CACHE, { recursive: true });
  // Built aside and renamed, so a worker never sees a half-written build; a worker that loses the
  // race to rename drops its own copy.
  const temp = `${dir}.${process.pid}.tmp`;
  await bundleSrc(temp);
  await rename(temp, dir).catch(() => rm(temp, { recursive: true, force: true }));
  for (const old of await readdir(CACHE))
    if (/^dist-[0-9a-f]{16}$/.test(old) && path.join(CACHE, old) !== dir)
      await rm(path.join(CACHE, old), { recursive: true, force: true });
  return dir;
}

let shared: Promise<string> | undefined;

/** The build of the current sources, made once per worker at most (and reused across runs). */
export async function builtDist(): Promise<BuiltDist> {
  shared ??= build();
  const dir = await shared;
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
  };
}
