// The facade's binding to the generated types: every spec fact src/ relies on is read or checked
// here, per version, from the operation table (src/operations.ts). A vendored spec that breaks the
// client fails `tsc` in this file, or where src/ reads a body field. Types only.
import type { paths as V1Paths } from "./generated/v1.js";
import type { paths as V1alphaPaths } from "./generated/v1alpha.js";
import type { ApiErrorBody } from "./errors.js";
import type { ApiVersion, OPERATIONS, OperationName, OperationPath } from "./operations.js";

/** The generated `paths` of each API version. */
export interface PathsByVersion {
  /** From `openapi/v1alpha.openapi.json` (`src/generated/v1alpha.ts`). */
  v1alpha: V1alphaPaths;
  /** From `openapi/v1.openapi.json` (`src/generated/v1.ts`). */
  v1: V1Paths;
}

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (
  i: infer I,
) => void
  ? I
  : never;

/** The paths a client of version `V` may call; when `V` is not known statically, those of every version. */
export type PathsOf<V extends ApiVersion> = UnionToIntersection<PathsByVersion[V]> & {};

type Method<N extends OperationName> = (typeof OPERATIONS)[N]["method"];

/**
 * What a non-2xx answer holds where the spec is silent (every v1alpha error, and any v1 status
 * other than 401 and 500): the API's error JSON, or text when something in between answered (a
 * proxy's HTML page). openapi-fetch gives `raw` callers exactly that: the body parsed as JSON,
 * else its text. A `default` response the spec documents itself is kept.
 */
interface UndocumentedError {
  headers: { [name: string]: unknown };
  content: { "application/json": ApiErrorBody; "text/plain": string };
}
type WithUndocumentedError<Op> = Op extends { responses: infer R }
  ? Omit<Op, "responses"> & {
      responses: R & ("default" extends keyof R ? unknown : { default: UndocumentedError });
    }
  : Op;

/**
 * The paths `raw` is typed by: {@link PathsOf}, with every operation's undocumented errors typed
 * as the API's error body, so `raw.GET(…).error` is `ApiErrorBody | string` (and the spec's own
 * error schema where it documents one) instead of `never`.
 */
export type RawPathsOf<V extends ApiVersion> = {
  [P in keyof PathsOf<V>]: {
    [M in keyof PathsOf<V>[P]]: M extends "parameters"
      ? PathsOf<V>[P][M]
      : WithUndocumentedError<PathsOf<V>[P][M]>;
  };
};

/**
 * An operation's generated type, `paths[path][method]`, for each version in `V`. An unknown path
 * or method resolves to `never`, which the checks below report.
 */
type Operation<V extends ApiVersion, N extends OperationName> = V extends ApiVersion
  ? OperationPath<V, N> extends keyof PathsByVersion[V]
    ? PathsByVersion[V][OperationPath<V, N>] extends { [M in Lowercase<Method<N>>]: infer Op }
      ? Op
      : never
    : never
  : never;

/**
 * The 200 JSON body of an operation in a version; for a union of versions, the union of their
 * bodies, so shared code can read only what every version has.
 */
export type Body<V extends ApiVersion, N extends OperationName> = V extends ApiVersion
  ? Operation<V, N> extends { responses: { 200: { content: { "application/json": infer T } } } }
    ? T
    : never
  : never;

type Params<V extends ApiVersion, N extends OperationName> =
  Operation<V, N> extends { parameters: infer P } ? P : never;

// One parameter group of an operation (`header`, `query`, …), as generated; `never` when the
// generator writes `header?: never` (none declared).
type Group<V extends ApiVersion, N extends OperationName, In extends string> = NonNullable<
  Params<V, N> extends { [K in In]?: infer G } ? G : never
>;

