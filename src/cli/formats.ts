// The results of a run as text, JSON or Prometheus text exposition. Each takes every scope's
// result, so one organization gets one line, one array element or one sample.
import type { ApiVersion, OperationName } from "../index.js";
import { FORMATTERS, type AnyBody } from "./commands.js";
import type { Outcome } from "./exit.js";
import { failureJson } from "./failure.js";
import type { Result } from "./run.js";
import { OBEYED, clean, printable } from "./text.js";

export const FORMATS = ["text", "json", "prometheus", "check"] as const;
export type Format = (typeof FORMATS)[number];

/** What a format writes: the output proper, and lines for stderr. */
export interface Rendered {
  out: string;
  err: string[];
}

/** Who a result is for, in a line: `organization org-a`. */
const whose = (option: string | undefined, scope: string | undefined) =>
  option && scope !== undefined ? `${option} ${clean(scope, 80)}: ` : "";

export function text(name: OperationName, option: string | undefined, results: Result[]): Rendered {
  const format = FORMATTERS[name].text as (body: AnyBody<OperationName>, scope?: string) => string;
  const out: string[] = [];
  const err: string[] = [];
  for (const r of results) {
    if (r.outcome === "ok") out.push(format(r.body, r.scope));
    else err.push(`${whose(option, r.scope)}${r.line}`);
  }
  return { out: out.join("\n"), err };
}

/**
 * The bodies as received (only what a terminal obeys escaped), or `{ "error": … }` for a failure.
 * With several scopes, an array: `{ "<option>": scope, "<operation>": body }` or `… "error": …`.
 */
export function json(
  name: OperationName,
  option: string | undefined,
  results: Result[],
  many: boolean,
): Rendered {
  const err: string[] = [];
  const one = (r: Result) => {
    if (r.outcome === "ok") return printable(r.received).trim();
    err.push(`${whose(option, r.scope)}${r.line}`);
    return JSON.stringify(failureJson(r.error, r.line));
  };
  if (!many) return { out: one(results[0]!), err };
  const elements = results.map((r) => {
    const inner = one(r);
    const key = JSON.stringify(option ?? "scope");
    // The exact id, so a script can match it back; only what a terminal obeys is escaped.
    const scope = printable(JSON.stringify(r.scope ?? null));
    return r.outcome === "ok"
      ? `{${key}:${scope},${JSON.stringify(name)}:${inner}}`
      : `{${key}:${scope},${inner.slice(1, -1)}}`;
  });
  return { out: `[\n${elements.join(",\n")}\n]`, err };
}

// What a terminal obeys, apart from tab (kept) and newline (escaped): no request can carry it (the
// client refuses such an Organization header), and no label escape writes it, so it becomes U+FFFD.
const LABEL_ESCAPED = new RegExp(`[\\\\"]|${OBEYED.source}`, "g");
const LABEL_ESCAPES: Record<string, string> = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\t" };

/** A label value as the exposition format writes it: the exact value, `\\`, `\"` and `\n` escaped. */
export const labelValue = (value: string): string =>
  value.replace(LABEL_ESCAPED, (c) => LABEL_ESCAPES[c] ?? "\uFFFD");

/** One series of a Prometheus output: its labels, its figure when read, and its reading's outcome. */
export interface Series {
  labels: [name: string, value: string][];
  figure: number | undefined;
  outcome: Outcome;
}

const labelText = (labels: Series["labels"]) =>
  labels.map(([name, value]) => `${name}="${labelValue(value)}"`).join(",");

/**
 * One series per label set. Distinct ids can still meet as labels (two ids that differ only where
 * U+FFFD stands); a file with a series twice is refused whole by node_exporter, so they become one
 * series, failed. Returns the series and the label sets that met.
 */
export function uniqueSeries(rows: Series[]): { series: Series[]; met: string[] } {
  const byLabels = new Map<string, Series>();
  const met = new Set<string>();
  for (const row of rows) {
    const key = labelText(row.labels);
    if (!byLabels.has(key)) byLabels.set(key, row);
    else {
      met.add(key);
      byLabels.set(key, { labels: row.labels, figure: undefined, outcome: "failed" });
    }
  }
  return { series: [...byLabels.values()], met: [...met] };
}

interface Figure {
  metric: string;
  help: string;
}

/**
 * `# HELP`/`# TYPE` and a sample per series that has a figure; a gauge per series saying whether
 * its reading succeeded; and, per failed series, an `_info` series naming why (the exit table's
 * word: usage, refused, temporary, failed). Every family has its HELP and TYPE, samples or not.
 */
export function exposition({ metric, help }: Figure, series: Series[]): string {
  const success = `${metric}_check_success`;
  const info = `${metric}_check_failure_info`;
  const family = (name: string, text: string, samples: string[]) => [
    `# HELP ${name} ${text}`,
    `# TYPE ${name} gauge`,
    ...samples,
  ];
  const sample = (name: string, labels: Series["labels"], value: string) =>
    `${name}${labels.length ? `{${labelText(labels)}}` : ""} ${value}`;
  const failed = series.filter((s) => s.outcome !== "ok");
  return [
    ...family(
      metric,
      help,
      series.flatMap((s) =>
        s.figure === undefined ? [] : [sample(metric, s.labels, `${s.figure}`)],
      ),
    ),
    ...family(
      success,
      `Whether reading ${metric} succeeded (1) or failed (0).`,
      series.map((s) => sample(success, s.labels, s.outcome === "ok" ? "1" : "0")),
    ),
    ...family(
      info,
      `Why reading ${metric} failed: reason is usage, refused, temporary or failed, as in the exit codes.`,
      failed.map((s) => sample(info, [...s.labels, ["reason", s.outcome]], "1")),
    ),
  ].join("\n");
}

const figureOf = (name: OperationName) =>
  (
    FORMATTERS[name] as {
      figure?: Figure & { read(body: AnyBody<OperationName>): number };
    }
  ).figure!;

/** The results of a run as Prometheus text exposition. */
export function prometheus(
  name: OperationName,
  option: string | undefined,
  results: Result[],
  apiVersion: ApiVersion,
): Rendered {
  const figure = figureOf(name);
  const { series, met } = uniqueSeries(
    results.map((r) => ({
      labels: [
        ...(option && r.scope !== undefined ? [[option, r.scope] as [string, string]] : []),
        ["api_version", apiVersion],
      ],
      figure: r.outcome === "ok" ? figure.read(r.body) : undefined,
      outcome: r.outcome,
    })),
  );
  const err = results.flatMap((r) =>
    r.outcome === "ok" ? [] : [`${whose(option, r.scope)}${r.line}`],
  );
  for (const labels of met)
    err.push(`{${clean(labels, 200)}} stands for several ${option}s; reported as failed`);
  return { out: exposition(figure, series), err };
}

/** A failure before any reading (a usage error, the key file) as Prometheus text exposition. */
export const prometheusFailure = (name: OperationName, outcome: Outcome): string =>
  exposition(figureOf(name), [{ labels: [], figure: undefined, outcome }]);
