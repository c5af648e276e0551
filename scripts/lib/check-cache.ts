// What scripts/check.ts remembers between runs: the files the last lint found clean, under a key
// of everything that decides a lint result besides the files themselves (the lint config, the
// installed packages, the compiler options). A file TypeScript does not call affected since then
// has the same text and the same types around it, so the typed rules would find it clean again.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

export const CACHE_DIR = "node_modules/.cache/stability-user-client";
const LINT_CACHE = path.join(CACHE_DIR, "lint-clean.json");
const INPUTS = ["eslint.config.js", "package-lock.json", "tsconfig.json", "scripts/check.ts"];

/** A hash of the lint's inputs other than the linted files. */
export function lintCacheKey(): string {
  const hash = createHash("sha256");
  for (const file of INPUTS) hash.update(file).update("\0").update(readFileSync(file));
  return hash.digest("hex");
}

/** The files found clean under `key`; none when the key changed or there is no cache. */
export function readLintCache(key: string): Set<string> {
  try {
    const cache = JSON.parse(readFileSync(LINT_CACHE, "utf8")) as {
      key?: unknown;
      clean?: unknown;
    };
    if (cache.key === key && Array.isArray(cache.clean))
      return new Set(cache.clean.filter((file): file is string => typeof file === "string"));
  } catch {
    // No cache yet, or an unreadable one: lint everything.
  }
  return new Set();
}

/** Records the clean files under `key`, atomically, so an interrupted run leaves the old cache. */
export function writeLintCache(key: string, clean: Set<string>): void {
  mkdirSync(CACHE_DIR, { recursive: true });
  const temp = `${LINT_CACHE}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify({ key, clean: [...clean].sort() }));
  renameSync(temp, LINT_CACHE);
}
