// The spec facts the CLI needs at run time: which parameters each operation has in each version,
// whether that version requires them, and what they mean. `specOf` is the one place they are read,
// so moving to another source of them changes one line.
import v1 from "../../openapi/v1.openapi.json" with { type: "json" };
import v1alpha from "../../openapi/v1alpha.openapi.json" with { type: "json" };
import { OPERATIONS, type ApiVersion, type OperationName } from "../index.js";

/** One spec parameter as the CLI uses it. */
export interface ParameterFacts {
  name: string;
  in: string;
  required: boolean;
  description: string;
}

interface SpecDocument {
  paths: Record<string, Record<string, { summary?: string; parameters?: unknown[] }>>;
  components?: { parameters?: Record<string, unknown>; schemas?: unknown };
}
const DOCUMENTS: Record<ApiVersion, SpecDocument> = { v1alpha, v1 };

/** A `$ref` inside the document (`#/components/parameters/organization`), or the value itself. */
function deref(document: SpecDocument, value: unknown): Record<string, unknown> {
  const ref = (value as { $ref?: unknown }).$ref;
  if (typeof ref !== "string") return value as Record<string, unknown>;
  const name = /^#\/components\/parameters\/([^/]+)$/.exec(ref)?.[1];
  return (name ? document.components?.parameters?.[name] : undefined) as Record<string, unknown>;
}

/** Every parameter the version's spec declares for an operation. */
function specOf(version: ApiVersion, name: OperationName): ParameterFacts[] {
  const document = DOCUMENTS[version];
  const { method, path } = OPERATIONS[name];
  const operation = document.paths[`/${version}${path}`]?.[method.toLowerCase()];
  return (operation?.parameters ?? []).map((raw) => {
    const p = deref(document, raw);
    return {
      name: String(p.name),
      in: String(p.in),
      required: p.required === true,
      description: typeof p.description === "string" ? p.description : "",
    };
  });
}

/** A call option of an operation, the flag it is read from, and its spec parameter in a version. */
export interface CallParameter {
  option: string;
  flag: string;
  spec: ParameterFacts | undefined;
}

/** `organization` → `--organization`; `someOption` → `--some-option`. */
export const flagOf = (option: string): string =>
  `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The call options of an operation (from the operation table) with their spec facts in `version`. */
export function parametersOf(version: ApiVersion, name: OperationName): CallParameter[] {
  const declared = specOf(version, name);
  return Object.entries(OPERATIONS[name].params).map(([option, { in: where, name: specName }]) => ({
    option,
    flag: flagOf(option),
    spec: declared.find((p) => p.in === where && p.name.toLowerCase() === specName.toLowerCase()),
  }));
}

/** Every call option of every operation: the flags the parser accepts. */
export const PARAMETER_OPTIONS: string[] = [
  ...new Set(Object.values(OPERATIONS).flatMap((operation) => Object.keys(operation.params))),
];

/** The operations that take a call option. */
export const operationsTaking = (option: string): OperationName[] =>
  (Object.keys(OPERATIONS) as OperationName[]).filter((name) =>
    Object.hasOwn(OPERATIONS[name].params, option),
  );
