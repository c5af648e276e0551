// One attempt of one request: fetch, the redirects the client follows itself, the body cap, the
// mapping of an error status to its class, parsing and validation. The retry loop is src/call.ts.
import {
  StabilityConnectionError,
  StabilityError,
  StabilityResponseError,
  StabilityTimeoutError,
  StabilityValidationError,
  errorClassForStatus,
  isApiErrorBody,
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

type Failure = typeof import("./failure.js") & { redact: (text: string) => string };

/** What a client keeps between requests: its settings and the chunks it loads on demand. */
export interface Transport {
  readonly settings: ResolvedOptions;
  /** Redaction, redirects and error bodies (src/failure.ts), loaded on the first failure or redirect. */
  readonly failure: () => Promise<Failure>;
  /** The response validators (src/validate.ts), loaded on the first checked body. */
  readonly validator: () => Promise<typeof import("./validate.js")>;
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
  let validating: Promise<typeof import("./validate.js")> | undefined;
  return {
    settings,
    failure: () =>
      (failing ??= import("./failure.js").then((m) => ({
        ...m,
        redact: m.redactor(settings.apiKey),
      }))),
    validator: () => (validating ??= import("./validate.js")),
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
  // Without a time limit there is nothing to arm: the caller's signal, if any, goes to fetch as is.
  let controller: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let unwatch: (() => void) | undefined;
  if (timeoutMs < Infinity) {
    const own = (controller = new AbortController());
    // setTimeout treats anything over 2^31 − 1 ms as 1 ms; 2e9 ms is 23 days.
    timer = setTimeout(() => own.abort(TIMED_OUT), Math.min(timeoutMs, 2e9));
    if (signal) unwatch = watch(signal, () => own.abort());
  }
  const hop = { url: request.url, status: 0 };
  try {
    const response = await follow(transport, request, controller?.signal ?? signal, hop);
    return await accept<T>(transport, request, response);
  } catch (error) {
    if (error instanceof StabilityError) throw error;
    const { target } = request;
    if (signal?.aborted) throw aborted(target, signal);
    const during = hop.status ? ` while reading the ${hop.status} response body` : "";
    if (controller?.signal.reason === TIMED_OUT)
      throw new StabilityTimeoutError(
        `no complete response within ${timeoutMs} ms${during}`,
        target,
      );
    const { redact, redactError } = await transport.failure();
    throw new StabilityConnectionError(
      `connection to ${new URL(hop.url).host} failed${during} (${redact(describeCause(error))})`,
      target,
      { cause: redactError(error, redact) },
    );
  } finally {
    clearTimeout(timer);
    unwatch?.();
  }
}

/**
 * Fetches, following redirects here rather than in fetch, to refuse loops and plain http://
 * (src/redirect.ts). `hop` says where the request is and the last status, for error messages.
 */
async function follow(
  { settings, failure }: Transport,
  { target, headers }: PreparedRequest,
  signal: AbortSignal | undefined,
  hop: { url: string; status: number },
): Promise<Response> {
  let sent = headers;
  // Called as a plain function: a browser's or worker's fetch refuses any other `this`.
  const send = settings.fetch;
  for (const visited: string[] = []; ;) {
    // One plain fetch per attempt with headers built once: openapi-fetch's GET builds a Request
    // that undici then copies, about 30 µs a call on Node 20 (BENCHMARKS.md). `raw` is openapi-fetch.
    const init: RequestInit = {
      ...settings.fetchOptions,
      headers: sent,
      signal,
      redirect: "manual",
    };
    let response = await send(hop.url, init);
    // A browser hides where a redirect leads (status 0): there, the platform's rules apply.
    if (response.type === "opaqueredirect")
      response = await send(hop.url, { ...init, redirect: "follow" });
    const { status } = response;
    hop.status = status;
    const location = status > 300 && status < 309 && response.headers.get("location");
    if (!location) return response;
    response.body?.cancel().catch(() => {});
    visited.push(hop.url);
    const next = (await failure()).nextHop(visited, location, sent, settings.baseUrl);
    if (typeof next === "string") throw new StabilityResponseError(target, status, next, "");
    ({ url: hop.url, headers: sent } = next);
  }
}

/** Reads the body within its cap: an error status becomes its class, a 2xx body is parsed and checked. */
async function accept<T>(
  { settings, failure, validator }: Transport,
  { target, key }: PreparedRequest,
  response: Response,
): Promise<HttpInfo<T>> {
  const { ok, status, headers } = response;
  const { maxResponseBytes, apiKey } = settings;
  const limit = ok ? maxResponseBytes : Math.min(maxResponseBytes, ERROR_BODY_BYTES);
  const { text, over } = await readBody(response, limit);
  if (!ok) {
    const { redact, redactHeaders, errorBody } = await failure();
    const body = errorBody(text, over, limit, redact, apiKey.length);
    const ErrorClass = errorClassForStatus(status);
    throw new ErrorClass(
      target,
      status,
      redactHeaders(headers, redact),
      isApiErrorBody(body.json) ? body.json : body.text,
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
    const issue = (await validator()).findIssue(key, data);
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

/** The platform's reason, such as ECONNREFUSED or UND_ERR_SOCKET, without anything request-specific. */
function describeCause(error: unknown): string {
  const { cause, message } = (error ?? {}) as { cause?: { code?: string }; message?: string };
  return String(cause?.code ?? message ?? error);
}
