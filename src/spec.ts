// The facade's binding to the generated types: every spec fact src/ relies on is read or checked
// here, so a vendored spec that breaks the client fails `tsc` in this file (or where src/ uses a
// body). Types only, apart from the header name, which is checked against the spec.
import type { paths as V1Paths } from "./generated/v1.js";
import type { paths as V1alphaPaths } from "./generated/v1alpha.js";
import type { ApiErrorBody } from "./errors.js";
import type {
  API_VERSIONS,
  ApiVersion,
  OPERATIONS,
  OperationName,
  OperationPath,
} from "./operations.js";

/** The generated `paths` of each API version. */
export interface PathsByVersion {
  v1alpha: V1alphaPaths;
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

/** The 200 JSON body of an operation in a version. */
export type Body<V extends ApiVersion, N extends OperationName> =
  Operation<V, N> extends {
    responses: { 200: { content: { "application/json": infer T } } };
  }
    ? T
    : never;

type Params<V extends ApiVersion, N extends OperationName> =
  Operation<V, N> extends { parameters: infer P } ? P : never;

/** The header parameters an operation declares, as generated (`{ Organization?: string }`). */
export type HeaderParams<V extends ApiVersion, N extends OperationName> = NonNullable<
  Params<V, N> extends { header?: infer H } ? H : never
>;

// Required keys of a parameter group; `never` (the generator's "none") has none.
type RequiredKeys<T> = [T] extends [never]
  ? never
  : { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type ParamRequired<V extends ApiVersion, N extends OperationName, In extends string> =
  Params<V, N> extends { [K in In]?: infer G } ? RequiredKeys<NonNullable<G>> : never;

// The header names an operation declares; none when the generator writes `header?: never`
// (whose keyof would be every string).
type DeclaredHeaders<V extends ApiVersion, N extends OperationName> = [HeaderParams<V, N>] extends [
  never,
]
  ? never
  : keyof HeaderParams<V, N>;

/**
 * The headers the facade sends for each operation: `always` on every request, `optional` only when
 * the caller gives a value. The check below fails when the spec requires a header that is not
 * `always` sent, or any query, path or cookie parameter, or no longer declares an `optional` one.
 */
interface Sent {
  account: { always: "Authorization" | "Accept"; optional: never };
  balance: { always: "Authorization" | "Accept"; optional: typeof ORGANIZATION_HEADER };
}

/** A path the generated `paths` of some version has: what the facade may request. */
export type SpecPath = { [V in ApiVersion]: keyof PathsByVersion[V] & string }[ApiVersion];

// Every version's declared headers at once; `never` when a version declares none.
type HeadersOfAll<N extends OperationName, Vs = typeof API_VERSIONS> = Vs extends readonly [
  infer V extends ApiVersion,
  ...infer Rest,
]
  ? HeaderParams<V, N> & HeadersOfAll<N, Rest>
  : unknown;

/**
 * The headers the facade may send for an operation when the caller asks, as every version's
 * generated types declare them. The object the facade builds is typed by it, so a header name a
 * version no longer declares fails to compile where the object is written, however it is spelled.
 */
export type CallHeaders<N extends OperationName> = HeadersOfAll<N>;

/** The `Organization` header, by the name the spec gives it (each version's check below confirms it). */
export const ORGANIZATION_HEADER = "Organization" satisfies keyof HeaderParams<
  ApiVersion,
  "balance"
>;

/** `true`, or a message naming what does not hold. */
type Check<V extends ApiVersion, N extends OperationName> = [Operation<V, N>] extends [never]
  ? `the spec has no ${Method<N>} ${OperationPath<V, N>}`
  : [Body<V, N>] extends [never]
    ? `${Method<N>} ${OperationPath<V, N>} has no 200 application/json body`
    : [Exclude<ParamRequired<V, N, "header">, Sent[N]["always"]>] extends [never]
      ? [ParamRequired<V, N, "query" | "path" | "cookie">] extends [never]
        ? [Exclude<Sent[N]["optional"], DeclaredHeaders<V, N>>] extends [never]
          ? true
          : `${Method<N>} ${OperationPath<V, N>} does not declare header ${Exclude<Sent[N]["optional"], DeclaredHeaders<V, N>> & string}, which the client sends`
        : `${Method<N>} ${OperationPath<V, N>} requires a query, path or cookie parameter the client does not send`
      : `${Method<N>} ${OperationPath<V, N>} requires header ${Exclude<ParamRequired<V, N, "header">, Sent[N]["always"]> & string}, which the client does not send on every request`;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// Each operation's verdicts: its check in every version, and whether the versions agree on its
// body (the facade returns one type per operation, so they must).
type Verdicts = {
  [N in OperationName]: [
    { [V in ApiVersion]: Check<V, N> }[ApiVersion],
    Same<Body<"v1alpha", N>, Body<"v1", N>> extends true
      ? true
      : `the ${N} bodies of v1alpha and v1 differ`,
  ][number];
}[OperationName];
type Assert<T extends true> = T;
// When the vendored spec breaks the client, this line fails to compile and the error names what
// broke: "Type '"GET /v1/user/balance requires header X-Client, which the client does not send on
// every request"' does not satisfy the constraint 'true'."
export type _SpecBindingHolds = Assert<
  [Exclude<Verdicts, true>] extends [never] ? true : Exclude<Verdicts, true>
>;
