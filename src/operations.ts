// The one table of the client's operations and API versions. The client's methods and their types
// (src/client.ts, src/spec.ts), the CLI, the testing kit, vendoring, generation, drift and the
// tests' operation lists all derive from it; nothing else spells a path or an operation key.
// src/spec.ts checks every entry against each version's generated `paths`, so a path, method or
// parameter the spec no longer has is a compile error.

/** The API versions the client speaks. `v1alpha` is the default; `v1` is what Stability documents today. */
export const API_VERSIONS = ["v1alpha", "v1"] as const;
/** An API version: the first segment of every path (`/v1/user/balance`). */
export type ApiVersion = (typeof API_VERSIONS)[number];

/** Where a call option goes: an OpenAPI parameter, by its location and its name in the spec. */
export interface ParamBinding {
  readonly in: "header" | "query" | "path";
  readonly name: string;
}

/** One operation: method, path below the version prefix, and call option → spec parameter. */
export interface OperationEntry {
  readonly method: "GET";
  readonly path: `/${string}`;
  readonly params: { readonly [option: string]: ParamBinding };
}

/** The client's operations. Adding one here (then `npm run vendor` and `npm run generate`) adds its methods. */
export const OPERATIONS = {
  account: { method: "GET", path: "/user/account", params: {} },
  balance: {
    method: "GET",
    path: "/user/balance",
    params: { organization: { in: "header", name: "Organization" } },
  },
} as const satisfies Record<string, OperationEntry>;
/** The name of an operation: `account` or `balance`. */
export type OperationName = keyof typeof OPERATIONS;

/** The operations' names, in table order. */
export const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[];

/** The full URL path of an operation in a version, as the generated `paths` key it: `/v1alpha/user/balance`. */
export type OperationPath<
  V extends ApiVersion = ApiVersion,
  N extends OperationName = OperationName,
> = `/${V}${(typeof OPERATIONS)[N]["path"]}`;

export const operationPath = <V extends ApiVersion, N extends OperationName>(
  version: V,
  name: N,
): OperationPath<V, N> => `/${version}${OPERATIONS[name].path}`;

/** The key an operation goes by in validators and reports: `GET /v1alpha/user/balance`. */
export const operationKey = (method: string, path: string): string =>
  `${method.toUpperCase()} ${path}`;

/** Every operation of a version: name, method (upper case), full path, key and parameter bindings. */
export function operationsOf(version: ApiVersion) {
  return OPERATION_NAMES.map((name) => {
    const { method, params } = OPERATIONS[name] as OperationEntry;
    const path = operationPath(version, name);
    return { name, method, path, key: operationKey(method, path), params };
  });
}
