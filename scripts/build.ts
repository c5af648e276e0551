// npm run build: src/ → dist/. esbuild writes the JavaScript (ESM, source maps; the layout and why
// is in lib/bundle.ts), tsc the .d.ts files.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { chmod, readFile, rm } from "node:fs/promises";
import { fail } from "./lib/cli-args.ts";
import { BUNDLES, bundleSrc, packageVersion } from "./lib/bundle.ts";

const OUT = "dist";
const BIN = `${OUT}/cli.js`;
const SHEBANG = "#!/usr/bin/env node\n";

// Stale files from a renamed source would otherwise ship in the tarball.
await rm(OUT, { recursive: true, force: true });
console.log(`build: cleaned ${OUT}/`);

try {
  await bundleSrc(OUT);
} catch (error) {
  fail(`build: esbuild failed: ${(error as Error).message.split("\n")[0] ?? ""}`);
}
console.log(
  `build: bundled ${BUNDLES.map((file) => `${OUT}/${file}`).join(", ")} with source maps (version ${packageVersion()})`,
);

// --noCheck: the build only emits declarations (identical bytes, 40 % less time); checking is
// `npm run typecheck`'s job, which `npm test` and, before a publish, `prepublishOnly` run.
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const args = [tsc, "-p", "tsconfig.build.json", "--noCheck"];
const run = spawnSync(process.execPath, args, { stdio: "inherit" });
if (run.status !== 0)
  fail(`build: tsc -p tsconfig.build.json exited with ${run.status ?? run.signal}`);
console.log(`build: wrote the .d.ts files and their maps with tsc`);

const bin = await readFile(BIN, "utf8").catch(() => fail(`build: esbuild wrote no ${BIN}`));
if (!bin.startsWith(SHEBANG)) fail(`build: ${BIN} lost its shebang line`);
await chmod(BIN, 0o755);
console.log(`build: ${BIN} is executable`);
