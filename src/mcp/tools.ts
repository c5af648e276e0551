// The MCP tools: one per entry of the operation table (src/operations.ts), with its description
// and input schema taken from the spec through src/metadata.ts. Pure: no SDK and no client here.
import { METADATA, callParameters, type CallParameter } from "../metadata.js";
import { operationsOf, type ApiVersion, type OperationName } from "../operations.js";

/** A JSON Schema, as the spec writes it. */
type JsonSchema = Readonly<Record<string, unknown>>;

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
    const { summary, description } = METADATA[version][name];
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
      annotations: hintsFor(method),
    };
  });
}

/**
 * Why `args` cannot be passed to `tool`, naming the argument, or undefined when every argument
 * is one the tool takes. Types and values are the schema's to check.
 */
export function unknownArgument(tool: ToolDefinition, args: object): string | undefined {
  const known = Object.keys(tool.inputSchema.properties);
  const unknown = Object.keys(args).find((key) => !known.includes(key));
  if (unknown === undefined) return undefined;
  const takes = known.length === 0 ? "takes no arguments" : `takes ${known.join(", ")}`;
  return `${tool.name}: unknown argument ${JSON.stringify(unknown.slice(0, 40))} (${tool.name} ${takes})`;
}
