// `npm run vendor` as a function of its arguments: scripts/vendor.ts is a thin shell around it, and
// the tests call it in-process.
import { flagsOf, runScript, ScriptExit, type ScriptIo } from "./cli-args.ts";
import { DEFAULT_API_VERSION, versionsFrom } from "./pipeline.ts";
import { UpstreamError } from "./upstream/error.ts";
import { vendorVersion } from "./vendor.ts";

const USAGE =
  "usage: npm run vendor -- [--api-version v1|v1alpha] [--upstream <url|file>] [--out <file>] [--timeout-ms N] [--max-bytes N]";
const FLAGS = {
  "api-version": { type: "string" },
  upstream: { type: "string" },
  out: { type: "string" },
  "timeout-ms": { type: "string" },
  "max-bytes": { type: "string" },
} as const;

/** A positive whole number from a flag, or undefined when it is absent; anything else exits 2. */
function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new ScriptExit(
      2,
      `vendor: --${name} must be a positive whole number, got ${value}\n${USAGE}`,
    );
  return n;
}

/** Runs `npm run vendor -- ...args` and returns its exit code. */
export function runVendor(args: string[], io: ScriptIo): Promise<number> {
  return runScript(io, async () => {
    const flags = flagsOf(args, FLAGS, USAGE);
    const limits = {
      timeoutMs: positive("timeout-ms", flags["timeout-ms"]),
      maxBytes: positive("max-bytes", flags["max-bytes"]),
    };
    try {
      const versions =
        flags["api-version"] === undefined && flags.upstream !== undefined
          ? [DEFAULT_API_VERSION]
          : versionsFrom(flags["api-version"]);
      if (versions.length > 1 && flags.out !== undefined)
        throw new ScriptExit(
          2,
          `vendor: --out needs --api-version (one file per version)\n${USAGE}`,
        );
      for (const version of versions) {
        const result = await vendorVersion(version, {
          upstream: flags.upstream,
          out: flags.out,
          ...limits,
        });
        io.out(`vendor: ${version}: read ${result.source} (sha256 ${result.sha256.slice(0, 12)}…)`);
        io.out(
          `vendor: ${version}: wrote ${result.out} (${result.operations} operations, schemas: ${result.schemas.join(", ")})`,
        );
      }
    } catch (error) {
      if (error instanceof ScriptExit) throw error;
      // Anything unexpected is one line too: a hostile upstream must never get a stack trace printed.
      if (error instanceof UpstreamError) throw new ScriptExit(1, `vendor: ${error.message}`);
      throw new ScriptExit(
        1,
        `vendor: internal error: ${new UpstreamError(String((error as Error).message)).message}`,
      );
    }
  });
}
