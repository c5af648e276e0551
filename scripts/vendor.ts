// npm run vendor [-- --api-version v1|v1alpha] [--upstream <url|file>] [--out <file>]
// Each API version's upstream document → its subset in openapi/ (see PIPELINE in lib/upstream.ts).
// With no flag, every version from its default upstream; `--upstream` alone means v1alpha.
import { fail, parseFlags } from "./lib/cli-args.ts";
import { DEFAULT_API_VERSION, UpstreamError, versionsFrom } from "./lib/upstream.ts";
import { vendorVersion } from "./lib/vendor.ts";

const USAGE =
  "usage: npm run vendor -- [--api-version v1|v1alpha] [--upstream <url|file>] [--out <file>]";
const flags = parseFlags(
  {
    "api-version": { type: "string" },
    upstream: { type: "string" },
    out: { type: "string" },
  },
  USAGE,
);
try {
  const versions =
    flags["api-version"] === undefined && flags.upstream !== undefined
      ? [DEFAULT_API_VERSION]
      : versionsFrom(flags["api-version"]);
  if (versions.length > 1 && flags.out !== undefined)
    fail(`vendor: --out needs --api-version (one file per version)\n${USAGE}`, 2);
  for (const version of versions) {
    const result = await vendorVersion(version, { upstream: flags.upstream, out: flags.out });
    console.log(
      `vendor: ${version}: read ${result.source} (sha256 ${result.sha256.slice(0, 12)}…)`,
    );
    console.log(
      `vendor: ${version}: wrote ${result.out} (${result.operations} operations, schemas: ${result.schemas.join(", ")})`,
    );
  }
} catch (error) {
  if (error instanceof UpstreamError) fail(`vendor: ${error.message}`);
  throw error;
}
