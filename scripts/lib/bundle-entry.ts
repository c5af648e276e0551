// TypeScript entries (src/cli.ts, scripts/*.ts, test fixtures) as plain JavaScript that a child
// `node` runs directly: tsx costs about 0.35 s of CPU per child (its loader and transforms), a
// bundle about 0.05 s. The demo and the tests' process runners use it. esbuild bundles each entry
// once per process, with packages left external (resolved from the repository's node_modules, as
// under tsx) and each module's `import.meta.url` kept as its own source file's URL, so
// `new URL("../package.json", import.meta.url)` still works.
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Inside the repository, so the bundles' bare imports resolve from its node_modules. */
const OUT_DIR = path.join(ROOT, "node_modules/.cache/stability-user-client/bin");

const ownImportMetaUrl: Plugin = {
  name: "own-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => ({
      contents: (await readFile(args.path, "utf8")).replaceAll(
        "import.meta.url",
        JSON.stringify(pathToFileURL(args.path).href),
      ),
      loader: "ts",
    }));
  },
};

const built = new Map<string, Promise<string>>();

/** The path of a bundle of `entry` (relative to the repository root, or absolute). */
export function bundled(entry: string): Promise<string> {
  const source = path.resolve(ROOT, entry);
  let result = built.get(source);
  if (!result) {
    result = bundle(source);
    built.set(source, result);
  }
  return result;
}

async function bundle(source: string): Promise<string> {
  const { outputFiles } = await build({
    entryPoints: [source],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    write: false,
    plugins: [ownImportMetaUrl],
    logLevel: "silent",
  });
  const code = outputFiles[0]!.contents;
  // Named by content: processes bundling the same entry at once write the same file, and an edited
  // source gets a new one.
  const hash = createHash("sha256").update(code).digest("hex").slice(0, 16);
  const name = path.basename(source, ".ts");
  const file = path.join(OUT_DIR, `${name}-${hash}.mjs`);
  if (await stat(file).catch(() => undefined)) return file;
  await mkdir(OUT_DIR, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, code);
  await rename(temp, file);
  // Bundles of earlier versions of this entry are of no more use.
  const earlier = new RegExp(`^${name.replace(/[^\w]/g, "\\$&")}-[0-9a-f]{16}\\.mjs$`);
  for (const old of await readdir(OUT_DIR))
    if (earlier.test(old) && old !== path.basename(file))
      await rm(path.join(OUT_DIR, old), { force: true });
  return file;
}
