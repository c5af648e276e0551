// The parts of `npm run test:runtimes` that prepare what runs: the runtimes' own package
// (test/runtimes, installed apart so the project's npm ci stays light), the packed tarball, the
// scratch app it is installed into as a user would, and each runtime's entry built from
// test/runtimes/entries with the scenario and its context baked in.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFile, cp, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build, type BuildOptions, type Plugin } from "esbuild";
import type { Context } from "../../test/runtimes/scenario.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** The runtimes' pinned manifest and lock file. */
const PINNED = path.join(ROOT, "test/runtimes");
const ENTRIES = path.join(PINNED, "entries");
/**
 * Where they are installed: out of test/ (750 MB that the test runner's and linters' globs would
 * walk), in the cache scripts/lib/bundle-entry.ts also uses.
 */
export const RUNTIMES_DIR = path.join(ROOT, "node_modules/.cache/stability-user-client/runtimes");
const STAMP = path.join(RUNTIMES_DIR, "installed-lock-sha256");
/** What to do when a pinned runtime's binary is missing. */
export const REINSTALL = `remove ${path.relative(ROOT, RUNTIMES_DIR)} to install it again`;

export const run = promisify(execFile);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Installs test/runtimes' manifest and lock with `npm ci` in RUNTIMES_DIR, unless that was
 * installed from this very lock file (a stamp holds its hash): a warm run costs nothing here.
 */
export async function installRuntimes(): Promise<string> {
  const lock = await readFile(path.join(PINNED, "package-lock.json"), "utf8");
  const installed = await readFile(STAMP, "utf8").catch(() => "");
  if (installed === sha256(lock)) return "up to date";
  await mkdir(RUNTIMES_DIR, { recursive: true });
  for (const file of ["package.json", "package-lock.json"])
    await copyFile(path.join(PINNED, file), path.join(RUNTIMES_DIR, file));
  await run(npm, ["ci", "--no-audit", "--no-fund"], { cwd: RUNTIMES_DIR, maxBuffer: 1 << 24 });
  await writeFile(STAMP, sha256(lock));
  return `installed with npm ci in ${path.relative(ROOT, RUNTIMES_DIR)}`;
}

/** `npm pack` into `dir` (prepack builds dist/); the tarball's path. */
export async function pack(dir: string): Promise<string> {
  const { stdout } = await run(npm, ["pack", "--json", "--pack-destination", dir], {
    cwd: ROOT,
    maxBuffer: 1 << 24,
  });
  const [{ filename }] = JSON.parse(stdout.slice(stdout.indexOf("["))) as [{ filename: string }];
  return path.join(dir, filename);
}

/** A scratch app with the tarball installed by npm, as a user installs it. */
export async function installApp(dir: string, tarball: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const manifest = { name: "scratch-app", private: true, type: "module" };
  await writeFile(path.join(dir, "package.json"), JSON.stringify(manifest));
  await run(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], {
    cwd: dir,
    maxBuffer: 1 << 24,
  });
}

/** A runtime's own copy of the scratch app, so no runtime sees another's files. */
export const copyApp = (app: string, dir: string) => cp(app, dir, { recursive: true });

/**
 * The entries import src/index.ts and src/testing.ts, so the type checker sees the public API;
 * here those imports become the installed package's, left as imports (`external`) or bundled from
 * the app's node_modules.
 */
const installedPackage = (app: string, external: boolean): Plugin => ({
  name: "installed-package",
  setup(b) {
    b.onResolve({ filter: /\/src\/(index|testing)\.ts$/ }, async (args) => {
      const name = args.path.endsWith("testing.ts")
        ? "stability-user-client/testing"
        : "stability-user-client";
      if (external) return { path: name, external: true };
      const resolved = await b.resolve(name, { resolveDir: app, kind: args.kind });
      return resolved.errors.length > 0 ? { errors: resolved.errors } : { path: resolved.path };
    });
  },
});

export type EntryTarget =
  { kind: "process"; format: "esm" | "cjs" } | { kind: "workerd" } | { kind: "browser" };

/** Builds test/runtimes/entries/<entries> into `outdir` of `app`, for one runtime's context. */
export async function buildEntries(
  app: string,
  entries: string[],
  target: EntryTarget,
  context: Context,
): Promise<void> {
  const format = target.kind === "process" ? target.format : "esm";
  const options: BuildOptions = {
    entryPoints: entries.map((entry) => path.join(ENTRIES, `${entry}.ts`)),
    outdir: app,
    outExtension: { ".js": format === "cjs" ? ".cjs" : ".mjs" },
    bundle: true,
    format,
    // What a user's bundler would do: wrangler's conditions for workerd, the browser's for pages.
    platform: target.kind === "process" ? "neutral" : "browser",
    conditions: target.kind === "workerd" ? ["workerd", "worker"] : [],
    mainFields: ["module", "main"],
    target: "es2022",
    define: { __CONTEXT__: JSON.stringify(context) },
    plugins: [installedPackage(app, target.kind === "process")],
    logLevel: "silent",
  };
  if (target.kind === "browser") Object.assign(options, { splitting: true, outExtension: {} });
  await build(options);
}
