// OpenAPI 3.0 schemas as JSON Schema 2020-12, for the MCP tools' input and output schemas
// (src/generated/<version>.operations.ts): what a strict validator (Ajv in strict mode, an MCP
// client) compiles. Local `$ref`s are inlined; OpenAPI-only keywords are translated or dropped by
// the table below; a keyword neither dialect knows stops generation, naming it.
import { Ajv2020 } from "ajv/dist/2020.js";
import { UpstreamError } from "./upstream/error.ts";

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

// A schema nested deeper than this is a `$ref` cycle (JSON Schema can say it; an inlined copy can't).
const MAX_DEPTH = 32;

/** Follows a local `$ref` (`#/components/...`) to its node; a dead end, or a cycle of refs, gives `undefined`. */
export function deref(node: unknown, doc: Node): Node | undefined {
  let current = node as Node | undefined;
  for (let hops = 0; typeof current?.$ref === "string"; hops++) {
    if (hops === 20 || !current.$ref.startsWith("#/")) return undefined;
    current = current.$ref
      .slice(2)
      .split("/")
      .reduce<unknown>(
        (at, key) =>
          at !== null && typeof at === "object" && Object.hasOwn(at, decode(key))
            ? (at as Node)[decode(key)]
            : undefined,
        doc,
      ) as Node | undefined;
  }
  return current !== null && typeof current === "object" ? current : undefined;
}
const decode = (key: string) => key.replaceAll("~1", "/").replaceAll("~0", "~");

/** `schema` (an OpenAPI 3.0 Schema Object from `doc`) as JSON Schema 2020-12; `where` names it in errors. */
export function toJsonSchema(schema: unknown, doc: Node, where: string, depth = 0): Node {
  if (depth > MAX_DEPTH)
    throw new UpstreamError(`${where}: schema nested over ${MAX_DEPTH} deep (a $ref cycle?)`);
  if (typeof schema === "boolean") return schema ? {} : { not: {} };
  const node = deref(schema, doc);
  if (node === undefined) throw new UpstreamError(`${where}: not a schema, or a $ref to nothing`);
  const sub = (value: unknown, at: string) => toJsonSchema(value, doc, `${where}/${at}`, depth + 1);
  let out: Node = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("x-")) continue;
    if (Object.hasOwn(OPENAPI, key)) out = { ...out, ...OPENAPI[key]!(value, node) };
    else if (SCHEMA.includes(key)) out[key] = typeof value === "boolean" ? value : sub(value, key);
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

/**
 * Throws unless `schema` compiles under Ajv's strict mode as JSON Schema 2020-12: what an MCP
 * client may use, so generation fails before a client would.
 */
export function checkStrict(schema: Node, where: string): void {
  try {
    new Ajv2020({ strict: true }).compile(schema);
  } catch (error) {
    throw new UpstreamError(
      `${where}: not valid JSON Schema 2020-12 in Ajv's strict mode (${(error as Error).message})`,
    );
  }
}
