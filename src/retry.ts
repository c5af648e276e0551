import { StabilityApiError, StabilityConnectionError, type StabilityError } from "./errors.js";

/** The longest wait a server may ask for before the client gives up instead of sleeping. */
export const MAX_RETRY_AFTER_MS = 60_000;
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;
const RETRYABLE_STATUS = new Set([408, 409, 429]);
const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * Whether an attempt's failure is worth another attempt: connection trouble, timeouts, 408/409/429/5xx.
 * @example isRetryable(error) // true for a RateLimitError, false for an AuthenticationError
 */
export function isRetryable(error: StabilityError): boolean {
  // An abort is neither of these, so it is never retried.
  if (error instanceof StabilityConnectionError) return true;
  return (
    error instanceof StabilityApiError &&
    (RETRYABLE_STATUS.has(error.status) || error.status >= 500)
  );
}

/**
 * The wait the server asked for, in milliseconds: `retry-after-ms`, else `Retry-After` as seconds
 * or an HTTP date. `undefined` when absent or unreadable.
 * @example parseRetryAfter(new Headers({ "retry-after": "2" })) === 2000
 */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  // Header values arrive trimmed (the Fetch standard normalises them).
  // Stryker disable next-line StringLiteral: any non-decimal fallback reads as absent
  const ms = headers.get("retry-after-ms") ?? "";
  if (DECIMAL.test(ms)) return Number(ms);
  // Stryker disable next-line StringLiteral: a fallback without hh:mm:ss or digits reads as absent
  const value = headers.get("retry-after") ?? "";
  if (DECIMAL.test(value)) return Number(value) * 1000;
  // Date.parse alone reads "-5" or "abc 1" as dates long past, which would mean "retry at once";
  // all three HTTP-date forms (IMF-fixdate, RFC 850, asctime) carry hh:mm:ss.
  const date = /\d:\d\d:\d/.test(value) ? Date.parse(value) : NaN;
  return date >= 0 ? Math.max(0, date - now) : undefined;
}

/**
 * How long to wait before retry number `attempt + 1` (attempt counts from 0): the server's wish
 * when it gave one, else `min(0.5 s × 2^attempt, 8 s)` less up to 25 % jitter. `undefined` means
 * the server asked for more than {@link MAX_RETRY_AFTER_MS}: stop and report.
 * @example retryDelay(0) // 375–500 ms; retryDelay(1, 120_000) === undefined
 */
export function retryDelay(
  attempt: number,
  retryAfterMs?: number,
  random = Math.random(),
): number | undefined {
  if (retryAfterMs !== undefined)
    return retryAfterMs > MAX_RETRY_AFTER_MS ? undefined : retryAfterMs;
  return Math.min(BASE_DELAY_MS * 2 ** attempt, MAX_DELAY_MS) * (1 - 0.25 * random);
}
