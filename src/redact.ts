// Keeps the API key out of whatever a server or a custom fetch hands back: text (raw, JSON-escaped
// or percent-encoded), parsed JSON, headers and error chains. The key is searched for (KMP), never
// compiled into a regular expression, so a key of any length costs time linear in text and key.

const REDACTED = "[redacted]";
// From this length a key cannot turn up by chance, so it is redacted wherever it stands; a shorter
// key counts only as a token, not beside a character a key may hold (letters, digits, `-`, `_`).
const ANYWHERE_FROM = 16;
const KEY_CHARACTER = /[\w-]/;
// A short key may still follow an escape, such as JSON's `\n` or `\u0022`, or a URL's `%20`.
const ESCAPE_BEFORE = /(\\[bfnrt]|\\u[\da-f]{4}|%[\da-f]{2})$/i;
// How JSON (`\u0073`, `\/`, `\"`, `\\`) or a URL (`%73`) may carry one character, hex in either case.
const ESCAPE = /\\u([\da-f]{4})|\\([\\/"])|%([\da-f]{2})/iy;
// The deepest `cause` copied: a chain may be a cycle.
const MAX_CAUSE_DEPTH = 10;

// ASCII letters compare without case: a URL's host (where a redirect may echo the key) is lowercased.
const fold = (code: number) => (code >= 65 && code <= 90 ? code + 32 : code);

/** The character at `at`, decoding one escape when `decode`: its code and how many characters it spans. */
function unitAt(text: string, at: number, decode: boolean): [code: number, length: number] {
  const code = text.charCodeAt(at);
  if (decode && (code === 92 || code === 37)) {
    ESCAPE.lastIndex = at;
    const escape = ESCAPE.exec(text);
    if (escape) {
      const [all, hex4, literal, hex2] = escape;
      return [literal ? literal.charCodeAt(0) : parseInt(hex4 ?? hex2!, 16), all.length];
    }
  }
  return [code, 1];
}

/** Whether a match from `start` to `end` stands as a token (for a key shorter than ANYWHERE_FROM). */
const isToken = (text: string, start: number, end: number) =>
  (start === 0 ||
    !KEY_CHARACTER.test(text[start - 1]!) ||
    ESCAPE_BEFORE.test(text.slice(Math.max(0, start - 6), start))) &&
  !KEY_CHARACTER.test(text[end] ?? "");

/**
 * A function that replaces `secret` in a text with `[redacted]` (or `mark`): as itself, and as JSON
 * or a URL may carry each of its characters (`\u0073` or `%73` with hex in either case, `\/`, `\"`,
 * `\\`), ASCII letters in either case.
 */
export function redactor(secret: string): (text: string, mark?: string) => string {
  const key = [...secret].map((c) => fold(c.charCodeAt(0)));
  // KMP: back[q] is the length of the longest proper prefix of key[0..q] that is also its suffix.
  const back: number[] = [0];
  for (let q = 1, k = 0; q < key.length; q++) {
    while (k > 0 && key[q] !== key[k]) k = back[k - 1]!;
    if (key[q] === key[k]) k++;
    back[q] = k;
  }
  const token = key.length < ANYWHERE_FROM;
  const scan = (text: string, mark: string, decode: boolean) => {
    const m = key.length;
    // Stryker disable next-line ArrayDeclaration: starts[0] is written by the first step, before any read
    const starts: number[] = [];
    let out = "";
    let copied = 0;
    for (let at = 0, q = 0, n = 0; at < text.length;) {
      const [code, length] = unitAt(text, at, decode);
      const c = fold(code);
      while (q > 0 && key[q] !== c) q = back[q - 1]!;
      if (key[q] === c) q++;
      // Stryker disable next-line UpdateOperator: counting down walks the same ring of m slots (0, -1, …), and (n - m) % m still reads the oldest
      starts[n++ % m] = at;
      at += length;
      if (q < m) continue;
      const start = starts[(n - m) % m]!;
      if (token && !isToken(text, start, at)) {
        q = back[q - 1]!;
        continue;
      }
      out += text.slice(copied, start) + mark;
      copied = at;
      q = 0;
    }
    return out + text.slice(copied);
  };
  // Raw first (a key that holds `%41` or `\/` itself), then with escapes decoded.
  return (text, mark = REDACTED) =>
    key.length ? scan(scan(String(text), mark, false), mark, true) : String(text);
}

/** JSON text parsed, with `redact` applied to every string in it (after decoding its escapes). */
export const parseRedacted = (text: string, redact: (text: string) => string): unknown =>
  JSON.parse(text, (_key, value: unknown) => (typeof value === "string" ? redact(value) : value));

/** Headers that `util.inspect` and `JSON.stringify` show as a plain object of name → value. */
class ShownHeaders extends Headers {
  toJSON(): Record<string, string> {
    return Object.fromEntries(this);
  }
  [Symbol.for("nodejs.util.inspect.custom")](): Record<string, string> {
    return this.toJSON();
  }
}

/**
 * Headers with `redact` applied to every name and value. A name stays a token: the key in it
 * becomes `redacted`, without brackets.
 */
export const redactHeaders = (
  headers: Headers,
  redact: (text: string, mark?: string) => string,
): Headers =>
  new ShownHeaders(
    [...headers].map(([name, value]): [string, string] => [
      redact(name, "redacted"),
      redact(value),
    ]),
  );

/**
 * A copy of an error chain that carries only name, message, stack, string, number and boolean
 * properties (such as `code`) and `cause`, each string redacted: a custom fetch may put the key
 * anywhere in what it throws. Anything else (a `config` object, a getter that throws) is left out.
 */
export function redactError(error: unknown, redact: (text: string) => string, depth = 0): unknown {
  if (typeof error === "string") return redact(error);
  if (!(error instanceof Error) || depth >= MAX_CAUSE_DEPTH) return undefined;
  const text = (name: string) => {
    const value = read(error, name);
    return typeof value === "string" ? redact(value) : "";
  };
  const cause = redactError(read(error, "cause"), redact, depth + 1);
  const copy = new Error(text("message"), { cause });
  for (const name of Object.keys(error)) {
    const value = read(error, name);
    if (typeof value === "number" || typeof value === "boolean")
      Object.assign(copy, { [name]: value });
    else if (typeof value === "string") Object.assign(copy, { [name]: redact(value) });
  }
  copy.name = text("name") || "Error";
  copy.stack = text("stack");
  return copy;
}

/**
 * The platform's reason for a failed fetch, such as ECONNREFUSED or UND_ERR_SOCKET (its `cause`'s
 * `code`, else its message), redacted; never a throw, whatever was thrown.
 */
export function describeCause(error: unknown, redact: (text: string) => string): string {
  const code = read(read(error, "cause"), "code");
  const message = read(error, "message");
  const reason = [code, message, error].find((v) => typeof v === "string" || typeof v === "number");
  return redact(String(reason ?? "unknown error"));
}

/** A property of `from`, or `undefined` when reading it throws (a hostile getter). */
function read(from: unknown, name: string): unknown {
  try {
    return (Object(from) as Record<string, unknown>)[name];
  } catch {
    return undefined;
  }
}
