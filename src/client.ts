import createClient, { type Client } from "openapi-fetch";
import {
  StabilityAbortError,
  StabilityConnectionError,
  StabilityError,
  StabilityResponseError,
  StabilityTimeoutError,
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
import { MAX_RETRY_AFTER_MS, isRetryable, parseRetryAfter, retryDelay } from "./retry.js";

/** The account that owns the API key: `id`, `email`, `organizations`, and maybe `profile_picture`. */
export type Account = components["schemas"]["AccountResponseBody"];
/** A credit balance: `{ credits: number }`. */
export type Balance = components["schemas"]["BalanceResponseBody"];
/** One of the account's organizations: `id`, `name`, `role`, `is_default`. */
export type OrganizationMembership = components["schemas"]["OrganizationMembership"];

/** A response body with its status and headers, like the Ruby client's `*_with_http_info`. */
export interface HttpInfo<T> {
  data: T;
  status: number;
  headers: Headers;
}

/** The client {@link createStabilityClient} returns. */
export interface StabilityClient {
  /**
   * The account that owns the API key, with its organizations.
   * @example const { email, organizations } = await stability.account();
   */
  account(options?: RequestOptions): Promise<Account>;
  /** {@link StabilityClient.account} with the response status and headers. */
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

const TIMED_OUT = Symbol("timeout");

/**
 * Creates a client for Stability AI's user API. Throws {@link StabilityInputError} when there is
 * no API key (option or `STABILITY_API_KEY`) or an option is unsafe; nothing is sent then.
 * @example
 * const stability = createStabilityClient({ apiKey: "sk-…" });
 * const { credits } = await stability.balance();
 */
export function createStabilityClient(options?: StabilityClientOptions): StabilityClient {
  const cfg = resolveOptions(options);
  const baseHeaders = {
    Accept: "application/json",
    ...cfg.headers,
    Authorization: cfg.authorization,
  };
  const { logger, logLevel, apiKey } = cfg;
  let validation: Promise<typeof import("./validate.js")> | undefined;

  const redact = (text: string) =>
    text.includes(apiKey) ? text.split(apiKey).join("[redacted]") : text;

  // A server echoing the key in a header would otherwise show it in util.inspect(error).
  const redactHeaders = (headers: Headers) => {
    let copy: Headers | undefined;
    headers.forEach((value, name) => {
      if (value.includes(apiKey)) (copy ??= new Headers(headers)).set(name, redact(value));
    });
    return copy ?? headers;
  };

  async function attempt<T>(
    target: RequestTarget & { path: OperationPath },
    organization: string | undefined,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<HttpInfo<T>> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(TIMED_OUT), timeoutMs);
    const forwardAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", forwardAbort);
    let status = 0;
    try {
      // One plain fetch per attempt. openapi-fetch's GET builds a Request that undici then copies,
      // about 30 µs a call on Node 20 (BENCHMARKS.md); `raw` still offers openapi-fetch itself.
      // The 2xx body is left unread here, so its failures (empty, cut short, not JSON) are ours to name.
      const response = await cfg.fetch(`${cfg.baseUrl}${target.path}`, {
        headers:
          organization === undefined ? baseHeaders : { ...baseHeaders, Organization: organization },
        signal: controller.signal,
      });
      status = response.status;
      if (!response.ok) {
        const error = await errorBody(response);
        // openapi-fetch gives `undefined` for an empty body (Content-Length: 0), which is empty text, not `""`.
        const body = redact(
          typeof error === "string" ? error : error === undefined ? "" : JSON.stringify(error),
        );
        const parsed: unknown =
          typeof error === "object" && error !== null ? JSON.parse(body) : body;
        const ErrorClass = errorClassForStatus(status);
        throw new ErrorClass(
          target,
          status,
          redactHeaders(response.headers),
          isApiErrorBody(parsed) ? parsed : body,
          parseRetryAfter(response.headers),
        );
      }
      const text = await response.text();
      if (!text)
        throw new StabilityResponseError(target, status, "empty body where JSON was expected", "");
      let json: T;
      try {
        json = JSON.parse(text) as T;
      } catch (cause) {
        throw new StabilityResponseError(target, status, "body is not valid JSON", redact(text), {
          cause,
        });
      }
      if (cfg.validateResponses) {
        const { check } = await (validation ??= import("./validate.js"));
        check(target, status, json, redact(text));
      }
      return { data: json, status, headers: response.headers };
    } catch (error) {
      if (error instanceof StabilityError) throw error;
      if (signal?.aborted)
        throw new StabilityAbortError("aborted by the caller's signal", target, {
          cause: signal.reason,
        });
      const during = status ? ` while reading the ${status} response body` : "";
      if (controller.signal.reason === TIMED_OUT) {
        throw new StabilityTimeoutError(
          `no complete response within ${timeoutMs} ms${during}`,
          target,
        );
      }
      throw new StabilityConnectionError(
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
      if (signal?.aborted)
        throw new StabilityAbortError("aborted by the caller's signal", target, {
          cause: signal.reason,
        });
      const started = logLevel >= 4 ? performance.now() : 0;
      try {
        const result = await attempt<T>(target, organization, signal, timeoutMs);
        if (logLevel >= 4)
          logAttempt(target, n, maxRetries, started, String(result.status), organization);
        return result;
      } catch (error) {
        const failure = error as StabilityError;
        const retryable = isRetryable(failure);
        const delay =
          retryable && n < maxRetries
            ? retryDelay(n, (failure as { retryAfterMs?: number }).retryAfterMs)
            : undefined;
        if (logLevel >= 4) {
          const status = (failure as { status?: number }).status;
          const outcome = status === undefined ? failure.name : `${status} ${failure.name}`;
          logAttempt(target, n, maxRetries, started, outcome, organization, delay);
        }
        if (delay === undefined) {
          // Retries left but no delay means the server asked for more than MAX_RETRY_AFTER_MS.
          if (retryable && n < maxRetries && logLevel >= 1)
            logger.error(
              `stability: not retrying, the server asked to wait over ${MAX_RETRY_AFTER_MS} ms: ${failure.message}`,
            );
          else if (retryable && n > 0 && logLevel >= 1)
            logger.error(`stability: giving up after ${n + 1} attempts: ${failure.message}`);
          throw failure;
        }
        if (logLevel >= 2)
          logger.warn(
            `stability: ${failure.message}; retry ${n + 1} of ${maxRetries} in ${Math.round(delay)} ms`,
          );
        await sleep(delay, signal, target);
      }
    }
  }

  function logAttempt(
    target: RequestTarget,
    n: number,
    max: number,
    started: number,
    outcome: string,
    organization?: string,
    retryIn?: number,
  ) {
    const ms = (performance.now() - started).toFixed(1);
    const retry = retryIn === undefined ? "" : `; retry in ${Math.round(retryIn)} ms`;
    logger.debug(
      `stability: ${target.method} ${target.path} → ${outcome} in ${ms} ms (attempt ${n + 1} of ${max + 1})${retry}`,
      {
        headers: {
          ...baseHeaders,
          Authorization: "[redacted]",
          ...(organization === undefined ? {} : { Organization: organization }),
        },
      },
    );
  }

  return {
    account: async (opts) => (await send<Account>("/v1alpha/user/account", opts)).data,
    accountWithHttpInfo: (opts) => send<Account>("/v1alpha/user/account", opts),
    balance: async (opts) => (await send<Balance>("/v1alpha/user/balance", opts)).data,
    balanceWithHttpInfo: (opts) => send<Balance>("/v1alpha/user/balance", opts),
    raw: createClient<paths>({ baseUrl: cfg.baseUrl, headers: baseHeaders, fetch: cfg.fetch }),
  };
}

function sleep(ms: number, signal: AbortSignal | undefined, target: RequestTarget): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(
        new StabilityAbortError("aborted by the caller's signal", target, { cause: signal.reason }),
      );
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(
        new StabilityAbortError("aborted by the caller's signal while waiting to retry", target, {
          cause: signal?.reason,
        }),
      );
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** An error response's body as openapi-fetch reads it: `undefined` when empty, JSON when it parses, else text. */
async function errorBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The platform's reason, such as ECONNREFUSED or "other side closed", without anything request-specific. */
function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
