// Vendoring one API version, as a function: scripts/vendor.ts calls it once per version, and the
// maintainer-loop tests call it in-process (no tsx child per case).
import { rename, rm, writeFile } from "node:fs/promises";
import type { ApiVersion } from "../../src/operations.ts";
import {
  PIPELINE,
  UpstreamError,
  extractClientSubset,
  loadUpstream,
  locationOf,
  parseDocument,
} from "./upstream.ts";

export interface VendorResult {
  source: string;
  sha256: string;
  out: string;
  operations: number;
  schemas: string[];
}

/**
 * Reads `upstream` (default: the version's upstream URL), extracts the version's subset and writes
 * it with its provenance to `out` (default: the version's file in openapi/), all or nothing.
 */
export async function vendorVersion(
  version: ApiVersion,
  { upstream, out }: { upstream?: string | undefined; out?: string | undefined } = {},
): Promise<VendorResult> {
  const target = out ?? PIPELINE[version].vendored;
  const loaded = await loadUpstream(upstream ?? PIPELINE[version].upstream);
  const doc = parseDocument(loaded.text, loaded.source);
  const { subset } = await extractClientSubset(doc, {
    version,
    location: locationOf(loaded.source),
  });
  const output = {
    ...subset,
    "x-provenance": {
      source: loaded.source,
      sha256: loaded.sha256,
      note: "Written by `npm run vendor` (scripts/vendor.ts); do not edit by hand.",
    },
  };
  // Write beside the target and rename, so a failure never leaves a half-written spec.
  const temp = `${target}.${process.pid}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(output, null, 2)}\n`);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UpstreamError(`cannot write ${target} (${code})`);
  }
  return {
    source: loaded.source,
    sha256: loaded.sha256,
    out: target,
    operations: Object.keys(subset.paths as object).length,
    schemas: Object.keys((subset.components as { schemas?: object } | undefined)?.schemas ?? {}),
  };
}
