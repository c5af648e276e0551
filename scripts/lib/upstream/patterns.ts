// Checks every regular expression a schema holds (`pattern`, `patternProperties`) before it can
// become validator code: it must compile as Ajv compiles it (the `u` flag), and recheck must find
// no super-linear backtracking in it. A hostile pattern is refused at vendor time, with its place.
import { createRequire } from "node:module";
import { UpstreamError } from "./error.ts";
import { isObject, pointerOf, type Json } from "./json.ts";

// Schema keywords whose values are schemas, lists of schemas, or maps of schemas.
const ONE = [
  "items",
  "additionalProperties",
  "not",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
  "additionalItems",
  "unevaluatedItems",
  "unevaluatedProperties",
];
const LIST = ["allOf", "anyOf", "oneOf", "prefixItems", "items"];
const MAP = ["properties", "patternProperties", "dependentSchemas", "$defs", "definitions"];
// Values that are data, not document structure: a `schema` key inside them is not a schema.
const DATA = new Set(["example", "examples", "default", "enum", "const"]);

// Loaded on the first pattern (about 0.2 s): Stability's subsets hold none.
const recheck = () => createRequire(import.meta.url)("recheck") as typeof import("recheck");

/** Why `pattern` may not become validator code, or undefined when it may. */
export function patternProblem(pattern: unknown): string | undefined {
  if (typeof pattern !== "string") return "not a string";
  try {
    new RegExp(pattern, "u");
  } catch (error) {
    return `invalid regular expression (${(error as Error).message})`;
  }
  const verdict = recheck().checkSync(pattern, "u");
  if (verdict.status === "safe") return undefined;
  if (verdict.status === "vulnerable")
    return `catastrophic backtracking (${verdict.complexity.type} time, e.g. on ${JSON.stringify(verdict.attack.string.slice(0, 40))})`;
  return `not provably safe (${verdict.error.kind})`;
}

/** Refuses the first pattern in `doc`'s schemas that patternProblem() refuses. */
export function checkPatterns(doc: Json, source: string): void {
  for (const [pattern, at] of patternsIn(doc)) {
    const problem = patternProblem(pattern);
    if (problem !== undefined)
      throw new UpstreamError(`${source}: pattern at ${pointerOf(at)}: ${problem}`);
  }
}

/** Each `pattern` value, and each `patternProperties` key, with its path. */
function* patternsIn(
  node: Json,
  at: string[] = [],
  seen = new Set<object>(),
): Generator<[unknown, string[]]> {
  if (!isObject(node) && !Array.isArray(node)) return;
  if (seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const [i, child] of node.entries()) yield* patternsIn(child, [...at, String(i)], seen);
    return;
  }
  const inSchemas = at.length === 2 && at[0] === "components" && at[1] === "schemas";
  for (const [key, child] of Object.entries(node)) {
    if (DATA.has(key) || key.startsWith("x-")) continue;
    if (key === "schema" || inSchemas) yield* schemaPatterns(child, [...at, key], seen);
    else yield* patternsIn(child, [...at, key], seen);
  }
}

function* schemaPatterns(
  schema: Json,
  at: string[],
  seen: Set<object>,
): Generator<[unknown, string[]]> {
  if (!isObject(schema) || seen.has(schema)) return;
  seen.add(schema);
  if ("pattern" in schema) yield [schema.pattern, [...at, "pattern"]];
  if (isObject(schema.patternProperties))
    for (const key of Object.keys(schema.patternProperties))
      yield [key, [...at, "patternProperties", key]];
  for (const key of ONE) yield* schemaPatterns(schema[key] ?? null, [...at, key], seen);
  for (const key of LIST) {
    const list = schema[key];
    if (Array.isArray(list))
      for (const [i, child] of list.entries())
        yield* schemaPatterns(child, [...at, key, String(i)], seen);
  }
  for (const key of MAP) {
    const map = schema[key];
    if (isObject(map))
      for (const [name, child] of Object.entries(map))
        yield* schemaPatterns(child, [...at, key, name], seen);
  }
}
