// The MCP tools: one per entry of the operation table (src/operations.ts), with its description,
// input schema and output schema taken from the spec through src/metadata.ts (JSON Schema 2020-12,
// as `npm run generate` translates it). Pure: no SDK and no client here.
import { METADATA, callParameters, type CallParameter } from "../metadata.js";
import { operationsOf, type ApiVersion, type OperationName } from "../operations.js";
import { nearest } from "../suggest.js";

/** A JSON Schema: JSON, as the spec writes it after translation. */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonSchema = { [key: string]: Json };

/** A tool as `tools/list` lists it. */
export interface ToolDefinition {
  name: OperationName;
  title?: string;
  description: string;
  inputSchema: {
    type: "object";
    properties: Record<string, JsonSchema>;
    required?: string[];
    additionalProperties: false;
  };
  /** The operation's success body (structured content always matches it). */
  outputSchema?: JsonSchema & { type: "object" };
  annotations: { readOnlyHint: boolean; idempotentHint: boolean; openWorldHint: true };
}

// Methods that change nothing on the server, so repeating a call is harmless.
const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD"]);

/** A call option as a property of the input schema: its parameter's schema, described as the parameter is. */
const propertyOf = ({ schema, description }: CallParameter): JsonSchema => ({
  ...(schema as JsonSchema),
  ...(description === null ? {} : { description }),
});

/** What a client may assume of calling an operation with this method. */
export const hintsFor = (method: string): ToolDefinition["annotations"] => ({
  readOnlyHint: SAFE_METHODS.has(method),
  idempotentHint: SAFE_METHODS.has(method),
  openWorldHint: true,
});

/** The tools of `version`, in the table's order; each argument is the call option of that name. */
export function toolsFor(version: ApiVersion): ToolDefinition[] {
  return operationsOf(version).map(({ name, method }) => {
    const { summary, description, output } = METADATA[version][name];
    const options = callParameters(version, name);
    const required = options.filter((p) => p.required).map((p) => p.option);
    return {
      name,
      ...(summary === null ? {} : { title: summary }),
      description: description ?? summary ?? name,
      inputSchema: {
        type: "object",
        properties: Object.fromEntries(options.map((p) => [p.option, propertyOf(p)])),
        ...(required.length === 0 ? {} : { required }),
        additionalProperties: false,
      },
      // MCP wants an object at the root; a body of another kind goes unannounced.
      ...(isObjectSchema(output) ? { outputSchema: output } : {}),
      annotations: hintsFor(method),
    };
  });
}

const isObjectSchema = (schema: unknown): schema is JsonSchema & { type: "object" } =>
  (schema as JsonSchema | null)?.type === "object";

/** What a value is, as messages name it: `typeof`, except `null` and `array`. */
const kind = (value: unknown) =>
  value === null ? "null" : Array.isArray(value) ? "array" : typeof value;

/**
 * Why `args`, the `arguments` of a `tools/call` exactly as the client sent them, cannot be passed
 * to `tool`, in one line; undefined when every own property is an argument the tool takes (or
 * there are none). Only own properties count, so `__proto__` and `constructor` are names like any
 * other: refused unless declared. Types and values are the schema's to check.
 */
export function argumentsProblem(tool: ToolDefinition, args: unknown): string | undefined {
  if (args === undefined) return undefined;
  if (kind(args) !== "object")
    return `${tool.name}: arguments must be an object of named arguments, got ${kind(args)}`;
  const known = Object.keys(tool.inputSchema.properties);
  const unknown = Object.keys(args as object).find((key) => !known.includes(key));
  if (unknown === undefined) return undefined;
  const near = nearest(unknown, known);
  const takes = known.length === 0 ? "takes no arguments" : `takes ${known.join(", ")}`;
  const hint = near === undefined ? `${tool.name} ${takes}` : `did you mean ${near}?`;
  return `${tool.name}: unknown argument ${JSON.stringify(unknown.slice(0, 40))} (${hint})`;
}
