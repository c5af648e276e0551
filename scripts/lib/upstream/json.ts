// JSON values as the pipeline handles them, and the small helpers every module of it shares.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Sets `key` as an own data property. Plain assignment of `__proto__` would replace the
 * prototype instead, and a schema property of that name would vanish.
 */
export function setOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** One JSON-pointer segment (RFC 6901), escaped / unescaped. */
export const escapePointer = (part: string) => part.replaceAll("~", "~0").replaceAll("/", "~1");
export const unescapePointer = (part: string) => part.replaceAll("~1", "/").replaceAll("~0", "~");

/** `#/a/b~1c` for the path `["a", "b/c"]`. */
export const pointerOf = (parts: readonly string[]) =>
  `#${parts.map((p) => `/${escapePointer(p)}`).join("")}`;

/** The node a local pointer (`#/components/schemas/X`) names in `doc`, or undefined. */
export function atPointer(doc: Json, ref: string): Json | undefined {
  if (ref === "#") return doc;
  if (!ref.startsWith("#/")) return undefined;
  let node: Json | undefined = doc;
  for (const part of ref.slice(2).split("/")) {
    const key = unescapePointer(safeDecode(part));
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isObject(node) && Object.hasOwn(node, key)) node = node[key];
    else return undefined;
  }
  return node;
}

// A `$ref` is a URI reference: `%25` in it means `%`. A malformed escape stays as written.
function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
