// `stability-user check`: a monitoring plugin by the Monitoring Plugins Development Guidelines.
// One status line, `STABILITY CREDITS WARNING - org-a 42.5 (< 100)`, then its performance data
// after a `|`, with each threshold written as a range: `100:` alerts below 100.
import { CHECKED, FORMATTERS } from "./commands.js";
import { STATES, worst, type State } from "./exit.js";
import type { Result } from "./run.js";
import { clean } from "./text.js";

export interface Thresholds {
  warning: number | undefined;
  critical: number | undefined;
}

/** The state of one reading. */
export function stateOf(credits: number, { warning, critical }: Thresholds): State {
  if (critical !== undefined && credits < critical) return "CRITICAL";
  if (warning !== undefined && credits < warning) return "WARNING";
  return "OK";
}

// A `|` would start the performance data; in a label, `=` ends it and a quote is doubled.
const inText = (s: string, max = 120) => clean(s, max).replace(/\|/g, "/");
const label = (s: string) => `'${clean(s, 60).replace(/=/g, "_").replace(/'/g, "''")}'`;
const range = (n: number | undefined) => (n === undefined ? "" : `${n}:`);

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
    const limit = state === "CRITICAL" ? thresholds.critical : thresholds.warning;
    parts.push(`${inText(who)} ${credits}${state === "OK" ? "" : ` (< ${limit})`}`);
    perf.push(
      `${label(who)}=${credits};${range(thresholds.warning)};${range(thresholds.critical)}`,
    );
  }
  const state = worst(STATES, states, "OK");
  const line = `STABILITY CREDITS ${state} - ${parts.join(", ")}${perf.length ? ` | ${perf.join(" ")}` : ""}`;
  return { line, state, err };
}

/** A usage error as the plugin reports it: UNKNOWN. */
export const unknownLine = (message: string) =>
  `STABILITY CREDITS UNKNOWN - ${inText(message, 400)}`;
