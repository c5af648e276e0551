// The one list of the client's operations and API versions. The facade (src/), vendoring,
// generation and the drift check all read it; nothing else spells a path or an operation key.
// src/spec.ts checks every entry against the generated `paths`, so a path the spec no longer has
// is a compile error.

/** The API versions the client speaks. `v1alpha` is the default; `v1` is what Stability documents today. */
export const API_VERSIONS = ["v1alpha", "v1"] as const;
/** An API version: the first segment of every path (`/v1/user/balance`). */
export type ApiVersion = (typeof API_VERSIONS)[number];

/**
 * The client's operations: method and path below the version prefix, and the spec parameter each
 * call option is sent as.
 */
export const OPERATIONS = {
  account: { method: "GET", path: "/user/account", params: {} },
  balance: {
    method: "GET",
    path: "/user/balance",
    params: { organization: { in: "header", name: "Organization" } },
  },
} as const;
/** `account` or `balance`. */
export type OperationName = keyof typeof OPERATIONS;

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

/** Every operation of a version: name, method (upper case), full path and key. */
export function operationsOf(version: ApiVersion) {
  return (Object.keys(OPERATIONS) as OperationName[]).map((name) => {
    const { method } = OPERATIONS[name];
    const path = operationPath(version, name);
    return { name, method, path, key: operationKey(method, path) };
  });
}
