// `npm run generate` as a function of its arguments: scripts/generate.ts is a thin shell around it,
// and the tests call it in-process.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { flagsOf, runScript, ScriptExit, type ScriptIo } from "./cli-args.ts";
import { generateVersion } from "./generate.ts";
import { versionsFrom } from "./pipeline.ts";
import { UpstreamError } from "./upstream/error.ts";

const USAGE =
  "usage: npm run generate -- [--check] [--api-version v1|v1alpha] [--spec <file>] [--out-dir <dir>]";
const FLAGS = {
  check: { type: "boolean", default: false },
  "api-version": { type: "string" },
  spec: { type: "string" },
  "out-dir": { type: "string" },
} as const;

/** Runs `npm run generate -- ...args` and returns its exit code. */
export function runGenerate(args: string[], io: ScriptIo): Promise<number> {
  return runScript(io, async () => {
    const flags = flagsOf(args, FLAGS, USAGE);
    let outputs: [string, string][];
    try {
      const versions = versionsFrom(flags["api-version"]);
      if (versions.length > 1 && flags.spec !== undefined)
        throw new ScriptExit(
          2,
          `generate: --spec needs --api-version (one spec per version)\n${USAGE}`,
        );
      const options = { spec: flags.spec, outDir: flags["out-dir"] };
      outputs = (await Promise.all(versions.map((v) => generateVersion(v, options)))).flat();
    } catch (error) {
      if (error instanceof ScriptExit) throw error;
      // Anything unexpected is one line too: a hostile spec must never get a stack trace printed.
      if (error instanceof UpstreamError) throw new ScriptExit(1, `generate: ${error.message}`);
      throw new ScriptExit(
        1,
        `generate: internal error: ${new UpstreamError(String((error as Error).message)).message}`,
      );
    }
    if (flags.check) return check(outputs, io);
    await mkdir(flags["out-dir"] ?? "src/generated", { recursive: true });
    for (const [file, content] of outputs) {
      await writeFile(file, content);
      io.out(`generate: wrote ${file} (${content.length} bytes)`);
    }
  });
}

/** --check: each file up to date or STALE, one line each; any stale file fails the run. */
async function check(outputs: [string, string][], io: ScriptIo): Promise<void> {
  const stale: string[] = [];
  for (const [file, expected] of outputs) {
    const actual = await readFile(file, "utf8").catch(() => undefined);
    io.out(`generate --check: ${file} ${actual === expected ? "up to date" : "STALE"}`);
    if (actual !== expected) stale.push(file);
  }
  if (stale.length > 0)
    throw new ScriptExit(
      1,
      `generate --check: stale ${stale.join(", ")}; run \`npm run generate\` and commit`,
    );
}
