// The pipeline table: per API version, where its upstream is read from and where vendor and
// generate write. vendor, generate, drift, the demo and the contract tests read it.
import { API_VERSIONS, type ApiVersion } from "../../src/operations.ts";
import { UpstreamError } from "./upstream/error.ts";

/** The version `--upstream` means when no `--api-version` is given (the seed's version). */
export const DEFAULT_API_VERSION: ApiVersion = "v1alpha";

/**
 * Each version's default upstream as committed in openapi/upstream/ (Stability's file, byte for
 * byte). The committed subset is vendored from it, so drift against the default upstream is clean
 * until Stability changes the document, and vendoring needs no network; test/upstream-copies.test.ts
 * vendors each copy again and must get the committed subset. A new version names its copy here.
 */
const UPSTREAM_COPIES: Record<ApiVersion, string> = {
  v1alpha: "openapi/upstream/stability-rest-v1alpha.2023-03.openapi.json",
  v1: "openapi/upstream/stability-rest-v1.2023-03.openapi.json",
};

/**
 * Per API version: its default upstream and that document's committed copy, its vendored subset
 * and its generated files (paths from the repository root).
 */
export const PIPELINE: Record<
  ApiVersion,
  {
    upstream: string;
    upstreamCopy: string;
    vendored: string;
    types: string;
    validators: string;
    examples: string;
    operations: string;
  }
> = Object.fromEntries(
  API_VERSIONS.map((version) => [
    version,
    {
      // Stability's own repository; needs a network.
      upstream: `https://raw.githubusercontent.com/Stability-AI/rest-api-support/main/generated/spec/${version}.json`,
      upstreamCopy: UPSTREAM_COPIES[version],
      vendored: `openapi/${version}.openapi.json`,
      types: `src/generated/${version}.ts`,
      validators: `src/generated/${version}.validators.ts`,
      examples: `src/generated/${version}.examples.ts`,
      operations: `src/generated/${version}.operations.ts`,
    },
  ]),
) as never;

/** Reads `--api-version`: one version, or every version when absent. */
export function versionsFrom(flag: string | undefined): readonly ApiVersion[] {
  if (flag === undefined) return API_VERSIONS;
  if ((API_VERSIONS as readonly string[]).includes(flag)) return [flag as ApiVersion];
  throw new UpstreamError(`--api-version must be one of ${API_VERSIONS.join(", ")}, got ${flag}`);
}
