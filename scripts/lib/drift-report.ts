// Drift findings → text (terminal), json, markdown (pull request / job summary), GitHub annotations.
// Pure string builders over one report per API version: scripts/drift.ts decides where they go.
import type { ApiVersion } from "../../src/operations.ts";
import { atOrAbove, DOCUMENT, operationOrder, type Finding, type Level } from "./drift/index.ts";
import { PIPELINE } from "./pipeline.ts";
import type { ElsewhereHint } from "./upstream/extract.ts";

export const FORMATS = ["text", "json", "markdown", "githubactions"] as const;
export type Format = (typeof FORMATS)[number];

/** One version's comparison. */
export interface VersionReport {
  version: ApiVersion;
  /** The upstream as given on the command line, or the version's default. */
  upstream: string;
  /** No `--upstream` was given: `npm run vendor` reads the same default. */
  defaultUpstream: boolean;
  sha256: string;
  /** The vendored file, relative to the repository root. */
  vendored: string;
  findings: Finding[];
  /** The upstream describes this version's operations under another version's prefix. */
  elsewhere?: ElsewhereHint | undefined;
}

/** A version that could not be checked, and the one-line reason (naming the version in a run of several). */
export interface Failure {
  version: ApiVersion;
  reason: string;
}

export interface ReportContext {
  failOn: Level;
  /** ANSI colour (text only, and only when stdout is a terminal). */
  colour?: boolean;
}

const allFindings = (reports: VersionReport[]) => reports.flatMap((r) => r.findings);
const drifted = (reports: VersionReport[], failOn: Level) =>
  reports.filter((r) => atOrAbove(r.findings, failOn).length > 0);

