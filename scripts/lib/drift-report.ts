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
    if (r.elsewhere && r.findings.some((f) => f.id === "api-under-other-version")) {
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

export function renderText(reports: VersionReport[], ctx: ReportContext): string {
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

export function renderJson(reports: VersionReport[]): string {
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

const cell = (s: string) => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (s: string) => (s ? `\`${cell(s)}\`` : "");

export function renderMarkdown(reports: VersionReport[], ctx: ReportContext): string {
  const findings = allFindings(reports);
  const drift = atOrAbove(findings, ctx.failOn);
  const compared = reports.map(
    (r) =>
      `- ${r.version}: \`${r.upstream}\` (sha256 \`${shortHash(r.sha256)}\`) against \`${r.vendored}\`` +
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
      `### ${heading}`,
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
      ...nextSteps(reports, ctx.failOn).map((s, i) => `${i + 1}. ${s}`),
    );
  }
  return `${lines.join("\n")}\n`;
}

// https://docs.github.com/actions/reference/workflow-commands-for-github-actions
const escapeData = (s: string) =>
  s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
const COMMAND: Record<Level, string> = { ERR: "error", WARN: "warning", INFO: "notice" };

export function renderGithubActions(reports: VersionReport[], ctx: ReportContext): string {
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

export function render(format: Format, reports: VersionReport[], ctx: ReportContext): string {
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
  const reason = (f: Failure) => f.reason;
  switch (format) {
    case "markdown":
      return `## Upstream drift: could not check\n\n${failures.map((f) => `- ${reason(f)}`).join("\n")}\n\nThis is not a "no drift" result: fix the cause and run \`npm run drift\` again.\n`;
    case "githubactions":
      return failures
        .map((f) => `::error title=drift-could-not-check::${escapeData(reason(f))}\n`)
        .join("");
    default:
      return "";
  }
}
