// What src/ needs of the spec at run time and cannot get from types: each operation's summary,
// description, parameters (location, required, description, schema) and success body schema, as
// `npm run generate` writes them to src/generated/<version>.operations.ts. The CLI reads which
// parameters are required from it, and the MCP server its tools' descriptions, input and output
// schemas; the schemas are JSON Schema 2020-12 (scripts/lib/json-schema.ts), checked by strict Ajv.
import { operationsOf, type ApiVersion } from "../../src/operations.ts";
import { checkStrict, deref, toJsonSchema } from "./json-schema.ts";

type Node = Record<string, unknown>;

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/** One operation's run-time facts, as the vendored spec states them. */
function describe(doc: Node, path: string, method: string) {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Node | undefined>>;
  const operation = paths[path]?.[method] ?? {};
  const declared = [
    ...((paths[path]?.parameters as unknown[] | undefined) ?? []),
    ...((operation.parameters as unknown[] | undefined) ?? []),
  ];
  const where = `paths/${path}/${method}`;
  const parameters = declared
    .map((parameter) => deref(parameter, doc))
    .filter((parameter) => parameter !== undefined)
    .map((parameter) => ({
      name: String(parameter.name),
      in: String(parameter.in),
      required: parameter.required === true,
      description: text(parameter.description) ?? null,
      schema: strict(parameter.schema ?? {}, doc, `${where} parameter ${String(parameter.name)}`),
    }));
  return {
    operationId: text(operation.operationId) ?? null,
    summary: text(operation.summary) ?? null,
    description: text(operation.description) ?? null,
    deprecated: operation.deprecated === true,
    parameters,
    output: successBody(operation, doc, where),
  };
}

/** A schema as strict JSON Schema 2020-12, or an UpstreamError naming `where`. */
function strict(schema: unknown, doc: Node, where: string): Node {
  const translated = toJsonSchema(schema, doc, where);
  checkStrict(translated, where);
  return translated;
}

/** The schema of the operation's first 2xx JSON body (the one `validateResponses` checks), or null. */
function successBody(operation: Node, doc: Node, where: string): Node | null {
  const responses = (operation.responses ?? {}) as Record<string, unknown>;
  const [status, response] = Object.entries(responses).find(([s]) => s.startsWith("2")) ?? [];
  const content = deref(response, doc)?.content as Record<string, Node> | undefined;
  const schema = content?.["application/json"]?.schema;
  return schema === undefined ? null : strict(schema, doc, `${where} ${status} body`);
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
    "/** Each operation's summary, description, parameters and success body, as the vendored spec states them. */\n" +
    `export const operations = ${JSON.stringify(operations, null, 2)} as const;\n`
  );
}
