// npm run size: the gzipped size of what a bundler ships for `import { createStabilityClient }`,
// and of the testing kit (`stability-user-client/testing`) on its own line.
// The validator (src/validate.ts and the generated Ajv code) is imported lazily, so code splitting
// puts it in its own chunk and only chunks loaded up front are counted. Both are bundled with the
// plugin dist/ is built with (package.json narrowed to its version).
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { versionOnly } from "./lib/bundle.ts";
import { fail } from "./lib/cli-args.ts";

// 7 KB, the project's budget for the default import; openapi-fetch is counted where it loads up
// front (it loads with `raw`'s first call, so today it is a lazy chunk).
const BUDGET_BYTES = 7 * 1024;
// The testing kit runs in users' tests, not their apps; the budget only keeps it from growing unseen.
const TESTING_BUDGET_BYTES = 2 * 1024;

async function measure(label: string, contents: string) {
  const result = await build({
    stdin: { contents, resolveDir: process.cwd(), sourcefile: `${label}.ts`, loader: "ts" },
    bundle: true,
    minify: true,
    splitting: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    outdir: "size-out",
    write: false,
    metafile: true,
    logLevel: "silent",
    plugins: [versionOnly()],
  });
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((file) => outputs[file]?.entryPoint !== undefined);
  if (!entry) fail(`size: esbuild produced no entry chunk for ${label}`);
  const loaded = staticClosure(outputs, entry);
  const lazy = Object.keys(outputs).filter((file) => !loaded.has(file) && file.endsWith(".js"));
  const code = result.outputFiles
    .filter((file) => loaded.has(file.path.slice(process.cwd().length + 1)))
    .map((file) => file.text)
    .join("");
  const inputs = new Map<string, number>();
  for (const file of loaded)
    for (const [input, { bytesInOutput }] of Object.entries(outputs[file]?.inputs ?? {}))
      inputs.set(input, (inputs.get(input) ?? 0) + bytesInOutput);
  return { gzipped: gzipSync(code, { level: 9 }).length, lazy, inputs };
}

/** The entry chunk and every chunk it imports statically (what runs before the first call). */
function staticClosure(outputs: Metafile["outputs"], entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const dep of outputs[file]?.imports ?? [])
      if (dep.kind === "import-statement" && !dep.external) visit(dep.path);
  };
  visit(entry);
  return seen;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB (${bytes} B)`;

try {
  const ours = await measure("entry", `export { createStabilityClient } from "./src/index.ts";`);
  const reference = await measure("openapi-fetch", `export { default } from "openapi-fetch";`);
  const testing = await measure("testing", `export { createMockFetch } from "./src/testing.ts";`);
  if (ours.lazy.length === 0)
    fail("size: the validator was bundled into the entry chunk; it must stay a lazy import");
  console.log(`size: openapi-fetch alone ${kb(reference.gzipped)} gzipped (for reference)`);
  console.log(
    `size: ${kb(ours.gzipped)} gzipped (budget ${kb(BUDGET_BYTES)}), validator in ${ours.lazy.length} lazy chunk(s) not counted`,
  );
  if (ours.gzipped > BUDGET_BYTES) {
    const parts = [...ours.inputs].filter(([, bytes]) => bytes > 0).sort((a, b) => b[1] - a[1]);
    console.log(`size: minified bytes by input: ${parts.map(([f, b]) => `${f} ${b}`).join(", ")}`);
    fail(`size: over budget by ${ours.gzipped - BUDGET_BYTES} bytes (${kb(ours.gzipped)})`);
  }
  console.log(
    `size: testing kit (stability-user-client/testing) ${kb(testing.gzipped)} gzipped (budget ${kb(TESTING_BUDGET_BYTES)}), not in the default import`,
  );
  if (testing.gzipped > TESTING_BUDGET_BYTES)
    fail(
      `size: the testing kit is over budget by ${testing.gzipped - TESTING_BUDGET_BYTES} bytes (${kb(testing.gzipped)})`,
    );
} catch (error) {
  fail(`size: ${(error as Error).message}`);
}
