// One attempt of one request: fetch, the redirects the client follows itself, the body cap, the
// mapping of an error status to its class, parsing and validation. The retry loop is src/call.ts.
import {
  StabilityConnectionError,
  StabilityError,
  StabilityResponseError,
  StabilityTimeoutError,
  StabilityValidationError,
  errorClassForStatus,
  type RequestTarget,
} from "./errors.js";
import { readBody } from "./body.js";
import { parseRetryAfter } from "./retry.js";
import type { ResolvedOptions } from "./resolve.js";
import { aborted, watch } from "./signals.js";

/** A response body with its status and headers, like the Ruby client's `*_with_http_info`. */
export interface HttpInfo<T> {
  /** The parsed JSON body. */
  data: T;
  /** The HTTP status code (200). */
  status: number;
  /** The response headers (for example a request id to quote to support). */
  headers: Headers;
}

type Validators = typeof import("./validate.js");
type Failure = typeof import("./failure.js") & { redact: (text: string) => string };

/** What a client keeps between requests: its settings and the chunks it loads on demand. */
export interface Transport {
  readonly settings: ResolvedOptions;
  /** Redaction, redirects and error bodies (src/failure.ts), loaded on the first failure or redirect. */
  readonly failure: () => Promise<Failure>;
  /** The response validators (src/validate.ts), loaded on the first checked body; then at hand. */
  readonly validator: () => Validators | Promise<Validators>;
  /**
   * Whether each step races the attempt's signal. The platform's own fetch honours its signal (the
   * Fetch standard), so only another fetch, which may ignore it, is raced.
   */
  readonly racing: boolean;
}

/** One request, ready to send: where it goes, what it is called in messages and validators. */
export interface PreparedRequest {
  readonly target: RequestTarget;
  /** The operation's key in the validators: `GET /v1/user/balance`. */
  readonly key: string;
  readonly url: string;
  readonly headers: Record<string, string>;
}

/** A transport for `settings`, loading its optional chunks once each. */
export function createTransport(settings: ResolvedOptions): Transport {
  let failing: Promise<Failure> | undefined;
  let validating: Promise<Validators> | undefined;
  let validators: Validators | undefined;
  return {
    settings,
    failure: () =>
      (failing ??= import("./failure.js").then((m) => ({
        ...m,
        redact: m.redactor(settings.apiKey),
      }))),
    validator: () =>
      validators ?? (validating ??= import("./validate.js").then((m) => (validators = m))),
    // Stryker disable next-line ConditionalExpression,EqualityOperator: racing the platform's fetch too changes only the cost, which the benchmark measures
    racing: settings.fetch !== globalThis.fetch,
  };
}

// A unique abort reason, to tell our timeout from the caller's abort.
const TIMED_OUT = {};
// Error bodies are kept on the error, so they are cut shorter than maxResponseBytes.
const ERROR_BODY_BYTES = 64 * 1024;

/** Sends `request` once, within `timeoutMs`, and returns its checked 2xx body or throws a typed error. */
export async function attempt<T>(
  transport: Transport,
  request: PreparedRequest,
  signal: AbortSignal | undefined,
  timeoutMs: number,
): Promise<HttpInfo<T>> {
  // The client's own signal: the time limit aborts it, and so does the caller's signal, through
  // one listener per signal (src/signals.ts). With a fetch other than the platform's, every step
  // races it, so a fetch that ignores it cannot keep the call alive. Without either, nothing is armed.
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
    // Stryker disable next-line ConditionalExpression: racing the platform's fetch too changes only the cost
    if (transport.racing) {
      stop = new Promise((_, reject) => own.signal.addEventListener("abort", reject));
      stop.catch(() => {});
    }
  }
  const bound: Bound = (step) => (stop ? Promise.race([step, stop]) : step);
  const hop: Hop = { url: request.url, status: 0, reading: false, signal: controller?.signal };
  try {
    const response = await follow(transport, request, bound, hop);
    return await accept<T>(transport, request, response, bound, hop);
  } catch (error) {
    if (error instanceof StabilityError) throw error;
    const { target } = request;
    if (signal?.aborted) throw aborted(target, signal);
    const { redact, redactError, describeFailure } = await transport.failure();
    // Timed out, or the connection failed; the message names the step (src/failure.ts).
    const timedOut = controller?.signal.reason === TIMED_OUT;
    const { url, status, reading } = hop;
    const message = describeFailure(error, url, status, reading, timedOut && timeoutMs, redact);
    throw timedOut
      ? new StabilityTimeoutError(message, target)
      : new StabilityConnectionError(message, target, { cause: redactError(error, redact) });
  } finally {
    clearTimeout(timer);
    unwatch?.();
  }
}

