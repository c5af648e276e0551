// Loaded by the client only when there is something to log (a retry, giving up, or any attempt at
// `debug`), so a quiet client carries none of this in its default import.
// It imports only types, so bundlers keep it apart from the entry.
import type { StabilityError } from "./errors.js";
import type { LogLevel, ResolvedOptions } from "./options.js";

const LEVELS = ["off", "error", "warn", "info", "debug"] as const;

export interface AttemptReport {
  path: string;
  /** Attempt number, from 0. */
  n: number;
  maxRetries: number;
  /** performance.now() when the attempt started (only measured at `debug`). */
  started: number;
  /** The response status on success. */
  status?: number;
  failure?: StabilityError & { status?: number };
  retryable?: boolean;
  /** The wait before the next attempt; undefined when there is none. */
  delay?: number;
  organization?: string;
}

export function report({ logger, logLevel, headers }: ResolvedOptions, r: AttemptReport): void {
  const log = (level: number, message: string, ...details: unknown[]) => {
    if (logLevel >= level)
      logger[LEVELS[level] as Exclude<LogLevel, "off">](`stability: ${message}`, ...details);
  };
  const { failure, delay, n, maxRetries } = r;
  const outcome = failure
    ? [failure.status, failure.name].filter(Boolean).join(" ")
    : String(r.status);
  const retry = delay === undefined ? "" : `; retry in ${Math.round(delay)} ms`;
  const ms = (performance.now() - r.started).toFixed(1);
  log(4, `GET ${r.path} → ${outcome} in ${ms} ms (attempt ${n + 1} of ${maxRetries + 1})${retry}`, {
    headers: {
      Accept: "application/json",
      ...headers,
      Authorization: "[redacted]",
      ...(r.organization === undefined ? {} : { Organization: r.organization }),
    },
  });
  if (!failure || !r.retryable) return;
  if (delay !== undefined) {
    log(2, `${failure.message}; retry ${n + 1} of ${maxRetries} in ${Math.round(delay)} ms`);
  } else if (n < maxRetries) {
    // Retries left but no delay: the server asked for more than MAX_RETRY_AFTER_MS (60 s).
    log(1, `not retrying, the server asked to wait over 60000 ms: ${failure.message}`);
  } else if (n > 0) {
    log(1, `giving up after ${n + 1} attempts: ${failure.message}`);
  }
}
