// npm run generate [-- --check] [--api-version v1|v1alpha]: openapi/<version>.openapi.json →
// src/generated/<version>.ts and <version>.validators.ts, for every version (see lib/generate.ts).
// --check compares instead of writing. --spec and --out-dir (with --api-version) let a maintainer
// try a spec into a scratch directory.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { fail, parseFlags } from "./lib/cli-args.ts";
import { generateVersion } from "./lib/generate.ts";
import { versionsFrom } from "./lib/pipeline.ts";
import { UpstreamError } from "./lib/upstream/error.ts";

const USAGE =
  "usage: npm run generate -- [--check] [--api-version v1|v1alpha] [--spec <file>] [--out-dir <dir>]";
const flags = parseFlags(
  {
    check: { type: "boolean", default: false },
    "api-version": { type: "string" },
    spec: { type: "string" },
    "out-dir": { type: "string" },
  },
  USAGE,
);
try {
  const versions = versionsFrom(flags["api-version"]);
  if (versions.length > 1 && flags.spec !== undefined)
    fail(`generate: --spec needs --api-version (one spec per version)\n${USAGE}`, 2);
  const outputs = (
    await Promise.all(
      versions.map((version) =>
        generateVersion(version, { spec: flags.spec, outDir: flags["out-dir"] }),
      ),
    )
  ).flat();
  if (flags.check) {
    const stale: string[] = [];
    for (const [file, expected] of outputs) {
      const actual = await readFile(file, "utf8").catch(() => undefined);
      console.log(`generate --check: ${file} ${actual === expected ? "up to date" : "STALE"}`);
      if (actual !== expected) stale.push(file);
    }
    if (stale.length > 0)
      fail(`generate --check: stale ${stale.join(", ")}; run \`npm run generate\` and commit`);
  } else {
    await mkdir(flags["out-dir"] ?? "src/generated", { recursive: true });
    for (const [file, content] of outputs) {
      await writeFile(file, content);
      console.log(`generate: wrote ${file} (${content.length} bytes)`);
    }
  }
} catch (error) {
  // Anything unexpected is one line too: a hostile spec must never get a stack trace printed.
  if (error instanceof UpstreamError) fail(`generate: ${error.message}`);
  fail(`generate: internal error: ${new UpstreamError(String((error as Error).message)).message}`);
}