/** A step of the attempt raced against its time limit and the caller's signal. */
type Bound = <R>(step: Promise<R>) => Promise<R>;
/** Where the attempt is, for error messages: the URL, the last status, whether the body is being read. */
interface Hop {
  url: string;
  status: number;
  reading: boolean;
  readonly signal: AbortSignal | undefined;
}

/**
 * Fetches, following redirects here rather than in fetch, to refuse loops and plain http://
 * (src/redirect.ts).
 */
async function follow(
  { settings, failure }: Transport,
  { target, headers }: PreparedRequest,
  bound: Bound,
  hop: Hop,
): Promise<Response> {
  let sent = headers;
  // Called as a plain function: a browser's or worker's fetch refuses any other `this`.
  const send = settings.fetch;
  for (const visited: string[] = []; ;) {
    // One plain fetch per attempt with headers built once: openapi-fetch's GET builds a Request
    // that undici then copies, about 30 µs a call on Node 20 (docs/benchmarks.md). `raw` is openapi-fetch.
    // `signal` is set only when one is armed: a fetch sees no signal at all otherwise.
    const init: RequestInit = { ...settings.fetchOptions, headers: sent, redirect: "manual" };
    if (hop.signal) init.signal = hop.signal;
    let response = await bound(send(hop.url, init));
    // A browser hides where a redirect leads (status 0) and follows it only itself. When it
    // cannot (a loop, too many, CORS), its fetch fails like a network error: not retried.
    if (response.type === "opaqueredirect")
      response = await bound(
        send(hop.url, { ...init, redirect: "follow" }).catch(() => {
          throw new StabilityResponseError(target, 0, "redirect the platform could not follow", "");
        }),
      );
    const { status } = response;
    hop.status = status;
    const location = status > 300 && status < 309 && response.headers.get("location");
    if (!location) return response;
    response.body?.cancel().catch(() => {});
    visited.push(hop.url);
    const { nextHop, redact } = await failure();
    const next = nextHop(visited, location, sent, settings.baseUrl, redact);
    if (typeof next === "string") throw new StabilityResponseError(target, status, next, "");
    ({ url: hop.url, headers: sent } = next);
  }
}

/** Reads the body within its cap: an error status becomes its class, a 2xx body is parsed and checked. */
async function accept<T>(
  { settings, failure, validator }: Transport,
  { target, key }: PreparedRequest,
  response: Response,
  bound: Bound,
  hop: Hop,
): Promise<HttpInfo<T>> {
  const { ok, status, headers } = response;
  const { maxResponseBytes, apiKey } = settings;
  const limit = ok ? maxResponseBytes : Math.min(maxResponseBytes, ERROR_BODY_BYTES);
  hop.reading = true;
  const { text, over } = await readBody(response, limit, bound);
  if (!ok) {
    const { redact, redactHeaders, errorBody } = await failure();
    const ErrorClass = errorClassForStatus(status);
    throw new ErrorClass(
      target,
      status,
      redactHeaders(headers, redact),
      errorBody(text, over, limit, redact, apiKey.length),
      parseRetryAfter(headers),
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
  if (settings.validateResponses) {
    const loaded = validator();
    const issue = (loaded instanceof Promise ? await loaded : loaded).findIssue(key, data);
    if (issue) {
      const problem = `off-schema at ${issue.path}: ${issue.message}`;
      const excerpt = (await failure()).redact(text);
      throw Object.assign(new StabilityValidationError(target, status, problem, excerpt), {
        issue,
      });
    }
  }
  return { data, status, headers };
}
