// What HTTP can carry in a header, and how two sets of headers merge. A check that fails throws
// StabilityInputError naming the field, and never echoes a value (it may be the key).
import { StabilityInputError } from "./errors.js";

// RFC 9110: a field name is a token; a value is visible ASCII, space or Latin-1 (obs-text), and
// here never a control character (C0, DEL or C1), although undici would send some of those.
// `__proto__` is a token, but fetch reads a headers object as a record and drops that key.
const TOKEN = /^(?!__proto__$)[!#$%&'*+.^_`|~\w-]+$/;
const VALUE = /^[\x20-\x7e\xa0-\xff]*$/;

/** Whether a URL's hostname is this machine, where plain http:// never crosses a network. */
export const isLoopback = (hostname: string) => /^(localhost|127\.[\d.]+|\[::1\])$/i.test(hostname);

/** Returns `value` when HTTP can carry it in a header; otherwise throws naming `field`. */
export function checkValue(value: string, field: string): string {
  if (typeof value !== "string" || !VALUE.test(value))
    throw new StabilityInputError(
      field,
      "contains a character HTTP cannot carry (a control character or one beyond Latin-1)",
    );
  return value;
}

/** Returns `headers` when every name is a token and every value can be carried. */
export function checkHeaders(headers: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name))
      throw new StabilityInputError(
        "headers",
        `has a name fetch cannot send: ${JSON.stringify(name)}`,
      );
    checkValue(value, `headers.${name}`);
  }
  return headers;
}

/**
 * `base` with `extra` laid over it. Names are compared without case, so each header is sent once
 * with the later value; `Authorization` in `extra` is ignored, so the client's own always stays,
 * and so is a header whose value is `undefined` (an optional header not given).
 */
export function mergeHeaders(
  base: Record<string, string>,
  extra: { [name: string]: string | undefined },
): Record<string, string> {
  const merged = { ...base };
  for (const [name, value] of Object.entries(extra)) {
    const lower = name.toLowerCase();
    if (lower === "authorization" || value === undefined) continue;
    for (const key in merged) if (key.toLowerCase() === lower) delete merged[key];
    merged[name] = value;
  }
  return merged;
}
