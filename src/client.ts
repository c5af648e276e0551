import createClient, { type Client } from "openapi-fetch";
import {
  StabilityAbortError,
  StabilityConnectionError,
  StabilityError,
  StabilityInputError,
  StabilityResponseError,
  StabilityTimeoutError,
  StabilityValidationError,
  errorClassForStatus,
  isApiErrorBody,
  type RequestTarget,
} from "./errors.js";
import {
  OPERATIONS,
  operationKey,
  operationPath,
  type ApiVersion,
  type OperationName,
} from "./operations.js";
import type { BalanceOptions, RequestOptions, StabilityClientOptions } from "./options.js";
import { levels } from "./options.js";
import { assertHeaderSafe, checkCallOptions, resolveOptions } from "./resolve.js";
import { isRetryable, parseRetryAfter, retryDelay } from "./retry.js";
import { ORGANIZATION_HEADER, type Body, type RawPathsOf } from "./spec.js";

/** The account that owns the API key: `id`, `email`, `organizations`, and maybe `profile_picture`. */
export type Account = Body<"v1alpha", "account">;
/** A credit balance: `{ credits: number }`. */
export type Balance = Body<"v1alpha", "balance">;
/** One of the account's organizations: `id`, `name`, `role`, `is_default`. */
export type OrganizationMembership = Account["organizations"][number];

/** A response body with its status and headers, like the Ruby client's `*_with_http_info`. */
export interface HttpInfo<T> {
  /** The parsed JSON body. */
  data: T;
  /** The HTTP status code (200). */
  status: number;
  /** The response headers (for example a request id to quote to support). */
  headers: Headers;
}

/** The client {@link createStabilityClient} returns; `V` is its API version. */
export interface StabilityClient<V extends ApiVersion = "v1alpha"> {
  /** The API version this client calls. */
  readonly apiVersion: V;
  /**
   * The account that owns the API key, with its organizations.
   * @example const { email, organizations } = await stability.account();
   */
  account(options?: RequestOptions): Promise<Account>;
  /**
   * {@link StabilityClient.account} with the response status and headers.
   * @example const { data, status, headers } = await stability.accountWithHttpInfo();
   */
  accountWithHttpInfo(options?: RequestOptions): Promise<HttpInfo<Account>>;
  /**
   * The credit balance of the key owner's default organization, or of `organization`.
   * @example const { credits } = await stability.balance({ organization: "org-123456" });
   */
  balance(options?: BalanceOptions): Promise<Balance>;
  /**
   * {@link StabilityClient.balance} with the response status and headers.
   * @example const { data, status, headers } = await stability.balanceWithHttpInfo();
   */
  balanceWithHttpInfo(options?: BalanceOptions): Promise<HttpInfo<Balance>>;
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

// A unique abort reason, to tell our timeout from the caller's abort.
const TIMED_OUT = {};

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
  const given = { ...options };
  const cfg = resolveOptions(given);
  const { logLevel, apiKey, fetch, baseUrl, apiVersion } = cfg;
  const headers = { Accept: "application/json", ...cfg.headers, Authorization: cfg.authorization };
  let validation: Promise<typeof import("./validate.js")> | undefined;
  let logging: Promise<typeof import("./log.js")> | undefined;

  const redact = (text: string) => text.split(apiKey).join("[redacted]");
  // A server echoing the key in a header would otherwise show it in util.inspect(error).
  const redactHeaders = (received: Headers) =>
    new Headers([...received].map(([name, value]): [string, string] => [name, redact(value)]));

