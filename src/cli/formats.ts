// The results of a run as text, JSON or Prometheus text exposition. Each takes every scope's
// result, so one organization gets one line, one array element or one sample.
import type { ApiVersion, OperationName } from "../index.js";
import { FORMATTERS, type AnyBody } from "./commands.js";
import { failureJson } from "./failure.js";
import type { Result } from "./run.js";
import { clean, printable } from "./text.js";

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
    const scope = JSON.stringify(r.scope === undefined ? null : clean(r.scope, 200));
    return r.outcome === "ok"
      ? `{${key}:${scope},${JSON.stringify(name)}:${inner}}`
      : `{${key}:${scope},${inner.slice(1, -1)}}`;
  });
  return { out: `[\n${elements.join(",\n")}\n]`, err };
}

/** A label value as the exposition format writes it: backslash, double quote and newline escaped. */
export const labelValue = (value: string): string =>
  clean(value, 200).replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));

/**
 * `# HELP`/`# TYPE` and one sample per scope of the figure, then a gauge saying whether each
 * reading succeeded. A failed scope has no figure sample, and 0 in the success gauge.
 */
export function prometheus(
  name: OperationName,
  option: string | undefined,
  results: Result[],
  apiVersion: ApiVersion,
): Rendered {
  const figure = (
    FORMATTERS[name] as {
      figure?: { metric: string; help: string; read(body: AnyBody<OperationName>): number };
    }
  ).figure!;
  const labels = (scope: string | undefined) =>
    [
      ...(option && scope !== undefined ? [`${option}="${labelValue(scope)}"`] : []),
      `api_version="${labelValue(apiVersion)}"`,
    ].join(",");
  const success = `${figure.metric}_check_success`;
  const lines = [`# HELP ${figure.metric} ${figure.help}`, `# TYPE ${figure.metric} gauge`];
  for (const r of results)
    if (r.outcome === "ok")
      lines.push(`${figure.metric}{${labels(r.scope)}} ${figure.read(r.body)}`);
  lines.push(
    `# HELP ${success} Whether reading ${figure.metric} succeeded (1) or failed (0).`,
    `# TYPE ${success} gauge`,
  );
  for (const r of results)
    lines.push(`${success}{${labels(r.scope)}} ${r.outcome === "ok" ? 1 : 0}`);
  const err = results.flatMap((r) =>
    r.outcome === "ok" ? [] : [`${whose(option, r.scope)}${r.line}`],
  );
  return { out: lines.join("\n"), err };
}
