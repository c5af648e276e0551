// npm run build: src/ → dist/. esbuild writes the JavaScript (ESM, source maps), tsc the .d.ts files.
// The library entry is one file: on Node 20 each extra module costs about 2 ms of cold import, so
// the tsc layout (five files) imported 1.4× slower than openapi-fetch and one file ~1.2× (see
// BENCHMARKS.md). Four files stay apart on purpose:
//   dist/validate.js  the response validator (with the generated Ajv code), imported only when
//                     `validateResponses` is on;
//   dist/log.js       log formatting, imported only when there is something to log;
//   dist/failure.js   redaction, redirects and error bodies, imported on the first failure or redirect;
//   dist/cli.js       the Node-only CLI, which imports the library from dist/index.js.
import { spawnSync } from "node:child_process";
import { builtinModules, createRequire } from "node:module";
import { chmod, readFile, rm } from "node:fs/promises";
import { build, type BuildOptions, type Plugin } from "esbuild";
import { fail } from "./lib/cli-args.ts";

const OUT = "dist";
const BIN = `${OUT}/cli.js`;
const SHEBANG = "#!/usr/bin/env node\n";

/** Leaves `import(...)` of these relative paths (or every import of them) as imports between dist files. */
const keepSeparate = (paths: Record<string, string>, dynamicOnly = false): Plugin => ({
  name: "keep-separate",
  setup(b) {
    b.onResolve({ filter: /^\.\// }, (args) => {
      const to = paths[args.path];
      if (to === undefined || (dynamicOnly && args.kind !== "dynamic-import")) return undefined;
      return { path: to, external: true };
    });
  },
});

const common: BuildOptions = {
  bundle: true,
  format: "esm",
  target: "es2022",
  sourcemap: true,
  // The maps point into src/, which the package ships, so they need not carry the sources again.
  sourcesContent: false,
  // The one runtime dependency stays a dependency: bundlers and npm deduplicate it.
  external: ["openapi-fetch"],
  logLevel: "warning",
};

// Stale files from a renamed source would otherwise ship in the tarball.
await rm(OUT, { recursive: true, force: true });
console.log(`build: cleaned ${OUT}/`);

try {
  await build({
    ...common,
    entryPoints: ["src/index.ts"],
    outfile: `${OUT}/index.js`,
    platform: "neutral",
    plugins: [
      keepSeparate(
        {
          "./validate.js": "./validate.js",
          "./log.js": "./log.js",
          "./failure.js": "./failure.js",
        },
        true,
      ),
    ],
  });
  // The lazily imported modules use no class from the rest of src/, so each bundles alone.
  for (const lazy of ["validate", "log", "failure"]) {
    await build({
      ...common,
      entryPoints: [`src/${lazy}.ts`],
      outfile: `${OUT}/${lazy}.js`,
      platform: "neutral",
    });
  }
  await build({
    ...common,
    entryPoints: ["src/cli.ts"],
    outfile: BIN,
    platform: "node",
    external: [...(common.external ?? []), ...builtinModules.map((name) => `node:${name}`)],
    plugins: [keepSeparate({ "./index.js": "./index.js" })],
  });
} catch (error) {
  fail(`build: esbuild failed: ${(error as Error).message.split("\n")[0] ?? ""}`);
}
console.log(
  `build: bundled ${OUT}/index.js, ${OUT}/validate.js, ${OUT}/log.js and ${OUT}/failure.js (lazy) and ${BIN} with source maps`,
);

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const run = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });
if (run.status !== 0)
  fail(`build: tsc -p tsconfig.build.json exited with ${run.status ?? run.signal}`);
console.log(`build: wrote the .d.ts files and their maps with tsc`);

const bin = await readFile(BIN, "utf8").catch(() => fail(`build: esbuild wrote no ${BIN}`));
if (!bin.startsWith(SHEBANG)) fail(`build: ${BIN} lost its shebang line`);
await chmod(BIN, 0o755);
console.log(`build: ${BIN} is executable`);
