import createClient, { type Client } from "openapi-fetch";
import {
  StabilityAbortError,
  StabilityConnectionError,
  StabilityError,
  StabilityResponseError,
  StabilityTimeoutError,
  StabilityValidationError,
  errorClassForStatus,
  isApiErrorBody,
  type RequestTarget,
} from "./errors.js";
import type { components, paths } from "./generated/stability-user.js";
import {
  assertHeaderSafe,
  checkCallOptions,
  resolveOptions,
  type BalanceOptions,
  type RequestOptions,
  type StabilityClientOptions,
} from "./options.js";
import { isRetryable, parseRetryAfter, retryDelay } from "./retry.js";

/** The account that owns the API key: `id`, `email`, `organizations`, and maybe `profile_picture`. */
export type Account = components["schemas"]["AccountResponseBody"];
/** A credit balance: `{ credits: number }`. */
export type Balance = components["schemas"]["BalanceResponseBody"];
/** One of the account's organizations: `id`, `name`, `role`, `is_default`. */
export type OrganizationMembership = components["schemas"]["OrganizationMembership"];

/** A response body with its status and headers, like the Ruby client's `*_with_http_info`. */
export interface HttpInfo<T> {
  /** The parsed JSON body. */
  data: T;
  /** The HTTP status code (200). */
  status: number;
  /** The response headers (for example a request id to quote to support). */
  headers: Headers;
}

/** The client {@link createStabilityClient} returns. */
export interface StabilityClient {
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
   * The underlying openapi-fetch client, typed by the spec's paths, with the key and base URL
   * set. It returns `{ data, error, response }` and has no retries, timeout or error classes.
   * @example const { data } = await stability.raw.GET("/v1alpha/user/balance", { params: { header: { Organization: "org-1" } } });
   */
  readonly raw: Client<paths>;
}

type OperationPath = "/v1alpha/user/account" | "/v1alpha/user/balance";

// A unique abort reason, to tell our timeout from the caller's abort.
const TIMED_OUT = {};

/**
 * Creates a client for Stability AI's user API. Throws {@link StabilityInputError} when there is
 * no API key (option or `STABILITY_API_KEY`) or an option is unsafe; nothing is sent then.
 * @example
 * const stability = createStabilityClient({ apiKey: "sk-…" });
 * const { credits } = await stability.balance();
 */
export function createStabilityClient(options?: StabilityClientOptions): StabilityClient {
  const cfg = resolveOptions(options);
  const { logLevel, apiKey, fetch, baseUrl } = cfg;
  const headers = { Accept: "application/json", ...cfg.headers, Authorization: cfg.authorization };
  let validation: Promise<typeof import("./validate.js")> | undefined;
  let logging: Promise<typeof import("./log.js")> | undefined;

  const redact = (text: string) => text.split(apiKey).join("[redacted]");
  // A server echoing the key in a header would otherwise show it in util.inspect(error).
  const redactHeaders = (received: Headers) =>
    new Headers([...received].map(([name, value]): [string, string] => [name, redact(value)]));

  async function attempt<T>(
    target: RequestTarget,
    organization: string | undefined,
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
        headers: organization === undefined ? headers : { ...headers, Organization: organization },
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
        const issue = findIssue(target.path, data);
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

  async function send<T>(path: OperationPath, options: BalanceOptions = {}): Promise<HttpInfo<T>> {
    const target = { method: "GET", path };
    const { signal, organization } = options;
    checkCallOptions(options);
    if (organization !== undefined) assertHeaderSafe(organization, "organization");
    const maxRetries = options.maxRetries ?? cfg.maxRetries;
    const timeoutMs = options.timeoutMs ?? cfg.timeoutMs;
    for (let n = 0; ; n++) {
      if (signal?.aborted) throw aborted(target, signal);
      const started = logLevel > 3 ? performance.now() : 0;
      let result: HttpInfo<T> | undefined;
      let failure: (StabilityError & { retryAfterMs?: number }) | undefined;
      let delay: number | undefined;
      let retryable = false;
      try {
        result = await attempt<T>(target, organization, signal, timeoutMs);
      } catch (error) {
        failure = error as StabilityError;
        retryable = isRetryable(failure);
        if (retryable && n < maxRetries) delay = retryDelay(n, failure.retryAfterMs);
      }
      if (logLevel > (retryable ? 0 : 3)) {
        const status = result?.status;
        const { report } = await (logging ??= import("./log.js"));
        report(cfg, {
          path,
          n,
          maxRetries,
          started,
          organization,
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

  return {
    account: async (opts) => (await send<Account>("/v1alpha/user/account", opts)).data,
    accountWithHttpInfo: (opts) => send<Account>("/v1alpha/user/account", opts),
    balance: async (opts) => (await send<Balance>("/v1alpha/user/balance", opts)).data,
    balanceWithHttpInfo: (opts) => send<Balance>("/v1alpha/user/balance", opts),
    raw: createClient<paths>({ baseUrl, headers, fetch }),
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
