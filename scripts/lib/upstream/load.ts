// The one loader: every upstream read (the root document here, each `$ref` in resolver.ts) goes
// through read.ts's bounded reads. A URL upstream is read over http(s) only.
import { createHash } from "node:crypto";
import path from "node:path";
import { UpstreamError } from "./error.ts";
import {
  ByteBudget,
  DEFAULT_LIMITS,
  isHttp,
  readLocalFile,
  readUrl,
  type ReadLimits,
} from "./read.ts";

export interface LoadedUpstream {
  /** What the caller asked for: a URL, or a file path as given. */
  source: string;
  /** sha256 of the exact bytes read. */
  sha256: string;
  text: string;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Reads the root document: a URL (http or https, on its own origin throughout) or a file. */
export async function loadUpstream(
  source: string,
  limits: Partial<ReadLimits> = {},
): Promise<LoadedUpstream> {
  const bounded = { ...DEFAULT_LIMITS, ...limits };
  const budget = new ByteBudget(bounded.maxBytes);
  let bytes: Uint8Array;
  if (SCHEME.test(source)) {
    const url = new URL(source);
    if (!isHttp(url)) throw new UpstreamError(`${source}: only http(s) is read`);
    bytes = await readUrl(source, bounded, budget, url.origin);
  } else {
    bytes = await readLocalFile(source, budget);
  }
  return {
    source,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    text: new TextDecoder().decode(bytes),
  };
}

/** Resolves a CLI `--upstream` value: URLs as they are, files relative to the working directory. */
export function locationOf(source: string): string {
  return SCHEME.test(source) ? source : path.resolve(source);
}
