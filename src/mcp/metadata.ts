// What the MCP tools read of the spec: each operation's summary, description and parameters, and
// the call option each parameter is passed as. Until src/generated/<version>.operations.ts and the
// `params` of src/operations.ts exist, this reads the vendored documents, which esbuild inlines
// when it bundles dist/mcp.js (nothing reads openapi/ at run time). Then operationMetadata returns
// the generated entry and optionOf reads `params`: one line each.
import type { ApiVersion, OperationName } from "../operations.js";
import { OPERATIONS, operationPath } from "../operations.js";
import v1 from "../../openapi/v1.openapi.json" with { type: "json" };
import v1alpha from "../../openapi/v1alpha.openapi.json" with { type: "json" };

/** A JSON Schema, as the spec writes it. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** One spec parameter of an operation. */
export interface ParameterMetadata {
  name: string;
  in: "header" | "query" | "path" | "cookie";
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

/** What the spec says of an operation. */
export interface OperationMetadata {
  summary?: string;
  description?: string;
  parameters: readonly ParameterMetadata[];
}

interface SpecParameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}
interface SpecDocument {
  paths: Record<
    string,
    Record<
      string,
      { summary?: string; description?: string; parameters?: (SpecParameter | { $ref: string })[] }
    >
  >;
  components?: { parameters?: Record<string, SpecParameter>; schemas?: unknown };
}

const DOCUMENTS: Record<ApiVersion, SpecDocument> = { v1alpha, v1 };
const LOCATIONS: readonly string[] = ["header", "query", "path", "cookie"];

function resolve(document: SpecDocument, parameter: SpecParameter | { $ref: string }) {
  if (!("$ref" in parameter)) return parameter;
  const name = /^#\/components\/parameters\/([^/]+)$/.exec(parameter.$ref)?.[1];
  const target = name === undefined ? undefined : document.components?.parameters?.[name];
  if (!target) throw new Error(`the vendored spec has no parameter ${parameter.$ref}`);
  return target;
}

/** The spec's summary, description and parameters of operation `name` in `version`. */
export function operationMetadata(version: ApiVersion, name: OperationName): OperationMetadata {
  const document = DOCUMENTS[version];
  const operation =
    document.paths[operationPath(version, name)]?.[OPERATIONS[name].method.toLowerCase()];
  if (!operation) throw new Error(`the vendored ${version} spec has no ${name} operation`);
  const parameters = (operation.parameters ?? []).map((given) => {
    const p = resolve(document, given);
    if (!LOCATIONS.includes(p.in)) throw new Error(`parameter ${p.name} is in "${p.in}"`);
    return {
      name: p.name,
      in: p.in as ParameterMetadata["in"],
      required: p.required === true,
      ...(p.description === undefined ? {} : { description: p.description }),
      schema: p.schema ?? {},
    };
  });
  return { summary: operation.summary, description: operation.description, parameters };
}

/**
 * The call option a parameter is passed as (`Organization` → `organization`), which is also the
 * tool's argument name. Until the table maps options to parameters, the name with a lower-case
 * first letter is what the client's options are called.
 */
export const optionOf = (parameter: ParameterMetadata): string =>
  parameter.name.charAt(0).toLowerCase() + parameter.name.slice(1);
