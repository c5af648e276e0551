// The API reference (docs/api/, `npm run docs`): TypeDoc over a scratch package names every public
// export without a doc comment, and the check compares a rendering with the committed files. That
// docs/api/ matches src/ today is `npm run docs -- --check`, a step of `npm test`.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkCacheFile, readTree, staleFiles } from "../scripts/lib/api-docs-files.ts";
import { renderApiDocs } from "../scripts/lib/api-docs.ts";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "api-docs-test-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Writes `files` (path → text) under a fresh directory of `root`, and returns that directory. */
async function scratch(name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(root, name);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return dir;
}

describe("the API reference", () => {
  it("names each public export or member without a doc comment, and nothing else", async () => {
    const dir = await scratch("package", {
      "package.json": JSON.stringify({ name: "scratch", version: "1.0.0", type: "module" }),
      "tsconfig.json": JSON.stringify({
        compilerOptions: { module: "NodeNext", strict: true, lib: ["ES2022"], types: [] },
        files: ["src/index.ts"],
      }),
      "src/index.ts": [
        "/** Documented. */",
        "export function documented(): void {}",
        "export function bare(): void {}",
        "/** A shape. */",
        "export interface Shape {",
        "  /** Documented. */",
        "  side: number;",
        "  corners: number;",
        "  /** Its options: what a literal holds is documented by the declaration it types. */",
        "  options: { size: number };",
        "}",
        "/** An error. */",
        "export class Oops extends Error {",
        "  override name = 'Oops';",
        "}",
        "export type { Spec } from './generated/spec.js';",
      ].join("\n"),
      "src/generated/spec.ts": "export interface Spec { paths: string[] }\n",
    });
    const docs = await renderApiDocs({
      entryPoints: [path.join(dir, "src/index.ts")],
      tsconfig: path.join(dir, "tsconfig.json"),
    });
    expect(docs.undocumented.sort()).toEqual(["Shape.corners", "bare"]);
    expect(docs.problems).toEqual([]);
    expect([...docs.files.keys()]).toContain("README.md");
    expect(docs.files.get("README.md")).toContain("A shape.");
  });

  it("is stale when a file changed, is missing or is extra", () => {
    const rendered = new Map([
      ["README.md", "index"],
      ["a.md", "A"],
      ["b.md", "B"],
    ]);
    const committed = new Map([
      ["README.md", "index"],
      ["a.md", "A, before"],
      ["c.md", "C"],
    ]);
    expect(staleFiles(rendered, committed)).toEqual(["a.md", "b.md", "c.md"]);
    expect(staleFiles(rendered, new Map(rendered))).toEqual([]);
  });

  it("reads a directory tree by relative path, and an absent one as empty", async () => {
    const dir = await scratch("tree", { "README.md": "top", "sub/page.md": "below" });
    expect([...(await readTree(dir))]).toEqual([
      ["README.md", "top"],
      ["sub/page.md", "below"],
    ]);
    expect((await readTree(path.join(dir, "absent"))).size).toBe(0);
  });

  it("records a passed check under a key that changes with src/, docs/api/ and the lock file", async () => {
    const dir = await scratch("cache", {
      "src/index.ts": "export {};\n",
      "src/cli.ts": "export {};\n",
      "src/cli/main.ts": "export {};\n",
      "src/mcp/tools.ts": "export {};\n",
      "docs/api/README.md": "# api\n",
      "package-lock.json": "{}\n",
    });
    const keys = [await checkCacheFile(dir)];
    expect(await checkCacheFile(dir)).toBe(keys[0]);
    for (const [file, text] of [
      ["src/index.ts", "/** Now documented. */\nexport {};\n"],
      ["src/new.ts", "export const added = 1;\n"],
      ["docs/api/README.md", "# api, edited\n"],
      ["package-lock.json", '{"typedoc":"0.28.21"}\n'],
    ] as const) {
      await writeFile(path.join(dir, file), text);
      keys.push(await checkCacheFile(dir));
    }
    expect(new Set(keys).size).toBe(keys.length);
    // The CLI and the MCP server are not in the reference: editing them keeps the record.
    for (const file of ["src/cli.ts", "src/cli/main.ts", "src/mcp/tools.ts", "src/mcp.ts"])
      await writeFile(path.join(dir, file), "export const edited = 1;\n");
    expect(await checkCacheFile(dir)).toBe(keys.at(-1));
    await writeFile(path.join(dir, "src/client.ts"), "export const edited = 1;\n");
    expect(await checkCacheFile(dir)).not.toBe(keys.at(-1));
    expect(keys[0]).toContain(path.join(dir, "node_modules", ".cache", "api-docs"));
  });
});
