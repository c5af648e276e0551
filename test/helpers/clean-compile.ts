// A compile's verdict is a function of its inputs: the sources it reads, the compiler options,
// the installed packages (package-lock.json) and the compiler's version. A compile that found no
// error is remembered under the hash of those inputs (node_modules/.cache/stability-user-client/),
// so the same inputs are not compiled again; any change to them compiles afresh. A clean clone, as
// CI's, always compiles.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CACHE = path.join(ROOT, "node_modules/.cache/stability-user-client/clean-compiles");

/** Every .ts file under `dir` (relative to the repository), with its text. */
export function sourcesUnder(dir: string): [string, string][] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .sort()
    .map((file) => [path.join(dir, file), readFileSync(path.join(ROOT, dir, file), "utf8")]);
}

/** Runs `compile` unless these exact `inputs` compiled without an error before; returns its errors. */
export function unlessCompiledClean(
  inputs: Iterable<[name: string, text: string]>,
  compile: () => string[],
): string[] {
  const hash = createHash("sha256").update(ts.version);
  for (const file of ["tsconfig.json", "package-lock.json"])
    hash
      .update(file)
      .update("\0")
      .update(readFileSync(path.join(ROOT, file)));
  for (const [name, text] of inputs) hash.update(name).update("\0").update(text).update("\0");
  const marker = path.join(CACHE, hash.digest("hex"));
  if (existsSync(marker)) return [];
  const errors = compile();
  if (errors.length === 0) {
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(marker, "");
  }
  return errors;
}
