// One call of an operation: its options turned into a request by the operation table's bindings
// (src/operations.ts), then attempts with retries, waits and logging (src/request.ts sends each).
import type { StabilityError } from "./errors.js";
import { checkHeaders, checkValue, mergeHeaders } from "./headers.js";
import {
  OPERATIONS,
  OPERATION_NAMES,
  operationKey,
  operationPath,
  type OperationName,
  type ParamBinding,
} from "./operations.js";
import { levels, type RequestOptions } from "./options.js";
import { attempt, type HttpInfo, type PreparedRequest, type Transport } from "./request.js";
import { checkCallOptions } from "./resolve.js";
import { isRetryable, retryDelay } from "./retry.js";
import { aborted, sleep } from "./signals.js";

/** What a call may be given: the per-call options, and the operation's own (`organization`). */
export type CallInput = RequestOptions & { readonly [option: string]: unknown };

/** An operation's request without its call: fixed per client, so a call without parameters builds no URL. */
export interface Route {
  readonly name: OperationName;
  readonly specPath: string;
  readonly request: PreparedRequest;
  /** The call options the operation takes besides the per-call ones (`organization`). */
  readonly params: readonly string[];
}

/** The routes of a client, one per operation in the table. */
export function routes(transport: Transport, headers: Record<string, string>): Route[] {
  const { apiVersion, baseUrl } = transport.settings;
  return OPERATION_NAMES.map((name) => {
    const { method } = OPERATIONS[name];
    const specPath = operationPath(apiVersion, name);
    const request = located(method, specPath, baseUrl + specPath, headers);
    return { name, specPath, request, params: Object.keys(OPERATIONS[name].params) };
  });
}

// Messages name the path as requested, with whatever path the base URL brings.
const located = (
  method: string,
  specPath: string,
  url: string,
  headers: Record<string, string>,
) => ({
  target: { method, path: new URL(url).pathname },
  key: operationKey(method, specPath),
  url,
  headers,
});

/**
 * The request a call sends: the client's headers, the call's own, and each table binding's value
 * put where the spec says (a header, the query or the path), by openapi-fetch's serialisers.
 */
export function prepare(
  transport: Transport,
  { name, specPath, request }: Route,
  call: CallInput,
): PreparedRequest | Promise<PreparedRequest> {
  const params = OPERATIONS[name].params as Record<string, ParamBinding>;
  let sent = call.headers
    ? mergeHeaders(request.headers, checkHeaders(call.headers))
    : request.headers;
  let query: Record<string, unknown> | undefined;
  let path: Record<string, unknown> | undefined;
  for (const option in params) {
    const value = call[option];
    if (value === undefined) continue;
    const binding = params[option]!;
    if (binding.in === "header")
      sent = mergeHeaders(sent, { [binding.name]: checkValue(value as string, option) });
    else (binding.in === "query" ? (query ??= {}) : (path ??= {}))[binding.name] = value;
  }
  if (!query && !path) return sent === request.headers ? request : { ...request, headers: sent };
  return withParams(
    transport,
    request.target.method,
    specPath,
    { ...(query && { query }), ...(path && { path }) },
    sent,
  );
}

// Only an operation with query or path parameters (none of today's has any) loads openapi-fetch
// for its URL building and serialisers.
async function withParams(
  { settings }: Transport,
  method: string,
  specPath: string,
  params: { query?: Record<string, unknown>; path?: Record<string, unknown> },
  headers: Record<string, string>,
): Promise<PreparedRequest> {
  const { createFinalURL, createQuerySerializer, defaultPathSerializer } =
    await import("openapi-fetch");
  const url = createFinalURL(specPath, {
    baseUrl: settings.baseUrl,
    params,
    querySerializer: createQuerySerializer(),
    pathSerializer: defaultPathSerializer,
  });
  return located(method, specPath, url, headers);
}

/** Calls `name` with retries; resolves with its checked body, or rejects with one typed error. */
export async function call<T>(
  transport: Transport,
  route: Route,
  options: CallInput = {},
): Promise<HttpInfo<T>> {
  checkCallOptions(options, route.params, route.name);
  const { settings } = transport;
  const prepared = prepare(transport, route, options);
  // Sent in the same tick when nothing needs loading, as a bare fetch would be.
  const request = prepared instanceof Promise ? await prepared : prepared;
  const { target } = request;
  const { signal } = options;
  const maxRetries = options.maxRetries ?? settings.maxRetries;
  const timeoutMs = options.timeoutMs ?? settings.timeoutMs;
  for (let n = 0; ; n++) {
    if (signal?.aborted) throw aborted(target, signal);
    const started = settings.logLevel >= levels.debug ? performance.now() : 0;
    let result: HttpInfo<T> | undefined;
    let failure: (StabilityError & { retryAfterMs?: number }) | undefined;
    let delay: number | undefined;
    let retryable = false;
    try {
      result = await attempt<T>(transport, request, signal, timeoutMs);
    } catch (error) {
      failure = error as StabilityError;
      retryable = isRetryable(failure);
      if (retryable && n < maxRetries) delay = retryDelay(n, failure.retryAfterMs);
    }
    // Giving up logs from `error` up, a retry from `info` (a call that succeeds is quiet at the
    // default level), every attempt at `debug`.
    const at = !retryable ? levels.debug : delay === undefined ? levels.error : levels.info;
    if (settings.logLevel >= at)
      await log(transport, {
        ...target,
        n,
        maxRetries,
        started,
        headers: request.headers,
        status: result?.status,
        failure,
        retryable,
        delay,
      });
    if (result) return result;
    // No result means attempt() threw, so `failure` is set.
    if (delay === undefined) throw failure as StabilityError;
    await sleep(delay, signal, target);
  }
}

// A logger that throws never changes the call's result; its first failure is noted through
// `logger.error`, once per client.
const loggerFailed = new WeakSet<Transport>();
async function log(transport: Transport, report: import("./log.js").AttemptReport): Promise<void> {
  const { settings } = transport;
  try {
    (await import("./log.js")).report(settings, report);
  } catch {
    if (loggerFailed.has(transport)) return;
    loggerFailed.add(transport);
    try {
      settings.logger.error("stability: the logger threw; its later failures are ignored");
    } catch {
      // Nowhere left to say it.
    }
  }
}
