// `npm run drift` as a function of its arguments: scripts/drift.ts is a thin shell around it, and
// the tests call it in-process (a tsx child per case costs a second or more).
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { ApiVersion } from "../../src/operations.ts";
import {
  atOrAbove,
  compareSubsets,
  describeVerdict,
  LEVELS,
  maintainerLoop,
  operationOrder,
  sortFindings,
  subsetOf,
  verdictFindings,
  type Level,
} from "./drift/index.ts";
import {
  FORMATS,
  render,
  renderCouldNotCheck,
  type Failure,
  type Format,
  type VersionReport,
} from "./drift-report.ts";
import { DEFAULT_API_VERSION, PIPELINE, versionsFrom } from "./pipeline.ts";
import { UpstreamError } from "./upstream/error.ts";
import { loadUpstream, locationOf } from "./upstream/load.ts";
import { parseDocument } from "./upstream/parse.ts";

export const USAGE = `usage: npm run drift -- [--api-version v1|v1alpha] [--upstream <url|file>]
                      [--format text|json|markdown|githubactions] [--fail-on ERR|WARN|INFO]
                      [--timeout-ms N]

Compares each vendored version (openapi/<version>.openapi.json) with its own upstream document.
  --api-version  check one version only (default: every version)
  --upstream     a file or URL, JSON or YAML; alone it means --api-version ${DEFAULT_API_VERSION}
  --format       text (default), json, markdown, githubactions
  --fail-on      the lowest level that counts as drift (default INFO: any change)
  --timeout-ms   how long to wait for an upstream URL (default 30000)
Exit: 0 no drift at or above --fail-on, 1 drift, 2 could not check.`;

export const EXIT = { clean: 0, drift: 1, couldNotCheck: 2 } as const;

export interface DriftIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** ANSI colour in the text report (a terminal, and NO_COLOR unset). */
  colour?: boolean;
  /** Each version's default upstream; PIPELINE's raw URLs unless a test says otherwise. */
  upstreams?: Partial<Record<ApiVersion, string>>;
}

/** Runs the check for `args` (without the script name) and returns the exit code. */
export async function runDrift(args: string[], io: DriftIo): Promise<number> {
  const usageError = (reason: string) => {
    io.stderr(`drift: ${reason}\n${USAGE}\n`);
    return EXIT.couldNotCheck;
  };
  let flags;
  try {
    flags = parseArgs({
      args,
      allowPositionals: false,
      strict: true,
      options: {
        "api-version": { type: "string" },
        upstream: { type: "string" },
        vendored: { type: "string" },
        format: { type: "string", default: "text" },
        "fail-on": { type: "string", default: "INFO" },
        "timeout-ms": { type: "string", default: "30000" },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (error) {
    return usageError((error as Error).message);
  }
  if (flags.help) {
    io.stdout(`${USAGE}\n`);
    return EXIT.clean;
  }
  const format = flags.format as Format;
  const failOn = flags["fail-on"].toUpperCase() as Level;
  const timeoutMs = Number(flags["timeout-ms"]);
  if (!FORMATS.includes(format)) return usageError(`unknown --format ${flags.format}`);
  if (!LEVELS.includes(failOn)) return usageError(`unknown --fail-on ${flags["fail-on"]}`);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    return usageError("--timeout-ms must be a positive whole number of milliseconds");
  }
  let versions: readonly ApiVersion[];
  try {
    // `--upstream` alone keeps the meaning it had before there were two versions.
    versions =
      flags["api-version"] === undefined && flags.upstream !== undefined
        ? [DEFAULT_API_VERSION]
        : versionsFrom(flags["api-version"]);
  } catch (error) {
    return usageError((error as Error).message);
  }
  if (versions.length > 1 && flags.vendored !== undefined) {
    return usageError("--vendored needs --api-version (one file per version)");
  }

  // Progress goes to stderr so stdout is only the report (json parses, markdown appends cleanly).
  const step = (line: string) => io.stderr(`drift: ${line}\n`);

  const check = async (version: ApiVersion): Promise<VersionReport> => {
    const vendored = flags.vendored ?? PIPELINE[version].vendored;
    const source = flags.upstream ?? io.upstreams?.[version] ?? PIPELINE[version].upstream;
    const vendoredText = await readFile(vendored, "utf8").catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code ?? "read failed";
      throw new UpstreamError(`${vendored}: cannot read the vendored spec (${code})`);
    });
    const [base, upstream] = await Promise.all([
      subsetOf(parseDocument(vendoredText, vendored), locationOf(vendored), version),
      loadUpstream(source, { timeoutMs }),
    ]);
    step(`${version}: read ${upstream.source} (sha256 ${upstream.sha256.slice(0, 12)}…)`);
    const doc = parseDocument(upstream.text, upstream.source);
    const location = locationOf(upstream.source);
    // --timeout-ms bounds every `$ref` read too, as it bounds the root document.
    const revision = await subsetOf(doc, location, version, { timeoutMs });
    // The loop goes first: should it need a compile, the compiler's process runs it while this
    // thread compares the subsets.
    let onCompile = () => {};
    const compiling = new Promise<void>((resolve) => (onCompile = resolve));
    const loop = maintainerLoop({
      version,
      doc,
      location,
      source: upstream.source,
      sha256: upstream.sha256,
      vendored,
      limits: { timeoutMs },
      onCompile,
    });
    const settled = loop.then(
      () => undefined,
      () => undefined,
    );
    await Promise.race([compiling, settled]);
    const compared = await compareSubsets(base, revision, version);
    const verdict = await loop;
    step(`${version}: vendor and generate in a scratch copy: ${describeVerdict(verdict)}`);
    const findings = sortFindings(
      [...compared, ...verdictFindings(verdict, version)],
      operationOrder(version),
    );
    step(
      `${version}: compared with ${vendored}: ${findings.length} change(s), ${atOrAbove(findings, failOn).length} at or above ${failOn}`,
    );
    return {
      version,
      upstream: upstream.source,
      defaultUpstream: flags.upstream === undefined,
      sha256: upstream.sha256,
      vendored,
      findings,
      elsewhere: revision.elsewhere,
    };
  };

  const reports: VersionReport[] = [];
  const failures: Failure[] = [];
  for (const version of versions) {
    try {
      reports.push(await check(version));
    } catch (error) {
      // Anything unexpected is also "could not check": exit 1 would claim drift, exit 0 none.
      const reason =
        error instanceof UpstreamError
          ? error.message
          : `internal error: ${(error as Error).message?.split("\n")[0] ?? String(error)}`;
      failures.push({ version, reason: versions.length > 1 ? `${version}: ${reason}` : reason });
    }
  }

  const ctx = { failOn, colour: format === "text" && io.colour === true };
  if (failures.length > 0) {
    io.stdout(renderCouldNotCheck(format, failures));
    if (reports.length > 0 && format !== "json") io.stdout(render(format, reports, ctx));
    for (const f of failures) {
      io.stderr(`drift: could not check (${f.reason}); this is not a "no drift" result\n`);
    }
    return EXIT.couldNotCheck;
  }
  io.stdout(render(format, reports, ctx));
  return reports.some((r) => atOrAbove(r.findings, failOn).length > 0) ? EXIT.drift : EXIT.clean;
}
