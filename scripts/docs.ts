// npm run docs [-- --check]: the API reference in docs/api/, from the TSDoc of the public entries
// (lib/api-docs.ts). --check writes nothing and fails when docs/api/ is stale, when a public
// export has no doc comment, or when TypeDoc warns (an unknown tag, a broken {@link}).
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { API_DOCS_DIR, checkCacheFile, readTree, staleFiles } from "./lib/api-docs-files.ts";
import { fail, parseFlags } from "./lib/cli-args.ts";

const flags = parseFlags(
  { check: { type: "boolean", default: false } },
  "usage: npm run docs -- [--check]",
);
const passed = flags.check ? await checkCacheFile() : undefined;
if (passed && existsSync(passed)) {
  console.log(
    `docs --check: ${API_DOCS_DIR}/ is up to date (inputs unchanged since it last passed)`,
  );
  process.exit(0);
}
// Imported only when there is something to render: TypeDoc's import alone takes seconds.
const { renderApiDocs } = await import("./lib/api-docs.ts");
const { files, undocumented, problems } = await renderApiDocs();
for (const problem of problems) console.error(`docs: ${problem}`);
if (undocumented.length > 0)
  fail(`docs: no doc comment on ${undocumented.join(", ")}; every public export needs one`);
if (problems.length > 0 || files.size === 0) fail("docs: TypeDoc reported the problems above");
if (passed) {
  const stale = staleFiles(files, await readTree(API_DOCS_DIR));
  if (stale.length > 0)
    fail(`docs --check: ${API_DOCS_DIR}/ is stale (${stale.join(", ")}); run \`npm run docs\``);
  // A cache that cannot be written only costs the next run a rendering.
  await mkdir(path.dirname(passed), { recursive: true })
    .then(() => writeFile(passed, ""))
    .catch(() => undefined);
  console.log(`docs --check: ${API_DOCS_DIR}/ is up to date (${files.size} files)`);
} else {
  await rm(API_DOCS_DIR, { recursive: true, force: true });
  for (const [name, text] of files) {
    const file = path.join(API_DOCS_DIR, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  }
  console.log(`docs: wrote ${files.size} files to ${API_DOCS_DIR}/`);
}
