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
import { readBody } from "./body.js";
import { checkHeaders, checkValue, mergeHeaders } from "./headers.js";
import { checkCallOptions, resolveOptions } from "./resolve.js";
import { isRetryable, parseRetryAfter, retryDelay } from "./retry.js";
import {
  ORGANIZATION_HEADER,
  type Body,
  type CallHeaders,
  type RawPathsOf,
  type SpecPath,
} from "./spec.js";

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

type Failure = typeof import("./failure.js") & { redact: (text: string) => string };

// A unique abort reason, to tell our timeout from the caller's abort.
const TIMED_OUT = {};
// Error bodies are kept on the error, so they are cut shorter than maxResponseBytes.
const ERROR_BODY_BYTES = 64 * 1024;

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
  const { logLevel, apiKey, fetch, baseUrl, apiVersion, maxResponseBytes } = cfg;
  const headers = {
    ...mergeHeaders({ Accept: "application/json" }, cfg.headers),
    Authorization: cfg.authorization,
  };
  let validation: Promise<typeof import("./validate.js")> | undefined;
  let logging: Promise<typeof import("./log.js")> | undefined;
  let loggerFailed = false;
  // Redaction, redirects and error bodies load on the first failure or redirect (src/failure.ts).
  let failing: Promise<Failure> | undefined;
  const failure = () =>
    (failing ??= import("./failure.js").then((m) => ({ ...m, redact: m.redactor(apiKey) })));

  async function attempt<T>(
    target: RequestTarget,
    sent: Record<string, string>,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<HttpInfo<T>> {
    // The client's own signal: the time limit aborts it, and so does the caller's signal, through
    // one listener per signal (watch). Every step races it, so a fetch that ignores it cannot keep
    // the call alive. Without either there is nothing to arm.
    let controller: AbortController | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let unwatch: (() => void) | undefined;
    let stop: Promise<never> | undefined;
    if (timeoutMs < Infinity || signal) {
      const own = (controller = new AbortController());
      // setTimeout treats anything over 2^31 − 1 ms as 1 ms; 2e9 ms is 23 days.
      if (timeoutMs < Infinity)
        timer = setTimeout(() => own.abort(TIMED_OUT), Math.min(timeoutMs, 2e9));
      if (signal) unwatch = watch(signal, () => own.abort());
      stop = new Promise((_, reject) => own.signal.addEventListener("abort", reject));
      stop.catch(() => {});
    }
    const bound = <R>(step: Promise<R>) => (stop ? Promise.race([step, stop]) : step);
    let reading = false;
    let status = 0;
    let url = baseUrl + target.path;
    try {
      // One plain fetch per attempt with headers built once: openapi-fetch's GET builds a Request
      // that undici then copies, about 30 µs a call on Node 20 (BENCHMARKS.md). `raw` is openapi-fetch.
      // Redirects are followed here, not by fetch, to refuse loops and plain http:// (src/redirect.ts).
      let response: Response;
      for (let visited: string[] = []; ;) {
        const init = { headers: sent, signal: controller?.signal };
        response = await bound(fetch(url, { ...init, redirect: "manual" }));
        // A browser hides where a redirect leads (status 0) and follows it only itself. When it
        // cannot (a loop, too many, CORS), its fetch fails like a network error: not retried.
        if (response.type === "opaqueredirect")
          response = await bound(
            fetch(url, init).catch(() => {
              throw new StabilityResponseError(
                target,
                0,
                "redirect the platform could not follow",
                "",
              );
            }),
          );
        status = response.status;
        const location = status > 300 && status < 309 && response.headers.get("location");
        if (!location) break;
        response.body?.cancel().catch(() => {});
        visited.push(url);
        const { nextHop, redact } = await failure();
        const hop = nextHop(visited, location, sent, baseUrl, redact);
        if (typeof hop === "string") throw new StabilityResponseError(target, status, hop, "");
        ({ url, headers: sent } = hop);
      }
      const { ok, headers: received } = response;
      const limit = ok ? maxResponseBytes : Math.min(maxResponseBytes, ERROR_BODY_BYTES);
      reading = true;
      const { text, over } = await readBody(response, limit, bound);
      if (!ok) {
        const { redact, redactHeaders, errorBody } = await failure();
        const ErrorClass = errorClassForStatus(status);
        throw new ErrorClass(
          target,
          status,
          redactHeaders(received, redact),
          errorBody(text, over, limit, redact, apiKey.length),
          parseRetryAfter(received),
        );
      }
      if (over)
        throw new StabilityResponseError(target, status, `body over ${maxResponseBytes} bytes`, "");
      let data: T;
      try {
        data = JSON.parse(text) as T;
      } catch {
        // The SyntaxError is not kept: its message quotes the body, where a cut key would survive.
        const problem = text ? "body is not valid JSON" : "empty body where JSON was expected";
        throw new StabilityResponseError(target, status, problem, (await failure()).redact(text));
      }
      if (cfg.validateResponses) {
        const { findIssue } = await (validation ??= import("./validate.js"));
        const issue = findIssue(operationKey(target.method, target.path), data);
        if (issue) {
          const problem = `off-schema at ${issue.path}: ${issue.message}`;
          const excerpt = (await failure()).redact(text);
          throw Object.assign(new StabilityValidationError(target, status, problem, excerpt), {
            issue,
          });
        }
      }
      return { data, status, headers: received };
    } catch (error) {
      if (error instanceof StabilityError) throw error;
      if (signal?.aborted) throw aborted(target, signal);
      const { redact, redactError, describeFailure } = await failure();
      // Timed out, or the connection failed; the message names the step (src/failure.ts).
      const timedOut = controller?.signal.reason === TIMED_OUT;
      const message = describeFailure(error, url, status, reading, timedOut && timeoutMs, redact);
      throw timedOut
        ? new StabilityTimeoutError(message, target)
        : new StabilityConnectionError(message, target, { cause: redactError(error, redact) });
    } finally {
      clearTimeout(timer);
      unwatch?.();
    }
  }

  // Only balance() passes `organization`, so account() never sends the header.
  async function send<N extends OperationName>(
    name: N,
    options: RequestOptions = {},
    organization?: string,
  ): Promise<HttpInfo<Body<"v1alpha", N>>> {
    const path: SpecPath = operationPath(apiVersion, name);
    const target = { method: OPERATIONS[name].method, path };
    const { signal } = options;
    checkCallOptions(options);
    // Merged per call only when the call brings headers or an organization.
    let sent: Record<string, string> = headers;
    if (options.headers) sent = mergeHeaders(sent, checkHeaders(options.headers));
    if (organization !== undefined) {
      const asked: CallHeaders<"balance"> = {
        [ORGANIZATION_HEADER]: checkValue(organization, "organization"),
      };
      sent = mergeHeaders(sent, asked);
    }
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
      // Retries and giving up log from `error` up; every attempt logs at `debug`. A logger that
      // throws never changes the call's result; the first failure is noted through `logger.error`.
      if (logLevel >= (retryable ? levels.error : levels.debug)) {
        try {
          const { report } = await (logging ??= import("./log.js"));
          report(cfg, {
            ...target,
            n,
            maxRetries,
            started,
            headers: sent,
            status: result?.status,
            failure,
            retryable,
            delay,
          });
        } catch {
          if (!loggerFailed) {
            loggerFailed = true;
            try {
              cfg.logger.error("stability: the logger threw; its later failures are ignored");
            } catch {
              // Nowhere left to say it.
            }
          }
        }
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

// One "abort" listener per signal, however many calls share it: a listener per call would pass
// Node's limit of 10 and warn (MaxListenersExceededWarning). The last call to finish removes it.
const watchers = new WeakMap<AbortSignal, { calls: Set<() => void>; listener: () => void }>();
function watch(signal: AbortSignal, onAbort: () => void): () => void {
  let entry = watchers.get(signal);
  if (!entry) {
    const calls = new Set<() => void>();
    entry = { calls, listener: () => calls.forEach((call) => call()) };
    watchers.set(signal, entry);
    signal.addEventListener("abort", entry.listener);
  }
  const { calls, listener } = entry;
  calls.add(onAbort);
  return () => {
    calls.delete(onAbort);
    if (calls.size === 0) {
      signal.removeEventListener("abort", listener);
      watchers.delete(signal);
    }
  };
}

function sleep(ms: number, signal: AbortSignal | undefined, target: RequestTarget): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted(target, signal, " while waiting to retry"));
    const timer = setTimeout(() => {
      unwatch?.();
      resolve();
    }, ms);
    const unwatch =
      signal &&
      watch(signal, () => {
        clearTimeout(timer);
        unwatch?.();
        reject(aborted(target, signal, " while waiting to retry"));
      });
  });
}