  async function attempt<T>(
    target: RequestTarget,
    sent: Record<string, string>,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<HttpInfo<T>> {
    const controller = new AbortController();
    // setTimeout treats anything over 2^31 − 1 ms as 1 ms; clamped to 23 days, `Infinity` means "no limit".
    const timer = setTimeout(() => controller.abort(TIMED_OUT), Math.min(timeoutMs, 2e9));
    const forwardAbort = () => controller.abort();
    signal?.addEventListener("abort", forwardAbort);
    let status = 0;
    try {
      // One plain fetch per attempt with headers built once: openapi-fetch's GET builds a Request
      // that undici then copies, about 30 µs a call on Node 20 (BENCHMARKS.md). `raw` is openapi-fetch.
      const response = await fetch(baseUrl + target.path, {
        headers: sent,
        signal: controller.signal,
      });
      status = response.status;
      const text = await response.text();
      if (!response.ok) {
        const body = redact(text);
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          // Not JSON (a proxy's HTML page, say): the text is the body.
        }
        const ErrorClass = errorClassForStatus(status);
        const { headers: received } = response;
        throw new ErrorClass(
          target,
          status,
          redactHeaders(received),
          isApiErrorBody(json) ? json : body,
          parseRetryAfter(received),
        );
      }
      let data: T;
      try {
        data = JSON.parse(text) as T;
      } catch (cause) {
        const problem = text ? "body is not valid JSON" : "empty body where JSON was expected";
        throw new StabilityResponseError(target, status, problem, redact(text), { cause });
      }
      if (cfg.validateResponses) {
        const { findIssue } = await (validation ??= import("./validate.js"));
        const issue = findIssue(operationKey(target.method, target.path), data);
        if (issue) {
          const problem = `off-schema at ${issue.path}: ${issue.message}`;
          throw Object.assign(new StabilityValidationError(target, status, problem, redact(text)), {
            issue,
          });
        }
      }
      return { data, status, headers: response.headers };
    } catch (error) {
      if (error instanceof StabilityError) throw error;
      if (signal?.aborted) throw aborted(target, signal);
      const during = status ? ` while reading the ${status} response body` : "";
      throw controller.signal.reason === TIMED_OUT
        ? new StabilityTimeoutError(`no complete response within ${timeoutMs} ms${during}`, target)
        : new StabilityConnectionError(
            `connection failed${during} (${describeCause(error)})`,
            target,
            { cause: error },
          );
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", forwardAbort);
    }
  }

  // Only balance() passes `organization`, so account() never sends the header.
  async function send<N extends OperationName>(
    name: N,
    options: RequestOptions = {},
    organization?: string,
  ): Promise<HttpInfo<Body<"v1alpha", N>>> {
    const path = operationPath(apiVersion, name);
    const target = { method: OPERATIONS[name].method, path };
    const { signal } = options;
    checkCallOptions(options);
    if (organization !== undefined) assertHeaderSafe(organization, "organization");
    const sent =
      organization === undefined ? headers : { ...headers, [ORGANIZATION_HEADER]: organization };
    const maxRetries = options.maxRetries ?? cfg.maxRetries;
    const timeoutMs = options.timeoutMs ?? cfg.timeoutMs;
    for (let n = 0; ; n++) {
      if (signal?.aborted) throw aborted(target, signal);
      const started = logLevel >= levels.debug ? performance.now() : 0;
      let result: HttpInfo<Body<"v1alpha", N>> | undefined;
      let failure: (StabilityError & { retryAfterMs?: number }) | undefined;
      let delay: number | undefined;
      let retryable = false;
      try {
        result = await attempt(target, sent, signal, timeoutMs);
      } catch (error) {
        failure = error as StabilityError;
        retryable = isRetryable(failure);
        if (retryable && n < maxRetries) delay = retryDelay(n, failure.retryAfterMs);
      }
      // Retries and giving up log from `error` up; every attempt logs at `debug`.
      if (logLevel >= (retryable ? levels.error : levels.debug)) {
        const status = result?.status;
        const { report } = await (logging ??= import("./log.js"));
        report(cfg, {
          ...target,
          n,
          maxRetries,
          started,
          headers: sent,
          status,
          failure,
          retryable,
          delay,
        });
      }
      if (result) return result;
      // No result means attempt() threw, so `failure` is set.
      if (delay === undefined) throw failure as StabilityError;
      await sleep(delay, signal, target);
    }
  }

  function withOptions<W extends ApiVersion = V>(
    overrides: Omit<StabilityClientOptions<W>, "apiKey">,
  ): StabilityClient<W> {
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

  return {
    apiVersion: apiVersion as V,
    account: async (opts) => (await send("account", opts)).data,
    accountWithHttpInfo: (opts) => send("account", opts),
    balance: async (opts) => (await send("balance", opts, opts?.organization)).data,
    balanceWithHttpInfo: (opts) => send("balance", opts, opts?.organization),
    withOptions,
    raw: createClient<RawPathsOf<V>>({ baseUrl, headers, fetch }),
  };
}

const aborted = (target: RequestTarget, signal: AbortSignal, during = "") =>
  new StabilityAbortError(`aborted by the caller's signal${during}`, target, {
    cause: signal.reason,
  });

function sleep(ms: number, signal: AbortSignal | undefined, target: RequestTarget): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted(target, signal!, " while waiting to retry"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The platform's reason, such as ECONNREFUSED or UND_ERR_SOCKET, without anything request-specific. */
function describeCause(error: unknown): string {
  return (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
}
