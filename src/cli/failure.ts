// A failed call as one line, and as the JSON object --format json writes: what the library said
// (with the request id support asks for), what the server asked for, and how many attempts were made.
import {
  MAX_RETRY_AFTER_MS,
  StabilityAbortError,
  StabilityApiError,
  StabilityResponseError,
} from "../index.js";
import { kindOf } from "./exit.js";
import { clean } from "./text.js";

/** What a call's fetches saw. */
export interface Seen {
  attempts: number;
  /** The wait the last answer asked for (`Retry-After`), in milliseconds. */
  retryAfterMs?: number | undefined;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
const attempts = (n: number) => `gave up after ${n} attempt${n === 1 ? "" : "s"}`;

/** The one line a failed call is reported by: never a stack, never anything the server could forge. */
export function failureLine(
  error: unknown,
  seen: Seen,
  deadlineMs: number | undefined,
  deadline: AbortSignal | undefined,
): string {
  const parts: string[] = [];
  if (error instanceof StabilityAbortError && deadline?.aborted)
    parts.push(`no complete answer within --deadline-ms ${deadlineMs}`);
  // An API error's message ends with its request id, when the server sent one.
  else parts.push(clean(error instanceof Error ? error.message : String(error), 500));
  if (seen.retryAfterMs !== undefined) {
    const over = seen.retryAfterMs > MAX_RETRY_AFTER_MS;
    parts.push(
      `the server asked to wait ${seconds(seen.retryAfterMs)}${over ? `, longer than the ${seconds(MAX_RETRY_AFTER_MS)} the CLI waits, so it did not wait` : ""}`,
    );
  }
  if (kindOf(error) === "temporary" || seen.attempts > 1) parts.push(attempts(seen.attempts));
  return parts.join("; ");
}

/** The id Stability's support asks for, when the server sent one, as one short printable line. */
const requestIdOf = (error: unknown): string | null =>
  error instanceof StabilityApiError && error.requestId ? clean(error.requestId, 100) : null;

/** `{ "error": { type, status, message, requestId } }` for --format json. */
export function failureJson(error: unknown, line: string) {
  const status =
    error instanceof StabilityApiError || error instanceof StabilityResponseError
      ? error.status
      : null;
  const type = error instanceof Error ? error.name : "Error";
  return { error: { type, status, message: line, requestId: requestIdOf(error) } };
}
