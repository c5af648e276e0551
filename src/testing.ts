// stability-user-client/testing: a `fetch` that answers like the Stability API, for testing code
// that checks credits without a network or a key. Its own entry (never loaded by src/index.ts), with
// no dependency: it needs only `fetch`'s Request, Response and Headers.
import type { Account, Balance } from "./client.js";
import type { ApiErrorBody } from "./errors.js";
import { examples as v1 } from "./generated/v1.examples.js";
import { examples as v1alpha } from "./generated/v1alpha.examples.js";
import {
  API_VERSIONS,
  OPERATIONS,
  operationKey,
  operationPath,
  type ApiVersion,
  type OperationName,
} from "./operations.js";

/** A reply to send as is: a status, and optionally a body (JSON, or text as given) and headers. */
export interface MockReply {
  /** The HTTP status, such as `429`. */
  status: number;
  /**
   * The body: an object or array is sent as JSON, a string as text; none means an empty body.
   * @example { name: "rate_limited", message: "slow down" }
   */
  body?: unknown;
  /** Response headers. @example { "retry-after": "1" } */
  headers?: Record<string, string>;
}

/**
 * How the mock answers an operation: a body sent with 200, a {@link MockReply} (recognised by its
 * numeric `status`), or a function of the request and of how many earlier calls this operation
 * answered (from 0), returning either, or a promise of either.
 */
export type MockFixture<T> =
  T | MockReply | ((request: Request, n: number) => T | MockReply | Promise<T | MockReply>);

/** Answers per operation; an operation not given answers its example from the vendored spec. */
export interface MockFixtures {
  /** `GET /{v1alpha,v1}/user/account`. @default the spec's example account */
  account?: MockFixture<Account>;
  /** `GET /{v1alpha,v1}/user/balance`. @default the spec's example balance */
  balance?: MockFixture<Balance>;
}

/** A request the mock received. */
export interface MockCall {
  /** `GET` */
  method: string;
  /** The URL path, without the query: `/v1/user/balance`. */
  path: string;
  /** The request headers, names in lower case: `{ authorization: "Bearer sk-test", … }`. */
  headers: Record<string, string>;
}

/** A `fetch` for `createStabilityClient({ fetch })`, with every request it received in `calls`. */
export interface MockFetch {
  (input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** Every request, in order, including those answered 401 or 404. */
  readonly calls: MockCall[];
}

// What each version answers by default: its spec's examples, typed as the client reads them (so an
// example that no longer fits the schema fails tsc here). The API answers a missing key the same
// way under every prefix, and only v1 documents it, so its 401 serves v1alpha too.
const unauthorized: ApiErrorBody = v1alpha.unauthorized ?? v1.unauthorized;
const EXAMPLES: Record<ApiVersion, { account: Account; balance: Balance }> = { v1alpha, v1 };

// "GET /v1/user/balance" → its version and operation, for every version the client speaks.
const ROUTES = new Map<string, { version: ApiVersion; name: OperationName }>(
  API_VERSIONS.flatMap((version) =>
    (Object.keys(OPERATIONS) as OperationName[]).map((name) => [
      operationKey(OPERATIONS[name].method, operationPath(version, name)),
      { version, name },
    ]),
  ),
);

const isReply = (value: unknown): value is MockReply =>
  typeof (value as MockReply | null)?.status === "number";

function respond({ status, body, headers }: MockReply): Response {
  const json = body !== undefined && typeof body !== "string";
  const all = new Headers(headers);
  if (body !== undefined && !all.has("content-type"))
    all.set("content-type", json ? "application/json" : "text/plain;charset=utf-8");
  return new Response(json ? JSON.stringify(body) : (body ?? null), { status, headers: all });
}

const apiError = (status: number, body: ApiErrorBody) => respond({ status, body });

/**
 * A `fetch` that answers like the Stability API, on both API versions (`/v1alpha/user/…` and
 * `/v1/user/…`), on any origin:
 * - `account` and `balance` answer as `fixtures` say, by default with the vendored spec's examples;
 * - a request without `Authorization` gets 401 with the API's error body, whatever the fixtures;
 * - any other method or path gets 404;
 * - the caller's `signal` is honoured, so a fixture that never settles lets a timeout fire.
 * @example
 * const fetch = createMockFetch({ balance: { credits: 3 } });
 * const stability = createStabilityClient({ apiKey: "sk-test", fetch });
 * await stability.balance(); // { credits: 3 }
 * fetch.calls; // [{ method: "GET", path: "/v1alpha/user/balance", headers: { authorization: "sk-test", … } }]
 */
export function createMockFetch(fixtures: MockFixtures = {}): MockFetch {
  const calls: MockCall[] = [];
  const answered: Partial<Record<OperationName, number>> = {};

  async function answer(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    const route = ROUTES.get(operationKey(request.method, pathname));
    if (!route)
      return apiError(404, {
        name: "not_found",
        message: `no such operation: ${request.method} ${pathname}`,
      });
    const { version, name } = route;
    if (!request.headers.get("authorization")) return apiError(401, unauthorized);
    const n = answered[name] ?? 0;
    answered[name] = n + 1;
    const fixture = fixtures[name] ?? EXAMPLES[version][name];
    const result: unknown = typeof fixture === "function" ? await fixture(request, n) : fixture;
    return respond(isReply(result) ? result : { status: 200, body: result });
  }

  const mockFetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    calls.push({
      method: request.method,
      path: new URL(request.url).pathname,
      headers: Object.fromEntries(request.headers),
    });
    const { signal } = request;
    return new Promise<Response>((resolve, reject) => {
      const onAbort = () => reject(signal.reason as Error);
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      void answer(request)
        .then(resolve, reject)
        .finally(() => signal.removeEventListener("abort", onAbort));
    });
  };
  return Object.assign(mockFetch, { calls });
}
