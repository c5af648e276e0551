// createStabilityClient and the client's types. Its methods come from the operation table
// (src/operations.ts), typed per version by src/spec.ts; a call is src/call.ts, an attempt
// src/request.ts.
import type { Client } from "openapi-fetch";
import { call, routes, type CallInput } from "./call.js";
import { StabilityInputError } from "./errors.js";
import { mergeHeaders } from "./headers.js";
import type { ApiVersion, OperationName } from "./operations.js";
import type { RequestOptions, StabilityClientOptions } from "./options.js";
import { lazyClient } from "./raw.js";
import { createTransport, type HttpInfo } from "./request.js";
import { checkClientOptions, resolveOptions } from "./resolve.js";
import type { Body, ParamOptions, RawPathsOf } from "./spec.js";

export type { HttpInfo } from "./request.js";

/** The 200 body of operation `N` in version `V`; every version's, as a union, when `V` is not given. */
export type ResponseBody<N extends OperationName, V extends ApiVersion = ApiVersion> = Body<V, N>;
/** The account that owns the API key: `id`, `email`, `organizations`, and maybe `profile_picture`. */
export type Account<V extends ApiVersion = ApiVersion> = Body<V, "account">;
/** A credit balance: `{ credits: number }`. */
export type Balance<V extends ApiVersion = ApiVersion> = Body<V, "balance">;
/** One of the account's organizations: `id`, `name`, `role`, `is_default`. */
export type OrganizationMembership<V extends ApiVersion = ApiVersion> =
  Account<V>["organizations"][number];

/**
 * The options of a call to `N` on a version-`V` client: the per-call {@link RequestOptions} and the
 * operation's own parameters (`organization` on `balance`), required where `V`'s spec requires them.
 * @example const options: CallOptions<"v1", "balance"> = { organization: "org-1", timeoutMs: 5_000 };
 */
export type CallOptions<V extends ApiVersion, N extends OperationName> = RequestOptions &
  ParamOptions<V, N>;

// The argument list of a method: optional unless the version's spec requires a parameter.
type CallArgs<V extends ApiVersion, N extends OperationName> =
  object extends ParamOptions<V, N> ? [options?: CallOptions<V, N>] : [options: CallOptions<V, N>];

/** The methods the operation table gives a client of version `V`. */
export type OperationMethods<V extends ApiVersion> = {
  /**
   * Calls the operation of this name and resolves with its 200 body, checked against `V`'s
   * schema, after retries; rejects with a {@link StabilityError} subclass.
   * @example const { credits } = await stability.balance({ organization: "org-123456" });
   */
  readonly [N in OperationName]: (...options: CallArgs<V, N>) => Promise<Body<V, N>>;
} & {
  /**
   * The operation with the response status and headers, like the Ruby client's `*_with_http_info`.
   * @example const { data, status, headers } = await stability.balanceWithHttpInfo();
   */
  readonly [N in OperationName as `${N}WithHttpInfo`]: (
    ...options: CallArgs<V, N>
  ) => Promise<HttpInfo<Body<V, N>>>;
};

/** What every client has besides its operations; for a union of versions, one member for all. */
export interface ClientBase<V extends ApiVersion> {
  /**
   * A new client with the same API key and these options changed; this client is unchanged.
   * Options not given (or `undefined`) keep this client's values; `headers` replaces its headers.
   * The options are resolved and checked again, as by {@link createStabilityClient}.
   * @example const patient = stability.withOptions({ maxRetries: 5, timeoutMs: 120_000 });
   */
  withOptions<W extends ApiVersion = V>(
    overrides: Omit<StabilityClientOptions<W>, "apiKey">,
  ): StabilityClient<W>;
  /**
   * The underlying openapi-fetch client, typed by the chosen version's paths, with the key and
   * base URL set. It returns `{ data, error, response }` and has no retries, timeout or error
   * classes; `error` is the API's error JSON, or the body text when it is not JSON.
   * @example const { data } = await stability.raw.GET("/v1alpha/user/balance", { params: { header: { Organization: "org-1" } } });
   */
  readonly raw: Client<RawPathsOf<V>>;
}

/**
 * The client {@link createStabilityClient} returns, for API version `V`. Without a type argument it
 * is a client of any version (a union, told apart by `apiVersion`), so code written against
 * `StabilityClient` accepts both; bodies are then read through what every version has.
 */
export type StabilityClient<V extends ApiVersion = ApiVersion> = ClientBase<V> &
  (V extends ApiVersion
    ? {
        /** The API version this client calls. */
        readonly apiVersion: V;
      } & OperationMethods<V>
    : never);

/**
 * Creates a client for Stability AI's user API. Throws {@link StabilityInputError} when there is
 * no API key (option or `STABILITY_API_KEY`) or an option is unsafe; nothing is sent then.
 * @example
 * const stability = createStabilityClient({ apiKey: "sk-…" });
 * const { credits } = await stability.balance();
 */
export function createStabilityClient<V extends ApiVersion = "v1alpha">(
  options?: StabilityClientOptions<V>,
): StabilityClient<V> {
  const settings = resolveOptions(options);
  const given = { ...options };
  const { apiKey, baseUrl, fetch } = settings;
  const transport = createTransport(settings);
  const headers = {
    ...mergeHeaders({ Accept: "application/json" }, settings.headers),
    Authorization: settings.authorization,
  };

  function withOptions<W extends ApiVersion>(overrides: Omit<StabilityClientOptions<W>, "apiKey">) {
    checkClientOptions(overrides, "withOptions");
    if ((overrides as StabilityClientOptions).apiKey !== undefined)
      throw new StabilityInputError(
        "apiKey",
        "is kept by withOptions; create a client for another key",
      );
    const changed = Object.entries(overrides).filter(([, value]) => value !== undefined);
    return createStabilityClient({
      ...given,
      ...Object.fromEntries(changed),
      apiKey,
    } as StabilityClientOptions<W>);
  }

  const client: Record<string, unknown> = {
    apiVersion: settings.apiVersion,
    withOptions,
    raw: lazyClient<RawPathsOf<V>>({ baseUrl, headers, fetch }),
  };
  // Two methods per operation in the table, each one line over call().
  for (const route of routes(transport, headers)) {
    client[route.name] = async (input?: CallInput) => (await call(transport, route, input)).data;
    client[`${route.name}WithHttpInfo`] = (input?: CallInput) => call(transport, route, input);
  }
  return client as unknown as StabilityClient<V>;
}
