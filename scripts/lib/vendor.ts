// Vendoring one API version, as a function: scripts/vendor.ts calls it once per version, and the
// maintainer-loop tests call it in-process (no tsx child per case).
import { rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ApiVersion } from "../../src/operations.ts";
import { PIPELINE } from "./pipeline.ts";
import { UpstreamError } from "./upstream/error.ts";
import { extractClientSubset } from "./upstream/extract.ts";
import { loadUpstream, locationOf } from "./upstream/load.ts";
import { parseDocument } from "./upstream/parse.ts";
import { checkPatterns } from "./upstream/patterns.ts";

export interface VendorResult {
  source: string;
  sha256: string;
  out: string;
  operations: number;
  schemas: string[];
}

export interface VendorOptions {
  /** A file or URL. @default PIPELINE[version].upstream */
  upstream?: string | undefined;
  /** Where the subset goes. @default PIPELINE[version].vendored */
  out?: string | undefined;
  /**
   * The repository that relative `upstream` and `out` paths are in (the tests' scratch copies);
   * provenance records `upstream` as given. @default the working directory
   */
  root?: string | undefined;
  /** How long each read may take. @default 30 s */
  timeoutMs?: number | undefined;
  /** The byte cap of the root document, and of its `$ref` reads together. @default 16 MiB */
  maxBytes?: number | undefined;
}

/**
 * Reads `upstream` (default: the version's upstream URL), extracts the version's subset and writes
 * it with its provenance to `out` (default: the version's file in openapi/), all or nothing.
 */
export async function vendorVersion(
  version: ApiVersion,
  { upstream = PIPELINE[version].upstream, out, root, ...bounds }: VendorOptions = {},
): Promise<VendorResult> {
  const limits = {
    ...(bounds.timeoutMs === undefined ? {} : { timeoutMs: bounds.timeoutMs }),
    ...(bounds.maxBytes === undefined ? {} : { maxBytes: bounds.maxBytes }),
  };
  const inRoot = (file: string) =>
    root === undefined || /^https?:\/\//i.test(file) ? file : path.resolve(root, file);
  const target = inRoot(out ?? PIPELINE[version].vendored);
  const loaded = await loadUpstream(inRoot(upstream), limits);
  const doc = parseDocument(loaded.text, loaded.source);
  const location = locationOf(loaded.source);
  const { subset } = await extractClientSubset(doc, { version, location, limits });
  // What becomes validator code is checked here, so generate never compiles a hostile pattern.
  checkPatterns(subset, location);
  const output = {
    ...subset,
    "x-provenance": {
      source: upstream,
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
    source: upstream,
    sha256: loaded.sha256,
    out: target,
    operations: Object.keys(subset.paths as object).length,
    schemas: Object.keys((subset.components as { schemas?: object } | undefined)?.schemas ?? {}),
  };
}
