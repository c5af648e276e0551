// Keeps the API key out of whatever a server or a custom fetch hands back: text (raw or
// JSON-escaped), parsed JSON, headers and error chains.

const REDACTED = "[redacted]";
// A short key counts only as a token: not beside a character a key may hold (letters, digits,
// `-`, `_`), though it may follow a JSON escape such as `\n` or `\u0022`.
const BEFORE = "(?<=^|[^\\w-]|\\\\[bfnrt]|\\\\u[\\da-fA-F]{4})";
const AFTER = "(?![\\w-])";
// From this length a key cannot turn up by chance, so it is redacted wherever it stands.
const ANYWHERE_FROM = 16;

/**
 * A function that replaces `secret` in a text with `[redacted]`: as itself, and as JSON may carry
 * each of its characters (`\u0073` in either case, `\/`, `\"`, `\\`).
 */
export function redactor(secret: string): (text: string) => string {
  const pattern = [...secret]
    .map((c) => {
      const literal = c.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
      const hex = c
        .charCodeAt(0)
        .toString(16)
        .padStart(4, "0")
        .replace(/[a-f]/g, (h) => `[${h}${h.toUpperCase()}]`);
      return `(?:${literal}|\\\\u${hex}${/[\\/"]/.test(c) ? `|\\\\${literal}` : ""})`;
    })
    .join("");
  const re = new RegExp(secret.length < ANYWHERE_FROM ? BEFORE + pattern + AFTER : pattern, "g");
  return (text) => text.replace(re, REDACTED);
}

/** JSON text parsed, with `redact` applied to every string in it (after decoding its escapes). */
export const parseRedacted = (text: string, redact: (text: string) => string): unknown =>
  JSON.parse(text, (_key, value: unknown) => (typeof value === "string" ? redact(value) : value));

/** Headers with `redact` applied to every value. */
export const redactHeaders = (headers: Headers, redact: (text: string) => string): Headers =>
  new Headers([...headers].map(([name, value]): [string, string] => [name, redact(value)]));

/**
 * A copy of an error chain that carries only name, message, stack, `code`-like primitives and
 * `cause`, each string redacted: a custom fetch may put the key anywhere in what it throws.
 */
export function redactError(error: unknown, redact: (text: string) => string, depth = 0): unknown {
  if (typeof error === "string") return redact(error);
  if (!(error instanceof Error) || depth > 8) return undefined;
  const copy = new Error(redact(error.message), {
    cause: redactError(error.cause, redact, depth + 1),
  });
  for (const [name, value] of Object.entries(error))
    if (value === null || typeof value !== "object")
      (copy as unknown as Record<string, unknown>)[name] =
        typeof value === "string" ? redact(value) : value;
  copy.name = redact(error.name);
  copy.stack = redact(error.stack ?? "");
  return copy;
}