// Required keys of a parameter group; `never` (the generator's "none") has none.
type RequiredKeys<T> = [T] extends [never]
  ? never
  : { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type DeclaredKeys<T> = [T] extends [never] ? never : keyof T;

type Bindings<N extends OperationName> = (typeof OPERATIONS)[N]["params"];
type BindingOf<N extends OperationName, K extends keyof Bindings<N>> = Bindings<N>[K] extends {
  in: infer In extends string;
  name: infer Name extends string;
}
  ? { in: In; name: Name }
  : never;

// The spec parameter names the table binds, per location.
type BoundIn<N extends OperationName, In extends string> = {
  [K in keyof Bindings<N>]: BindingOf<N, K>["in"] extends In ? BindingOf<N, K>["name"] : never;
}[keyof Bindings<N>];

type ValueOf<V extends ApiVersion, N extends OperationName, K extends keyof Bindings<N>> =
  Group<V, N, BindingOf<N, K>["in"]> extends infer G
    ? BindingOf<N, K>["name"] extends keyof G
      ? G[BindingOf<N, K>["name"]]
      : never
    : never;
type IsRequired<V extends ApiVersion, N extends OperationName, K extends keyof Bindings<N>> =
  BindingOf<N, K>["name"] extends RequiredKeys<Group<V, N, BindingOf<N, K>["in"]>> ? true : false;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The call options an operation takes in version `V`, one per binding in the operation table,
 * typed by the spec parameter it is sent as: required exactly when that version's spec requires
 * the parameter. For a union of versions, the union of each version's options.
 */
export type ParamOptions<V extends ApiVersion, N extends OperationName> = V extends ApiVersion
  ? Simplify<
      {
        -readonly [K in keyof Bindings<N> as IsRequired<V, N, K> extends true ? K : never]: ValueOf<
          V,
          N,
          K
        >;
      } & {
        -readonly [K in keyof Bindings<N> as IsRequired<V, N, K> extends true ? never : K]?:
          ValueOf<V, N, K> | undefined;
      }
    >
  : never;

// The headers the client sends on every request, whatever the table says.
type AlwaysSent = "Authorization" | "Accept";

// The first required parameter of `In` that the table does not bind, or `never`.
type Unbound<V extends ApiVersion, N extends OperationName, In extends string> = In extends string
  ? `${In} ${Exclude<RequiredKeys<Group<V, N, In>>, BoundIn<N, In> | (In extends "header" ? AlwaysSent : never)> & string}`
  : never;
// A binding whose parameter the spec does not declare, or `never`.
type Undeclared<V extends ApiVersion, N extends OperationName> = {
  [K in keyof Bindings<N>]: BindingOf<N, K>["name"] extends DeclaredKeys<
    Group<V, N, BindingOf<N, K>["in"]>
  >
    ? never
    : `${BindingOf<N, K>["in"]} ${BindingOf<N, K>["name"]}`;
}[keyof Bindings<N>];

type Where<V extends ApiVersion, N extends OperationName> = `${Method<N>} ${OperationPath<V, N>}`;

/** `true`, or a message naming what does not hold. */
type Check<V extends ApiVersion, N extends OperationName> = [Operation<V, N>] extends [never]
  ? `the spec has no ${Where<V, N>}`
  : [Body<V, N>] extends [never]
    ? `${Where<V, N>} has no 200 application/json body`
    : [Unbound<V, N, "header" | "query" | "path" | "cookie">] extends [never]
      ? [Undeclared<V, N>] extends [never]
        ? true
        : `${Where<V, N>} does not declare ${Undeclared<V, N>}, which the client sends (src/operations.ts)`
      : `${Where<V, N>} requires ${Unbound<V, N, "header" | "query" | "path" | "cookie">}, which src/operations.ts does not bind to a call option`;

type Verdicts = {
  [V in ApiVersion]: { [N in OperationName]: Check<V, N> }[OperationName];
}[ApiVersion];
type Assert<T extends true> = T;
// When the vendored spec breaks the client, this line fails to compile and the error names what
// broke: "Type '"GET /v1/user/balance requires X-Client, which src/operations.ts does not bind to a
// call option"' does not satisfy the constraint 'true'." Exported only so that nothing calls it unused.
/** @public */
export type _SpecBindingHolds = Assert<
  [Exclude<Verdicts, true>] extends [never] ? true : Exclude<Verdicts, true>
>;
