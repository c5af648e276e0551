// What src/ needs of the spec at run time and cannot get from types: each operation's summary,
// description and parameters (location, required, description, schema), as `npm run generate`
// writes them to src/generated/<version>.operations.ts. The CLI reads which parameters are
// required from it, and the MCP server its tools' descriptions and input schemas.
import { operationsOf, type ApiVersion } from "../../src/operations.ts";

type Node = Record<string, unknown>;

/** Follows local `$ref`s (`#/components/...`) until it reaches a node; a cycle or dead end gives `undefined`. */
function deref(node: unknown, doc: Node): Node | undefined {
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

/** A schema with its local `$ref`s inlined, to a bounded depth (a parameter's schema is small). */
function inline(schema: unknown, doc: Node, depth = 0): unknown {
  if (depth > 8) return {};
  if (Array.isArray(schema)) return schema.map((item) => inline(item, doc, depth + 1));
  if (schema === null || typeof schema !== "object") return schema;
  const node = deref(schema, doc) ?? {};
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, inline(value, doc, depth + 1)]),
  );
}

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/** One operation's run-time facts, as the vendored spec states them. */
function describe(doc: Node, path: string, method: string) {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Node | undefined>>;
  const operation = paths[path]?.[method] ?? {};
  const declared = [
    ...((paths[path]?.parameters as unknown[] | undefined) ?? []),
    ...((operation.parameters as unknown[] | undefined) ?? []),
  ];
  const parameters = declared
    .map((parameter) => deref(parameter, doc))
    .filter((parameter) => parameter !== undefined)
    .map((parameter) => ({
      name: String(parameter.name),
      in: String(parameter.in),
      required: parameter.required === true,
      description: text(parameter.description) ?? null,
      schema: inline(parameter.schema ?? {}, doc),
    }));
  return {
    operationId: text(operation.operationId) ?? null,
    summary: text(operation.summary) ?? null,
    description: text(operation.description) ?? null,
    deprecated: operation.deprecated === true,
    parameters,
  };
}

/** The generated module's body: `operations`, by operation name. */
export function metadataModule(version: ApiVersion, doc: Node): string {
  const operations = Object.fromEntries(
    operationsOf(version).map(({ name, method, path }) => [
      name,
      { method, path, ...describe(doc, path, method.toLowerCase()) },
    ]),
  );
  return (
    "/** Each operation's summary, description and parameters, as the vendored spec states them. */\n" +
    `export const operations = ${JSON.stringify(operations, null, 2)} as const;\n`
  );
}
