// npm run drift [-- --upstream <url|file>] [--format text|json|markdown|githubactions]
//                 [--fail-on ERR|WARN|INFO] [--timeout-ms N]
// Compares the client's operations in the upstream spec with the vendored file.
// Exit codes like diff(1): 0 no drift at or above --fail-on, 1 drift, 2 could not check.
import { readFile } from "node:fs/promises";
import { fail, parseFlags } from "./lib/cli-args.ts";
import {
  atOrAbove,
  compareSubsets,
  LEVELS,
  resolveSubset,
  type Level,
} from "./lib/drift-compare.ts";
import { FORMATS, render, renderCouldNotCheck, type Format } from "./lib/drift-report.ts";
import {
  DEFAULT_API_VERSION,
  PIPELINE,
  UpstreamError,
  loadUpstream,
  locationOf,
  parseDocument,
} from "./lib/upstream.ts";

const USAGE =
  "usage: npm run drift -- [--upstream <url|file>] [--format text|json|markdown|githubactions] [--fail-on ERR|WARN|INFO] [--timeout-ms N]";
const EXIT = { clean: 0, drift: 1, couldNotCheck: 2 } as const;

const flags = parseFlags(
  {
    upstream: { type: "string", default: PIPELINE[DEFAULT_API_VERSION].upstream },
    vendored: { type: "string", default: PIPELINE[DEFAULT_API_VERSION].vendored },
    format: { type: "string", default: "text" },
    "fail-on": { type: "string", default: "INFO" },
    "timeout-ms": { type: "string", default: "30000" },
  },
  USAGE,
);
const format = flags.format as Format;
const failOn = flags["fail-on"].toUpperCase() as Level;
const timeoutMs = Number(flags["timeout-ms"]);
if (!FORMATS.includes(format)) fail(`drift: unknown --format ${flags.format}\n${USAGE}`, 2);
if (!LEVELS.includes(failOn)) fail(`drift: unknown --fail-on ${flags["fail-on"]}\n${USAGE}`, 2);
if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
  fail(`drift: --timeout-ms must be a positive whole number of milliseconds\n${USAGE}`, 2);
}

// Progress goes to stderr so stdout is only the report (json parses, markdown appends cleanly).
const step = (line: string) => process.stderr.write(`drift: ${line}\n`);

function couldNotCheck(reason: string): never {
  process.stdout.write(renderCouldNotCheck(format, reason));
  fail(`drift: could not check (${reason}); this is not a "no drift" result`, EXIT.couldNotCheck);
}

try {
  const vendoredText = await readFile(flags.vendored, "utf8").catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code ?? "read failed";
    throw new UpstreamError(`${flags.vendored}: cannot read the vendored spec (${code})`);
  });
  const base = await resolveSubset(
    parseDocument(vendoredText, flags.vendored),
    locationOf(flags.vendored),
  );

  const upstream = await loadUpstream(flags.upstream, { timeoutMs });
  step(`read ${upstream.source} (sha256 ${upstream.sha256.slice(0, 12)}…)`);
  const revision = await resolveSubset(
    parseDocument(upstream.text, upstream.source),
    locationOf(upstream.source),
  );

  const findings = compareSubsets(base, revision);
  const drift = atOrAbove(findings, failOn);
  step(
    `compared with ${flags.vendored}: ${findings.length} change(s), ${drift.length} at or above ${failOn}`,
  );
  process.stdout.write(
    render(format, findings, {
      upstream: upstream.source,
      sha256: upstream.sha256,
      vendored: flags.vendored,
      failOn,
      colour: format === "text" && process.stdout.isTTY === true && !process.env.NO_COLOR,
    }),
  );
  process.exitCode = drift.length > 0 ? EXIT.drift : EXIT.clean;
} catch (error) {
  // Anything unexpected is also "could not check": exit 1 would claim drift, exit 0 none.
  couldNotCheck(
    error instanceof UpstreamError
      ? error.message
      : `internal error: ${(error as Error).message?.split("\n")[0] ?? String(error)}`,
  );
}