/** The last words of every drift report: commands that work for what drifted. */
export function nextSteps(reports: VersionReport[], failOn: Level): string[] {
  const steps: string[] = [];
  const toVendor: VersionReport[] = [];
  for (const r of drifted(reports, failOn)) {
    const other = r.findings.some((f) => f.id === "api-under-other-version");
    if (other && !r.elsewhere) {
      steps.push(
        `point \`--upstream\` at a document for ${r.version}: ${r.upstream} describes a version the client does not speak`,
      );
    } else if (other && r.elsewhere) {
      steps.push(
        `\`npm run drift -- --api-version ${r.elsewhere.version} --upstream ${r.upstream}\` to check that document against the ${r.elsewhere.version} client instead`,
      );
    } else {
      toVendor.push(r);
    }
  }
  if (toVendor.length > 0) {
    const everyDefault =
      toVendor.length === Object.keys(PIPELINE).length && toVendor.every((r) => r.defaultUpstream);
    const commands = everyDefault
      ? ["npm run vendor"]
      : toVendor.map(
          (r) =>
            `npm run vendor -- --api-version ${r.version}` +
            (r.defaultUpstream ? "" : ` --upstream ${r.upstream}`),
        );
    steps.push(
      `${commands.map((c) => `\`${c}\``).join(", then ")} to take the new spec into openapi/`,
      "`npm run generate` to regenerate src/generated/",
      "fix what the changed types break, then run the tests (`npm test`)",
    );
  }
  return steps;
}

function counts(findings: Finding[]): string {
  const by = (level: Level) => findings.filter((f) => f.level === level).length;
  const parts = (["ERR", "WARN", "INFO"] as const)
    .filter((level) => by(level) > 0)
    .map((level) => `${by(level)} ${level}`);
  const n = findings.length;
  return `${n} change${n === 1 ? "" : "s"} (${parts.join(", ")})`;
}

/** Findings grouped under a heading per operation, then the version's whole-document ones. */
function grouped(reports: VersionReport[]): [string, Finding[]][] {
  return reports.flatMap((r) =>
    operationOrder(r.version)
      .map(
        (op) =>
          [
            op === DOCUMENT ? `Whole document (${r.version})` : op,
            r.findings.filter((f) => f.operation === op),
          ] as [string, Finding[]],
      )
      .filter(([, list]) => list.length > 0),
  );
}

const shortHash = (sha256: string) => `${sha256.slice(0, 12)}…`;

function renderText(reports: VersionReport[], ctx: ReportContext): string {
  const paint = (code: number, s: string) => (ctx.colour ? `\x1b[${code}m${s}\x1b[0m` : s);
  const levelColour: Record<Level, number> = { ERR: 31, WARN: 33, INFO: 36 };
  const findings = allFindings(reports);
  const drift = atOrAbove(findings, ctx.failOn);
  const lines: string[] = [];
  if (findings.length === 0) {
    lines.push(
      paint(32, "No drift:") +
        (reports.length === 1
          ? ` the client's operations in ${reports[0]!.upstream} match ${reports[0]!.vendored}.`
          : " every upstream describes the client's operations as its vendored file does."),
    );
  } else {
    lines.push(
      paint(
        1,
        drift.length > 0
          ? `Upstream drift: ${counts(findings)}`
          : `No drift at or above ${ctx.failOn}: ${counts(findings)} below it`,
      ),
    );
  }
  if (findings.length > 0 || reports.length > 1) {
    for (const r of reports) {
      lines.push(
        `  ${r.version.padEnd(7)} ${r.vendored} vs ${r.upstream} (sha256 ${shortHash(r.sha256)})` +
          (r.findings.length === 0 ? ": no drift" : ""),
      );
    }
  }
  for (const [heading, list] of grouped(reports)) {
    lines.push("", paint(1, heading));
    for (const f of list) {
      lines.push(
        `  ${paint(levelColour[f.level], f.level.padEnd(4))} ${f.id}${f.path ? `  ${paint(2, f.path)}` : ""}`,
        `       ${f.text}`,
      );
    }
  }
  if (findings.length > 0) {
    lines.push("");
    if (drift.length > 0) {
      lines.push(
        "What to do:",
        ...nextSteps(reports, ctx.failOn).map((s, i) => `  ${i + 1}. ${s}`),
      );
    } else {
      lines.push(`Nothing at or above --fail-on ${ctx.failOn}, so this is not counted as drift.`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function renderJson(reports: VersionReport[]): string {
  const list = allFindings(reports).map(
    ({ id, level, version, operation, path, text, fingerprint }) => ({
      id,
      level,
      version,
      operation,
      path,
      text,
      fingerprint,
    }),
  );
  return `${JSON.stringify(list, null, 2)}\n`;
}

// Markdown that prints as it reads: every character Markdown or HTML would act on is escaped (a
// backslash before it, `&` as an entity). In a code span escapes do not work, so a backtick
// becomes a look-alike, and `|` keeps its backslash, which GitHub's tables read inside spans too.
const cell = (s: string) => s.replace(/&/g, "&amp;").replace(/[\\`*_{}[\]()#+!|<>~]/g, "\\$&");
const code = (s: string) => (s ? `\`${s.replace(/`/g, "\u02cb").replace(/\|/g, "\\|")}\`` : "");

function renderMarkdown(reports: VersionReport[], ctx: ReportContext): string {
  const findings = allFindings(reports);
  const drift = atOrAbove(findings, ctx.failOn);
  const compared = reports.map(
    (r) =>
      `- ${r.version}: ${code(r.upstream)} (sha256 ${code(shortHash(r.sha256))}) against ${code(r.vendored)}` +
      (r.findings.length === 0 ? ": no drift" : ""),
  );
  if (findings.length === 0) {
    return `## Upstream drift: none\n\nThe client's operations match the vendored files:\n\n${compared.join("\n")}\n`;
  }
  const lines = [
    drift.length > 0
      ? `## Upstream drift: ${counts(findings)}`
      : `## Upstream drift: none at or above ${ctx.failOn} (${counts(findings)} below)`,
    "",
    `Failing on ${ctx.failOn} and above. Compared:`,
    "",
    ...compared,
  ];
  for (const [heading, list] of grouped(reports)) {
    lines.push(
      "",
      `### ${cell(heading)}`,
      "",
      "| Level | Rule | Where | What it means for the client |",
      "| --- | --- | --- | --- |",
      ...list.map((f) => `| ${f.level} | ${code(f.id)} | ${code(f.path)} | ${cell(f.text)} |`),
    );
  }
  if (drift.length > 0) {
    lines.push(
      "",
      "### What to do",
      "",
      ...nextSteps(reports, ctx.failOn).map((s, i) => `${i + 1}. ${stepMarkdown(s)}`),
    );
  }
  return `${lines.join("\n")}\n`;
}

// https://docs.github.com/actions/reference/workflow-commands-for-github-actions
const escapeData = (s: string) =>
  s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
const COMMAND: Record<Level, string> = { ERR: "error", WARN: "warning", INFO: "notice" };

function renderGithubActions(reports: VersionReport[], ctx: ReportContext): string {
  const findings = allFindings(reports);
  const lines = findings.map(
    (f) =>
      `::${COMMAND[f.level]} title=${escapeProperty(f.id)}::${escapeData(
        `${f.operation === DOCUMENT ? `${f.version} document` : f.operation}${f.path ? ` ${f.path}` : ""}: ${f.text}`,
      )}`,
  );
  if (atOrAbove(findings, ctx.failOn).length > 0) {
    const steps = nextSteps(reports, ctx.failOn).join(", then ").replace(/`/g, "");
    lines.push(`::notice title=What to do::${escapeData(`Run ${steps}.`)}`);
  } else {
    const sources = reports.map((r) => r.upstream).join(" and ");
    lines.push(
      `::notice title=No drift::${escapeData(`Nothing at or above ${ctx.failOn} in ${sources}.`)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

// What a terminal obeys rather than prints: escape sequences (CSI, OSC, and two-character ones),
// control characters (CR and LF among them), and the Unicode line separators and bidi controls
// that reorder a line. The same rule as the CLI's output (src/cli.ts).
/* eslint-disable no-control-regex -- matching control characters is their purpose */
const ESCAPES = /\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-_])/g;
const OBEYED = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

/** A string from an upstream document as one printable line. */
const clean = (text: string): string => text.replace(ESCAPES, "").replace(OBEYED, " ");

// Steps are ours, with `commands` in backticks; only the upstream inside them comes from outside.
const stepMarkdown = (step: string) =>
  step
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith("`") ? code(part.slice(1, -1)) : cell(part)))
    .join("");

/** Every string a report prints that came from outside (the upstream, its findings), cleaned. */
function sanitised(reports: VersionReport[]): VersionReport[] {
  return reports.map((r) => ({
    ...r,
    upstream: clean(r.upstream),
    vendored: clean(r.vendored),
    findings: r.findings.map((f) => ({ ...f, path: clean(f.path), text: clean(f.text) })),
  }));
}

export function render(format: Format, raw: VersionReport[], ctx: ReportContext): string {
  const reports = sanitised(raw);
  switch (format) {
    case "json":
      return renderJson(reports);
    case "markdown":
      return renderMarkdown(reports, ctx);
    case "githubactions":
      return renderGithubActions(reports, ctx);
    default:
      return renderText(reports, ctx);
  }
}

/**
 * What goes to stdout when a version could not be checked. Text and json print nothing there for
 * it (the reasons are on stderr), so an empty stdout never parses as "no findings"; the job summary
 * and the annotations say it outright, so a scheduled run cannot look green by accident.
 */
export function renderCouldNotCheck(format: Format, failures: Failure[]): string {
  const reason = (f: Failure) => clean(f.reason);
  switch (format) {
    case "markdown":
      return `## Upstream drift: could not check\n\n${failures.map((f) => `- ${cell(reason(f))}`).join("\n")}\n\nThis is not a "no drift" result: fix the cause and run \`npm run drift\` again.\n`;
    case "githubactions":
      return failures
        .map((f) => `::error title=drift-could-not-check::${escapeData(reason(f))}\n`)
        .join("");
    default:
      return "";
  }
}
