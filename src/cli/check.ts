// `stability-user check`: a monitoring plugin by the Monitoring Plugins Development Guidelines.
// One status line, `STABILITY CREDITS WARNING - org-a 42.5 (< 100)`, then its performance data
// after a `|`: `'org-a'=42.5;100:;10:;0`, each threshold a range (src/cli/thresholds.ts).
import { CHECKED, FORMATTERS } from "./commands.js";
import { STATES, worst, type State } from "./exit.js";
import type { Result } from "./run.js";
import { OBEYED, clean } from "./text.js";
import { alerts, decimal, why, type Range } from "./thresholds.js";

export interface Thresholds {
  warning: Range | undefined;
  critical: Range | undefined;
}

/** The state of one reading. */
export function stateOf(credits: number, { warning, critical }: Thresholds): State {
  if (critical && alerts(critical, credits)) return "CRITICAL";
  if (warning && alerts(warning, credits)) return "WARNING";
  return "OK";
}

// A `|` would start the performance data, and Nagios rewrites `;` in the text as `:`.
const inText = (s: string, max = 120) => clean(s, max).replace(/\|/g, "/").replace(/;/g, ",");

// In a label `=` would end it and `|` the performance data; so they, `%` and what a terminal obeys
// are percent-encoded (UTF-8), which keeps two ids two labels. A quote is doubled.
const PERCENT_ENCODED = new RegExp(`[%=|]|${OBEYED.source}`, "g");
const percent = (c: string) =>
  [...new TextEncoder().encode(c)]
    .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`)
    .join("");

/** A performance data label: the exact id, quoted, `=`, `|` and `%` percent-encoded. */
export const perfLabel = (id: string): string =>
  `'${id.replace(PERCENT_ENCODED, percent).replace(/'/g, "''")}'`;

/**
 * One performance datum: `'label'=value;warn;crit;min`, the value in plain decimals, min 0 (a balance
 * is spent down to 0; a reading below it gets no min rather than a false one).
 */
export function perfDatum(id: string, credits: number, { warning, critical }: Thresholds): string {
  const min = credits >= 0 ? ";0" : "";
  return `${perfLabel(id)}=${decimal(credits)};${warning?.perf ?? ""};${critical?.perf ?? ""}${min}`;
}

/** The plugin's line, its state, and the failures for stderr. */
export function checkOutput(results: Result[], thresholds: Thresholds) {
  const read = FORMATTERS[CHECKED].figure.read;
  const states: State[] = [];
  const parts: string[] = [];
  const perf: string[] = [];
  const err: string[] = [];
  for (const r of results) {
    const who = r.scope ?? "default";
    if (r.outcome !== "ok") {
      states.push("UNKNOWN");
      parts.push(`${inText(who)} ${inText(r.line, 400)}`);
      err.push(r.scope === undefined ? r.line : `${clean(r.scope, 80)}: ${r.line}`);
      continue;
    }
    const credits = read(r.body as Parameters<typeof read>[0]);
    const state = stateOf(credits, thresholds);
    states.push(state);
    const range = state === "CRITICAL" ? thresholds.critical : thresholds.warning;
    parts.push(
      `${inText(who)} ${decimal(credits)}${range && state !== "OK" ? ` ${why(range, credits)}` : ""}`,
    );
    perf.push(perfDatum(who, credits, thresholds));
  }
  const state = worst(STATES, states, "OK");
  const line = `STABILITY CREDITS ${state} - ${parts.join(", ")}${perf.length ? ` | ${perf.join(" ")}` : ""}`;
  return { line, state, err };
}

/** A failure before any reading (a usage error, the key file) as the plugin reports it: UNKNOWN. */
export const unknownLine = (message: string) =>
  `STABILITY CREDITS UNKNOWN - ${inText(message, 400)}`;
