// npm run vendor [-- --api-version v1|v1alpha] [--upstream <url|file>] [--out <file>]
//                    [--timeout-ms N] [--max-bytes N]
// Each API version's upstream document → its subset in openapi/ (see PIPELINE in lib/pipeline.ts).
// With no flag, every version from its default upstream; `--upstream` alone means v1alpha.
import { fail, parseFlags } from "./lib/cli-args.ts";
import { DEFAULT_API_VERSION, versionsFrom } from "./lib/pipeline.ts";
import { UpstreamError } from "./lib/upstream/error.ts";
import { vendorVersion } from "./lib/vendor.ts";

const USAGE =
  "usage: npm run vendor -- [--api-version v1|v1alpha] [--upstream <url|file>] [--out <file>] [--timeout-ms N] [--max-bytes N]";
const flags = parseFlags(
  {
    "api-version": { type: "string" },
    upstream: { type: "string" },
    out: { type: "string" },
    "timeout-ms": { type: "string" },
    "max-bytes": { type: "string" },
  },
  USAGE,
);
/** A positive whole number from a flag, or undefined when it is absent; anything else exits 2. */
const positive = (name: string, value: string | undefined) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    fail(`vendor: --${name} must be a positive whole number, got ${value}\n${USAGE}`, 2);
  return n;
};
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
    fail(`vendor: --out needs --api-version (one file per version)\n${USAGE}`, 2);
  for (const version of versions) {
    const result = await vendorVersion(version, {
      upstream: flags.upstream,
      out: flags.out,
      ...limits,
    });
    console.log(
      `vendor: ${version}: read ${result.source} (sha256 ${result.sha256.slice(0, 12)}…)`,
    );
    console.log(
      `vendor: ${version}: wrote ${result.out} (${result.operations} operations, schemas: ${result.schemas.join(", ")})`,
    );
  }
} catch (error) {
  // Anything unexpected is one line too: a hostile upstream must never get a stack trace printed.
  if (error instanceof UpstreamError) fail(`vendor: ${error.message}`);
  fail(`vendor: internal error: ${new UpstreamError(String((error as Error).message)).message}`);
}
