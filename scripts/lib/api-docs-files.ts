// The files of the API reference (docs/api/), apart from TypeDoc (lib/api-docs.ts), whose import
// alone takes seconds: comparing a rendering with docs/api/, and the record of a passed check.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

export const API_DOCS_DIR = "docs/api";

/** Every file below `dir`, by its path relative to `dir` (with `/`), → its text. */
export async function readTree(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries.filter((e) => e.isFile())) {
    const file = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, file).split(path.sep).join("/"), await readFile(file, "utf8"));
  }
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

/** The files that differ between what was rendered and what `dir` holds: changed, missing or extra. */
export function staleFiles(
  rendered: Map<string, string>,
  committed: Map<string, string>,
): string[] {
  const names = new Set([...rendered.keys(), ...committed.keys()]);
  return [...names].filter((name) => rendered.get(name) !== committed.get(name)).sort();
}

/**
 * Where a passed check for exactly these inputs is recorded: a hash of the library's src/ files,
 * the tsconfigs, package-lock.json (which pins TypeDoc, its plugin and TypeScript), lib/api-docs.ts
 * and docs/api/ itself, so a repeated `npm test` skips a rendering that could only give the same
 * answer. The CLI and the MCP server are left out: the public entries never import them, so an
 * edit there cannot change the reference. CI starts without the record and always renders.
 */
export async function checkCacheFile(root = "."): Promise<string> {
  const hash = createHash("sha256");
  for (const dir of ["src", API_DOCS_DIR])
    for (const [name, text] of await readTree(path.join(root, dir)))
      if (dir !== "src" || !NOT_PUBLIC.test(name)) hash.update(`${dir}/${name}\0${text}\0`);
  for (const file of [...CONFIG, "scripts/lib/api-docs.ts"])
    hash.update(`${file}\0${await readFile(path.join(root, file), "utf8").catch(() => "")}\0`);
  return path.join(root, "node_modules", ".cache", "api-docs", hash.digest("hex"));
}

/** What the public entries never load (src/index.ts says so): the CLI and the MCP server. */
const NOT_PUBLIC = /^(cli|mcp)(\.ts$|\/)/;

const CONFIG = ["tsconfig.json", "tsconfig.build.json", "tsconfig.docs.json", "package-lock.json"];
