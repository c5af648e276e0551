// npm run vendor [-- --upstream <url|file>]: upstream document → openapi/stability-user.openapi.json
import { rename, rm, writeFile } from "node:fs/promises";
import { fail, parseFlags } from "./lib/cli-args.ts";
import {
  DEFAULT_UPSTREAM,
  UpstreamError,
  VENDORED_SPEC,
  extractClientSubset,
  loadUpstream,
  locationOf,
  parseDocument,
} from "./lib/upstream.ts";

const flags = parseFlags(
  {
    upstream: { type: "string", default: DEFAULT_UPSTREAM },
    out: { type: "string", default: VENDORED_SPEC },
  },
  "usage: npm run vendor -- [--upstream <url|file>] [--out <file>]",
);

try {
  const upstream = await loadUpstream(flags.upstream);
  console.log(`vendor: read ${upstream.source} (sha256 ${upstream.sha256.slice(0, 12)}…)`);
  const doc = parseDocument(upstream.text, upstream.source);
  const { subset } = await extractClientSubset(doc, { location: locationOf(upstream.source) });
  const output = {
    ...subset,
    "x-provenance": {
      source: upstream.source,
      sha256: upstream.sha256,
      note: "Written by `npm run vendor` (scripts/vendor.ts); do not edit by hand.",
    },
  };
  // Write beside the target and rename, so a failure never leaves a half-written spec.
  const temp = `${flags.out}.${process.pid}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(output, null, 2)}\n`);
    await rename(temp, flags.out);
  } catch (error) {
    await rm(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    fail(`vendor: cannot write ${flags.out} (${code})`);
  }
  const ops = Object.keys(subset.paths as object).length;
  const schemas = Object.keys(
    (subset.components as { schemas?: object } | undefined)?.schemas ?? {},
  );
  console.log(`vendor: wrote ${flags.out} (${ops} operations, schemas: ${schemas.join(", ")})`);
} catch (error) {
  if (error instanceof UpstreamError) fail(`vendor: ${error.message}`);
  throw error;
}
