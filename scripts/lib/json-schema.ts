// OpenAPI 3.0 schemas as JSON Schema 2020-12, for the MCP tools' input and output schemas
// (src/generated/<version>.operations.ts): what a strict validator (Ajv in strict mode, an MCP
// client) compiles. Local `$ref`s are inlined; OpenAPI-only keywords are translated or dropped by
// the table below; a keyword neither dialect knows stops generation, naming it.
import { Ajv2020 } from "ajv/dist/2020.js";
import { UpstreamError } from "./upstream/error.ts";
import { atPointer, parsePointer, pointerOf, setOwn, type Json } from "./upstream/json.ts";

type Node = Record<string, unknown>;

/** What each keyword holds: a schema, schemas by name or in a list, or a value kept as it is. */
const SCHEMA = ["items", "not", "additionalProperties", "propertyNames", "contains"];
const SCHEMA_MAPS = ["properties", "patternProperties"];
const SCHEMA_LISTS = ["allOf", "anyOf", "oneOf"];
const VALUES = [
  "type",
  "enum",
  "const",
  "multipleOf",
  "maxLength",
  "minLength",
  "pattern",
  "maxItems",
  "minItems",
  "uniqueItems",
  "maxProperties",
  "minProperties",
  "required",
  "title",
  "description",
  "default",
  "deprecated",
  "readOnly",
  "writeOnly",
  "examples",
];

/**
 * OpenAPI's own keywords, and what each becomes. `format` is dropped because the response
 * validator does not check it (scripts/lib/generate.ts, `validateFormats: false`): an output schema
 * that kept it would promise a client what the server never checked.
 */
const OPENAPI: Record<string, (value: unknown, schema: Node) => Node> = {
  example: (value) => ({ examples: [value] }),
  // `exclusiveMinimum: true` makes `minimum` exclusive; in 2020-12 the bound is the keyword's value.
  minimum: (value, schema) =>
    schema.exclusiveMinimum === true ? { exclusiveMinimum: value } : { minimum: value },
  maximum: (value, schema) =>
    schema.exclusiveMaximum === true ? { exclusiveMaximum: value } : { maximum: value },
  exclusiveMinimum: () => ({}),
  exclusiveMaximum: () => ({}),
  // Applied last, around the translated schema (see toJsonSchema).
  nullable: () => ({}),
  format: () => ({}),
  discriminator: () => ({}),
  xml: () => ({}),
  externalDocs: () => ({}),
};

// A chain of refs longer than this is refused (as a cycle of refs without a schema would loop).
const MAX_HOPS = 20;
// A schema nested deeper than this, through refs that do not repeat, is refused.
const MAX_DEPTH = 32;

/** Follows local `$ref`s (`#/components/...`, RFC 6901 and URI-escaped) to a node; a dead end, or a cycle of refs, gives `undefined`. */
export function deref(node: unknown, doc: Node): Node | undefined {
  let current = node as Node | undefined;
  for (let hops = 0; typeof current?.$ref === "string"; hops++) {
    if (hops === MAX_HOPS) return undefined;
    current = atPointer(doc as Json, current.$ref) as Node | undefined;
  }
  return current !== null && typeof current === "object" ? current : undefined;
}

/**
 * `schema` (an OpenAPI 3.0 Schema Object from `doc`) as JSON Schema 2020-12, its local `$ref`s
 * inlined; `where` names it in errors. A schema that refers to itself (through its properties, say)
 * is inlined once; the inner reference points into `$defs`, where it is kept whole.
 */
export function toJsonSchema(schema: unknown, doc: Node, where: string): Node {
  const translation = new Translation(doc);
  const out = translation.schema(schema, where, 0);
  return Object.keys(translation.defs).length === 0 ? out : { ...out, $defs: translation.defs };
}

/** One schema's translation: the refs being inlined on the way down, and those kept in `$defs`. */
class Translation {
  readonly defs: Node = {};
  private readonly names = new Map<string, string>();
  private readonly inlining = new Set<string>();

  constructor(private readonly doc: Node) {}

  schema(schema: unknown, where: string, depth: number): Node {
    if (depth > MAX_DEPTH)
      throw new UpstreamError(`${where}: schema nested over ${MAX_DEPTH} deep`);
    if (typeof schema === "boolean") return schema ? {} : { not: {} };
    const ref = (schema as Node | null)?.$ref;
    if (typeof ref !== "string") return this.body(schema, where, depth);
    if (this.inlining.has(ref)) return this.kept(ref, schema, where, depth);
    this.inlining.add(ref);
    try {
      return this.body(schema, where, depth);
    } finally {
      this.inlining.delete(ref);
    }
  }

  /** A reference to `ref`'s schema in `$defs`, which holds it from its first use. */
  private kept(ref: string, schema: unknown, where: string, depth: number): Node {
    let name = this.names.get(ref);
    if (name === undefined) {
      const last = parsePointer(ref)?.at(-1) ?? "schema";
      name = Object.hasOwn(this.defs, last) ? `${last}${this.names.size}` : last;
      this.names.set(ref, name);
      setOwn(this.defs, name, {});
      setOwn(this.defs, name, this.body(schema, where, depth));
    }
    return { $ref: pointerOf(["$defs", name]) };
  }

  /** The schema `schema` is or refers to, each keyword translated by the tables above. */
  private body(schema: unknown, where: string, depth: number): Node {
    const node = deref(schema, this.doc);
    if (node === undefined) throw new UpstreamError(`${where}: not a schema, or a $ref to nothing`);
    const sub = (value: unknown, at: string) => this.schema(value, `${where}/${at}`, depth + 1);
    let out: Node = {};
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith("x-")) continue;
      if (Object.hasOwn(OPENAPI, key)) out = { ...out, ...OPENAPI[key]!(value, node) };
      else if (SCHEMA.includes(key))
        out[key] = typeof value === "boolean" ? value : sub(value, key);
      else if (SCHEMA_MAPS.includes(key))
        out[key] = Object.fromEntries(
          Object.entries(value as Node).map(([name, s]) => [name, sub(s, `${key}/${name}`)]),
        );
      else if (SCHEMA_LISTS.includes(key))
        out[key] = (value as unknown[]).map((s, i) => sub(s, `${key}/${i}`));
      else if (VALUES.includes(key)) out[key] = value;
      else
        throw new UpstreamError(
          `${where}: unknown schema keyword "${key}" (neither JSON Schema nor OpenAPI 3.0)`,
        );
    }
    // OpenAPI's `nullable: true` adds null to the values; a union `type` would need Ajv's allowUnionTypes.
    return node.nullable === true ? { anyOf: [out, { type: "null" }] } : out;
  }
}

// One validator for every check: a new Ajv compiles its meta-schemas first (tens of milliseconds).
let strictAjv: Ajv2020 | undefined;

/**
 * Throws unless `schema` compiles under Ajv's strict mode as JSON Schema 2020-12: what an MCP
 * client may use, so generation fails before a client would.
 */
export function checkStrict(schema: Node, where: string): void {
  try {
    strictAjv ??= new Ajv2020({ strict: true });
    strictAjv.compile(schema);
  } catch (error) {
    throw new UpstreamError(
      `${where}: not valid JSON Schema 2020-12 in Ajv's strict mode (${(error as Error).message})`,
    );
  } finally {
    // Compiled and forgotten: the next schema must not find this one's ids registered.
    strictAjv?.removeSchema();
  }
}
