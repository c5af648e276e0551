// Loaded by the client on its first failed attempt or redirect, so a client whose calls succeed
// carries none of this in its default import. It builds no error itself: the error classes stay in
// the entry, so `instanceof` holds however the chunks are bundled.
export { describeCause, redactError, redactHeaders, redactor } from "./redact.js";
export { nextHop } from "./redirect.js";
import { parseRedacted } from "./redact.js";

/**
 * What an error response's body becomes: its text with the key redacted, cut with a mark when it
 * was over `limit` bytes, and its JSON (when it is JSON) with every string redacted.
 */
export function errorBody(
  text: string,
  over: boolean,
  limit: number,
  redact: (text: string) => string,
  keyLength: number,
): { text: string; json?: unknown } {
  // A cut body also loses a tail long enough to hold any start of the key, even JSON-escaped.
  const mark = `[cut at ${limit} bytes]`;
  const body = over
    ? redact(text).slice(0, Math.max(0, limit - mark.length - 6 * keyLength)) + mark
    : redact(text);
  try {
    return { text: body, json: parseRedacted(body, redact) };
  } catch {
    // Not JSON (a proxy's HTML page, say): the text is the body.
    return { text: body };
  }
}
