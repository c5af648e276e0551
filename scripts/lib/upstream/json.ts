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

/** The keys of a local pointer (`#/components/schemas/X`), decoded; undefined when not local. */
export function parsePointer(ref: string): string[] | undefined {
  if (ref === "#") return [];
  if (!ref.startsWith("#/")) return undefined;
  return ref
    .slice(2)
    .split("/")
    .map((part) => unescapePointer(safeDecode(part)));
}

/** The node a local pointer names in `doc` (own keys only), or undefined. */
export function atPointer(doc: Json, ref: string): Json | undefined {
  const parts = parsePointer(ref);
  if (parts === undefined) return undefined;
  let node: Json | undefined = doc;
  for (const key of parts) {
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
