// Drift findings → text (terminal), json, markdown (pull request / job summary), GitHub annotations.
// Pure string builders: scripts/drift.ts decides where they go.
import { atOrAbove, OPERATION_ORDER, type Finding, type Level } from "./drift-compare.ts";
import { DEFAULT_API_VERSION, PIPELINE } from "./upstream.ts";

export const FORMATS = ["text", "json", "markdown", "githubactions"] as const;
export type Format = (typeof FORMATS)[number];

export interface ReportContext {
  /** The upstream as given on the command line. */
  upstream: string;
  sha256: string;
  /** The vendored file, relative to the repository root. */
  vendored: string;
  failOn: Level;
  /** ANSI colour (text only, and only when stdout is a terminal). */
  colour?: boolean;
}

/** The last words of every drift report. */
export function nextSteps(upstream: string): string[] {
  const vendor =
    upstream === PIPELINE[DEFAULT_API_VERSION].upstream
      ? "npm run vendor"
      : `npm run vendor -- --upstream ${upstream}`;
  return [
    `\`${vendor}\` to take the new spec into openapi/`,
    "`npm run generate` to regenerate src/generated/",
    "fix what the changed types break, then run the tests (`npm test`)",
  ];
}

function counts(findings: Finding[]): string {
  const by = (level: Level) => findings.filter((f) => f.level === level).length;
  const parts = (["ERR", "WARN", "INFO"] as const)
    .filter((level) => by(level) > 0)
    .map((level) => `${by(level)} ${level}`);
  const n = findings.length;
  return `${n} change${n === 1 ? "" : "s"} (${parts.join(", ")})`;
}

function grouped(findings: Finding[]): [string, Finding[]][] {
  return OPERATION_ORDER.map(
    (op) => [op, findings.filter((f) => f.operation === op)] as [string, Finding[]],
  ).filter(([, list]) => list.length > 0);
}

const shortHash = (sha256: string) => `${sha256.slice(0, 12)}…`;

export function renderText(findings: Finding[], ctx: ReportContext): string {
  const paint = (code: number, s: string) => (ctx.colour ? `\x1b[${code}m${s}\x1b[0m` : s);
  const levelColour: Record<Level, number> = { ERR: 31, WARN: 33, INFO: 36 };
  const drift = atOrAbove(findings, ctx.failOn);
  const lines: string[] = [];
  if (findings.length === 0) {
    lines.push(
      paint(32, "No drift:") + ` the client's operations in ${ctx.upstream} match ${ctx.vendored}.`,
    );
    return `${lines.join("\n")}\n`;
  }
  lines.push(
    paint(
      1,
      drift.length > 0
        ? `Upstream drift: ${counts(findings)}`
        : `No drift at or above ${ctx.failOn}: ${counts(findings)} below it`,
    ),
    `  upstream  ${ctx.upstream} (sha256 ${shortHash(ctx.sha256)})`,
    `  vendored  ${ctx.vendored}`,
  );
  for (const [operation, list] of grouped(findings)) {
    lines.push("", paint(1, operation === "document" ? "Whole document" : operation));
    for (const f of list) {
      lines.push(
        `  ${paint(levelColour[f.level], f.level.padEnd(4))} ${f.id}${f.path ? `  ${paint(2, f.path)}` : ""}`,
        `       ${f.text}`,
      );
    }
  }
  lines.push("");
  if (drift.length > 0) {
    lines.push("What to do:", ...nextSteps(ctx.upstream).map((s, i) => `  ${i + 1}. ${s}`));
  } else {
    lines.push(`Nothing at or above --fail-on ${ctx.failOn}, so this is not counted as drift.`);
  }
  return `${lines.join("\n")}\n`;
}

export function renderJson(findings: Finding[]): string {
  const list = findings.map(({ id, level, operation, path, text, fingerprint }) => ({
    id,
    level,
    operation,
    path,
    text,
    fingerprint,
  }));
  return `${JSON.stringify(list, null, 2)}\n`;
}

const cell = (s: string) => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (s: string) => (s ? `\`${cell(s)}\`` : "");

export function renderMarkdown(findings: Finding[], ctx: ReportContext): string {
  const source = `\`${ctx.upstream}\` (sha256 \`${shortHash(ctx.sha256)}\`)`;
  if (findings.length === 0) {
    return `## Upstream drift: none\n\nThe client's operations in ${source} match \`${ctx.vendored}\`.\n`;
  }
  const drift = atOrAbove(findings, ctx.failOn);
  const lines = [
    drift.length > 0
      ? `## Upstream drift: ${counts(findings)}`
      : `## Upstream drift: none at or above ${ctx.failOn} (${counts(findings)} below)`,
    "",
    `Compared ${source} with \`${ctx.vendored}\`; failing on ${ctx.failOn} and above.`,
  ];
  for (const [operation, list] of grouped(findings)) {
    lines.push(
      "",
      `### ${operation === "document" ? "Whole document" : operation}`,
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
      ...nextSteps(ctx.upstream).map((s, i) => `${i + 1}. ${s}`),
    );
  }
  return `${lines.join("\n")}\n`;
}

// https://docs.github.com/actions/reference/workflow-commands-for-github-actions
const escapeData = (s: string) =>
  s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
const COMMAND: Record<Level, string> = { ERR: "error", WARN: "warning", INFO: "notice" };

export function renderGithubActions(findings: Finding[], ctx: ReportContext): string {
  const lines = findings.map(
    (f) =>
      `::${COMMAND[f.level]} title=${escapeProperty(f.id)}::${escapeData(
        `${f.operation}${f.path ? ` ${f.path}` : ""}: ${f.text}`,
      )}`,
  );
  if (atOrAbove(findings, ctx.failOn).length > 0) {
    const steps = nextSteps(ctx.upstream).join(", then ").replace(/`/g, "");
    lines.push(`::notice title=What to do::${escapeData(`Run ${steps}.`)}`);
  } else {
    lines.push(
      `::notice title=No drift::${escapeData(`Nothing at or above ${ctx.failOn} in ${ctx.upstream}.`)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export function render(format: Format, findings: Finding[], ctx: ReportContext): string {
  switch (format) {
    case "json":
      return renderJson(findings);
    case "markdown":
      return renderMarkdown(findings, ctx);
    case "githubactions":
      return renderGithubActions(findings, ctx);
    default:
      return renderText(findings, ctx);
  }
}

/**
 * What goes to stdout when the check could not run. Text and json print nothing there (the one
 * line is on stderr), so an empty stdout never parses as "no findings"; the job summary and the
 * annotations say it outright, so a scheduled run cannot look green by accident.
 */
export function renderCouldNotCheck(format: Format, reason: string): string {
  switch (format) {
    case "markdown":
      return `## Upstream drift: could not check\n\n${reason}\n\nThis is not a "no drift" result: fix the cause and run \`npm run drift\` again.\n`;
    case "githubactions":
      return `::error title=drift-could-not-check::${escapeData(reason)}\n`;
    default:
      return "";
  }
}
