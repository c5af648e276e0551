// Loaded by the client on its first failed attempt or redirect, so a client whose calls succeed
// carries none of this in its default import. It builds no error itself: the error classes stay in
// the entry, so `instanceof` holds however the chunks are bundled.
export { redactError, redactHeaders, redactor } from "./redact.js";
export { nextHop } from "./redirect.js";
import type { ApiErrorBody } from "./errors.js";
import { describeCause, parseRedacted } from "./redact.js";

/**
 * What an error response's body becomes: the API's error JSON (an object with string `name` and
 * `message`) with every string redacted, else its text with the key redacted, cut with a mark when
 * it was over `limit` bytes.
 */
export function errorBody(
  text: string,
  over: boolean,
  limit: number,
  redact: (text: string) => string,
  keyLength: number,
): ApiErrorBody | string {
  // A cut body also loses a tail long enough to hold any start of the key, even JSON-escaped.
  const mark = `[cut at ${limit} bytes]`;
  const body = over
    ? redact(text).slice(0, Math.max(0, limit - mark.length - 6 * keyLength)) + mark
    : redact(text);
  try {
    const json = parseRedacted(body, redact) as Partial<ApiErrorBody> | null;
    // A proxy's `{"message": …}` without `name` is not the API's, and stays text.
    // Stryker disable next-line OptionalChaining: a `null` body makes `json.message` throw inside this try, which also keeps the text
    if (typeof json?.message === "string" && typeof json.name === "string")
      return json as ApiErrorBody;
  } catch {
    // Not JSON (a proxy's HTML page, say): the text is the body.
  }
  return body;
}

/**
 * What an attempt that got no complete response says, redacted (the URL may come from a
 * Location): the step it failed at (the `status` redirect it was following, or the `status`
 * body it was reading), and either the time limit it ran out of or the host and the platform's
 * reason.
 * @example "connection to 127.0.0.1:9 failed while following the 307 redirect (ECONNREFUSED)"
 */
export function describeFailure(
  error: unknown,
  url: string,
  status: number,
  reading: boolean,
  timedOutAfterMs: number | false,
  redact: (text: string) => string,
): string {
  const during = reading
    ? ` while reading the ${status} response body`
    : status
      ? ` while following the ${status} redirect`
      : "";
  if (timedOutAfterMs !== false)
    return `no complete response within ${timedOutAfterMs} ms${during}`;
  return redact(
    `connection to ${new URL(url).host} failed${during} (${describeCause(error, redact)})`,
  );
}
