// The exit codes, as data: --help is written from these rows, docs/cli.md's table is tested against them, and every
// failure is sorted into one kind by `kindOf`.
import {
  PermissionDeniedError,
  AuthenticationError,
  StabilityAbortError,
  StabilityError,
  StabilityInputError,
  isRetryable,
} from "../index.js";

/** What became of one call (or of the whole run, for usage), from best to worst. */
export const OUTCOMES = {
  ok: { code: 0, meaning: "success (and every balance is at least --min-credits)" },
  low: { code: 3, meaning: "a balance is below --min-credits (the balance is still printed)" },
  temporary: {
    code: 5,
    meaning:
      "temporary: no connection, a timeout, --deadline-ms, a key file that does not answer, 429 or 5xx; try later",
  },
  refused: { code: 4, meaning: "the key or the organization was refused (401 or 403)" },
  failed: {
    code: 1,
    meaning: "any other API error, a body off the schema, or --output not written",
  },
  usage: { code: 2, meaning: "usage: a bad flag or value, no key, a key file others can read" },
} as const;
export type Outcome = keyof typeof OUTCOMES;

/** `check`'s states, by the Monitoring Plugins guidelines, from best to worst (as they rank them). */
export const STATES = {
  OK: { code: 0, meaning: "no balance alerts" },
  UNKNOWN: {
    code: 3,
    meaning:
      "no figure (a refused key, the network, a bad body, a usage error), or --output not written",
  },
  WARNING: { code: 1, meaning: "a balance alerts by --warning" },
  CRITICAL: { code: 2, meaning: "a balance alerts by --critical" },
} as const;
export type State = keyof typeof STATES;

/** The worst of some outcomes or states, by their order in the table. */
export function worst<K extends string>(table: Record<K, unknown>, found: K[], best: K): K {
  const order = Object.keys(table) as K[];
  return found.reduce((a, b) => (order.indexOf(b) > order.indexOf(a) ? b : a), best);
}

/** Why a call failed: the API's refusal of the key or organization, something worth retrying later, or else. */
export function kindOf(error: unknown): Exclude<Outcome, "ok" | "low"> {
  if (error instanceof StabilityInputError) return "usage";
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError)
    return "refused";
  // The run's own deadline ends a call through its signal (see run.ts).
  if (error instanceof StabilityAbortError) return "temporary";
  if (error instanceof StabilityError && isRetryable(error)) return "temporary";
  return "failed";
}
