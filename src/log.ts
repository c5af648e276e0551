// Loaded by the client only when there is something to log (giving up, a retry at `info`, or any
// attempt at `debug`), so a quiet client carries none of this in its default import.
// It imports only types, so bundlers keep it apart from the entry.
import type { StabilityError } from "./errors.js";
import type { ResolvedOptions } from "./resolve.js";

// Mirrors `levels` in options.ts by value; importing it would pull options.ts into this chunk.
const levels = { error: 1, warn: 2, info: 3, debug: 4 } as const;
type Level = keyof typeof levels;

export interface AttemptReport {
  method: string;
  path: string;
  /** Attempt number, from 0. */
  n: number;
  maxRetries: number;
  /** performance.now() when the attempt started (only measured at `debug`). */
  started: number;
  /** The response status on success. */
  status?: number | undefined;
  failure?: (StabilityError & { status?: number }) | undefined;
  retryable?: boolean | undefined;
  /** The wait before the next attempt; undefined when there is none. */
  delay?: number | undefined;
  /** The request headers as sent; `Authorization` is redacted before logging. */
  headers: Record<string, string>;
}

export function report({ logger, logLevel }: ResolvedOptions, r: AttemptReport): void {
  const log = (level: Level, message: string, ...details: unknown[]) => {
    if (logLevel >= levels[level]) logger[level](`stability: ${message}`, ...details);
  };
  const { failure, delay, n, maxRetries } = r;
  const outcome = failure
    ? [failure.status, failure.name].filter(Boolean).join(" ")
    : String(r.status);
  const retry = delay === undefined ? "" : `; retry in ${Math.round(delay)} ms`;
  const ms = (performance.now() - r.started).toFixed(1);
  log(
    "debug",
    `${r.method} ${r.path} → ${outcome} in ${ms} ms (attempt ${n + 1} of ${maxRetries + 1})${retry}`,
    {
      headers: { ...r.headers, Authorization: "[redacted]" },
    },
  );
  if (!failure || !r.retryable) return;
  if (delay !== undefined) {
    // At `info`, so a call that succeeds after retries prints nothing at the default `warn`.
    log("info", `${failure.message}; retry ${n + 1} of ${maxRetries} in ${Math.round(delay)} ms`);
  } else if (n < maxRetries) {
    // Retries left but no delay: the server asked for more than MAX_RETRY_AFTER_MS (60 s).
    log("error", `not retrying, the server asked to wait over 60000 ms: ${failure.message}`);
  } else if (n > 0) {
    log("error", `giving up after ${n + 1} attempts: ${failure.message}`);
  }
}
