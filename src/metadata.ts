// Each version's run-time facts about its operations (src/generated/<version>.operations.ts):
// summaries, descriptions, parameters with `required`, and the success body's JSON Schema. For the CLI and the MCP server, which
// must know at run time what the types already know; src/index.ts never imports it.
import { operations as v1 } from "./generated/v1.operations.js";
import { operations as v1alpha } from "./generated/v1alpha.operations.js";
import {
  OPERATIONS,
  type ApiVersion,
  type OperationName,
  type ParamBinding,
} from "./operations.js";

/** One parameter as the spec declares it. */
export interface SpecParameter {
  readonly name: string;
  readonly in: string;
  readonly required: boolean;
  readonly description: string | null;
  readonly schema: unknown;
}

/** One operation as the spec describes it. */
export interface OperationMetadata {
  readonly method: string;
  readonly path: string;
  readonly operationId: string | null;
  readonly summary: string | null;
  readonly description: string | null;
  readonly deprecated: boolean;
  readonly parameters: readonly SpecParameter[];
  /** The 2xx JSON body's schema, as JSON Schema 2020-12 (scripts/lib/json-schema.ts), or null. */
  readonly output: unknown;
}

/** Per version, per operation: what the vendored spec says. */
export const METADATA: {
  readonly [V in ApiVersion]: { readonly [N in OperationName]: OperationMetadata };
} = { v1alpha, v1 };

/** A call option of an operation, joined with the spec parameter it is sent as. */
export interface CallParameter extends SpecParameter {
  /** The option's name in the client (`organization`). */
  readonly option: string;
}

/** The call options an operation takes in a version, with what the spec says of each. */
export function callParameters(version: ApiVersion, name: OperationName): CallParameter[] {
  const bindings = OPERATIONS[name].params as Record<string, ParamBinding>;
  return Object.entries(bindings).map(([option, binding]) => {
    const declared = METADATA[version][name].parameters.find(
      (parameter) => parameter.in === binding.in && parameter.name === binding.name,
    );
    return {
      option,
      name: binding.name,
      in: binding.in,
      required: declared?.required ?? false,
      description: declared?.description ?? null,
      schema: declared?.schema ?? {},
    };
  });
}
