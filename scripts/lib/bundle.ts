// The esbuild half of `npm run build` as a function: src/ → <outDir>/*.js. scripts/build.ts calls it
// for dist/ (then adds the .d.ts files); tests call it for a scratch directory, so they run exactly
// what ships. The plugin every bundle of src/ needs is here too (scripts/size.ts uses it).
// The library entry is one file: on Node 20 each extra module costs about 2 ms of cold import, so
// the tsc layout (five files) imported 1.4× slower than openapi-fetch and one file ~1.2× (see
// docs/benchmarks.md). These stay apart on purpose:
//   validate.js  the response validator (with the generated Ajv code), imported only when
//                `validateResponses` is on;
//   log.js       log formatting, imported only when there is something to log;
//   failure.js   redaction, redirects and error bodies, imported on the first failure or redirect;
//   testing.js   the testing kit (`stability-user-client/testing`), never imported by the library;
//   cli.js       the Node-only CLI (src/cli.ts and src/cli/), which imports the library from
//                index.js, and undici only when a proxy variable is set;
//   mcp.js       `stability-user mcp` (src/mcp.ts), imported by cli.js for that command only; it
//                imports the library from index.js (and failure.js, for redaction, on the first
//                call) and the optional MCP SDK, which is never bundled.
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type BuildOptions, type Plugin } from "esbuild";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PACKAGE_JSON = path.join(ROOT, "package.json");

/** The package's version, read when a build starts. */
export const packageVersion = (): string =>
  (JSON.parse(readFileSync(PACKAGE_JSON, "utf8")) as { version: string }).version;

/**
 * src/version.ts imports package.json for its version; a bundle gets `{ "version": "…" }` only,
 * read now, so the version is a literal in the output and nothing else of package.json ships.
 */
export const versionOnly = (version = packageVersion()): Plugin => ({
  name: "version-only",
  setup(b) {
    b.onLoad({ filter: /[\\/]package\.json$/ }, (args) =>
      path.resolve(args.path) === PACKAGE_JSON
        ? { contents: JSON.stringify({ version }), loader: "json" }
        : undefined,
    );
  },
});

/**
 * Leaves `import(...)` of these files of src/ (or every import of them) as imports between output
 * files: `{ "index.ts": "./index.js" }` keeps `./index.js` from src/ and `../index.js` from src/cli/.
 */
const keepSeparate = (paths: Record<string, string>, dynamicOnly = false): Plugin => ({
  name: "keep-separate",
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const file = path.relative(
        path.join(ROOT, "src"),
        path.resolve(args.resolveDir, args.path.replace(/\.js$/, ".ts")),
      );
      const to = paths[file];
      if (to === undefined || (dynamicOnly && args.kind !== "dynamic-import")) return undefined;
      return { path: to, external: true };
    });
  },
});

/** The files bundleSrc writes, relative to its output directory. */
export const BUNDLES = [
  "index.js",
  "validate.js",
  "log.js",
  "failure.js",
  "testing.js",
  "cli.js",
  "mcp.js",
] as const;

/** Bundles src/ into `outDir` (ESM, source maps); see the top of this file for the layout. */
export async function bundleSrc(outDir: string): Promise<void> {
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
    absWorkingDir: ROOT,
  };
  const version = versionOnly();
  const out = (file: string) => path.join(outDir, file);
  await build({
    ...common,
    entryPoints: ["src/index.ts"],
    outfile: out("index.js"),
    platform: "neutral",
    plugins: [
      version,
      keepSeparate(
        {
          "validate.ts": "./validate.js",
          "log.ts": "./log.js",
          "failure.ts": "./failure.js",
        },
        true,
      ),
    ],
  });
  // The lazily imported modules use no class from the rest of src/, so each bundles alone.
  for (const alone of ["validate", "log", "failure"]) {
    await build({
      ...common,
      entryPoints: [`src/${alone}.ts`],
      outfile: out(`${alone}.js`),
      platform: "neutral",
    });
  }
  // The testing kit throws the library's own StabilityInputError, from index.js, so that
  // `instanceof` holds and the client passes it through instead of retrying it.
  await build({
    ...common,
    entryPoints: ["src/testing.ts"],
    outfile: out("testing.js"),
    platform: "neutral",
    plugins: [version, keepSeparate({ "index.ts": "./index.js" })],
  });
  const node: BuildOptions = {
    ...common,
    platform: "node",
    external: [
      ...(common.external ?? []),
      ...builtinModules.map((name) => `node:${name}`),
      "@modelcontextprotocol/server",
      // A dependency, imported by src/cli/proxy.ts only when a proxy variable is set.
      "undici",
    ],
  };
  await build({
    ...node,
    entryPoints: ["src/cli.ts"],
    outfile: out("cli.js"),
    plugins: [version, keepSeparate({ "index.ts": "./index.js", "mcp.ts": "./mcp.js" })],
  });
  await build({
    ...node,
    entryPoints: ["src/mcp.ts"],
    outfile: out("mcp.js"),
    plugins: [version, keepSeparate({ "index.ts": "./index.js", "failure.ts": "./failure.js" })],
  });
}
