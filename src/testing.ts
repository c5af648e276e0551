// stability-user-client/testing: a `fetch` that answers like the Stability API, for testing code
// that checks credits without a network or a key. Its own entry (never loaded by src/index.ts); it
// needs only `fetch`'s Request, Response and Headers, and the library's error classes, from the
// library's own entry so that `instanceof` holds.

/**
 * A mock `fetch` that answers like the Stability API, for testing code that uses the client.
 * @module stability-user-client/testing
 */
import type { ApiErrorBody } from "./errors.js";
import { examples as v1 } from "./generated/v1.examples.js";
import { examples as v1alpha } from "./generated/v1alpha.examples.js";
import { StabilityInputError } from "./index.js";
import {
  API_VERSIONS,
  OPERATION_NAMES,
  operationKey,
  operationsOf,
  type ApiVersion,
  type OperationName,
} from "./operations.js";
import type { Body } from "./spec.js";

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

/**
 * Answers per operation of the table (src/operations.ts), typed by every version's body; an
 * operation not given answers its example from the vendored spec of the version called.
 * @example { balance: { credits: 3 }, account: { status: 401 } }
 */
export type MockFixtures = { [N in OperationName]?: MockFixture<Body<ApiVersion, N>> };

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
const EXAMPLES: { [V in ApiVersion]: { [N in OperationName]: Body<V, N> } } = { v1alpha, v1 };

// "GET /v1/user/balance" → its version and operation, for every version the client speaks.
const ROUTES = new Map<string, { version: ApiVersion; name: OperationName }>(
  API_VERSIONS.flatMap((version) =>
    operationsOf(version).map(({ key, name }) => [key, { version, name }]),
  ),
);

const isReply = (value: unknown): value is MockReply =>
  typeof (value as MockReply | null)?.status === "number";

// What a reply may hold, and the statuses that carry no body.
const REPLY_KEYS = new Set(["status", "body", "headers"]);
const NO_BODY = new Set([204, 205, 304]);

/**
 * Why a fixture's answer cannot be sent, or `undefined`: a status outside 200–599, a body on a
 * status that has none, a reply with keys a reply does not have (a body with a numeric `status`
 * field), or a body that is not a JSON object or array.
 */
function fixtureProblem(answer: unknown): string | undefined {
  if (isReply(answer)) {
    const extra = Object.keys(answer).filter((key) => !REPLY_KEYS.has(key));
    if (extra.length > 0)
      return `has a numeric status and also ${extra.join(", ")}: a reply holds only status, body and headers; to answer a body with a status field, use { status: 200, body }`;
    const { status, body } = answer;
    if (!Number.isInteger(status) || status < 200 || status > 599)
      return `has status ${status}, outside 200–599`;
    if (body !== undefined && NO_BODY.has(status))
      return `has a body, which a ${status} cannot carry`;
    return undefined;
  }
  if (answer === null || typeof answer !== "object")
    return `is ${answer === null ? "null" : typeof answer}: give a body (an object or array) or a reply ({ status, body?, headers? })`;
  return undefined;
}

/** Refuses, before any call, fixtures for no operation and fixtures whose answer cannot be sent. */
function checkFixtures(fixtures: MockFixtures): void {
  if (fixtures === null || typeof fixtures !== "object")
    throw new StabilityInputError("fixtures", "must be an object of answers by operation name");
  for (const [name, fixture] of Object.entries(fixtures)) {
    if (!(OPERATION_NAMES as string[]).includes(name))
      throw new StabilityInputError(
        `fixtures.${name}`,
        `is not an operation (${OPERATION_NAMES.join(", ")})`,
      );
    const problem = typeof fixture === "function" ? undefined : fixtureProblem(fixture);
    if (problem) throw new StabilityInputError(`fixtures.${name}`, problem);
  }
}

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
 * - each operation of the table answers as `fixtures` say, by default with the vendored spec's examples;
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
  checkFixtures(fixtures);
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
    // A StabilityError passes through the client as it is: a fixture's mistake is never retried
    // as a network failure.
    const problem = fixtureProblem(result);
    if (problem)
      throw new StabilityInputError(`fixtures.${name}`, `returned an answer that ${problem}`);
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
