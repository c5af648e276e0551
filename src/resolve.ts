// Options are normalised once, here, at the boundary: defaults, environment and every check.
// Each check is a row in CHECKS (a rule and its message); a failure names the option and its value.
import { StabilityInputError } from "./errors.js";
import { checkHeaders, checkValue, isLoopback } from "./headers.js";
import { API_VERSIONS, type ApiVersion } from "./operations.js";
import {
  DEFAULTS,
  levels,
  type FetchOptions,
  type LogLevel,
  type Logger,
  type RequestOptions,
  type StabilityClientOptions,
} from "./options.js";
import { VERSION } from "./version.js";
import { nearest } from "./suggest.js";

export interface ResolvedOptions {
  apiVersion: ApiVersion;
  /** The full `Authorization` value (prefix and key). */
  authorization: string;
  apiKey: string;
  baseUrl: string;
  headers: Record<string, string>;
  fetch: typeof globalThis.fetch;
  /** Passed through to every `fetch` call, under what the client owns. */
  fetchOptions: FetchOptions | undefined;
  maxResponseBytes: number;
  maxRetries: number;
  timeoutMs: number;
  validateResponses: boolean;
  /** A value of `levels`. */
  logLevel: number;
  logger: Logger;
}

/**
 * Reads the environment without assuming one exists (browsers and workers have no `process`). A
 * read the runtime refuses (Deno without --allow-env throws NotCapable) counts as unset.
 */
export function readEnv(name: string): string | undefined {
  try {
    return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
      ?.env?.[name];
  } catch {
    return undefined;
  }
}

/** Each client option and the type its value must have (`typeof`, with arrays and null apart). */
const CLIENT_OPTIONS: Record<string, string | undefined> = {
  apiVersion: "string",
  apiKey: "string",
  apiKeyPrefix: "string",
  baseUrl: "string",
  headers: "object",
  fetch: "function",
  fetchOptions: "object",
  maxRetries: "number",
  timeoutMs: "number",
  maxResponseBytes: "number",
  validateResponses: "boolean",
  allowInsecureHttp: "boolean",
  logLevel: "string",
  logger: "object",
  dangerouslyAllowBrowser: "boolean",
} satisfies Record<keyof StabilityClientOptions, string>;
const CLIENT_KEYS = Object.keys(CLIENT_OPTIONS);
/** Every call takes these; `signal` is an object, the others are typed as on the client. */
const CALL_KEYS = [
  "signal",
  "maxRetries",
  "timeoutMs",
  "headers",
] satisfies (keyof RequestOptions)[];

/** What a value is, as messages name it: `typeof`, except `null`. */
const kind = (value: unknown) => (value === null ? "null" : typeof value);
/**
 * Refuses `options` when it is not an object, has a key not in `known` (naming the nearest known
 * key, by src/suggest.ts: `baseURL` → baseUrl, `orgnization` → organization) or a value of another
 * type. `undefined` counts as not given. Only types are named, never a value.
 */
function checkShape(options: unknown, known: readonly string[], what: string): void {
  if (options === undefined) return;
  if (kind(options) !== "object")
    throw new StabilityInputError("options", `must be an options object, got ${kind(options)}`);
  for (const key in options) {
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (!known.includes(key)) {
      const near = nearest(key, known);
      throw new StabilityInputError(key, `is not an option of ${what}`, {
        hint: near && `did you mean ${near}?`,
      });
    }
    // An operation's own parameters (`organization`) are strings.
    const type = key === "signal" ? "object" : (CLIENT_OPTIONS[key] ?? "string");
    if (kind(value) !== type)
      throw new StabilityInputError(
        key,
        `must be ${type[0] === "o" ? "an" : "a"} ${type}, got ${kind(value)}`,
      );
  }
}

/** Refuses client options (of createStabilityClient or withOptions) that are not understood. */
export function checkClientOptions(options: unknown, what: string): void {
  checkShape(options, CLIENT_KEYS, what);
}

/** The rules numeric options follow, with the words that explain a failure. */
const CHECKS = {
  maxRetries: [(n: number) => Number.isInteger(n) && n >= 0, "must be a non-negative integer"],
  timeoutMs: [(n: number) => n >= 1, "must be at least 1 (milliseconds), or Infinity"],
  maxResponseBytes: [(n: number) => Number.isInteger(n) && n >= 1, "must be a positive integer"],
} as const satisfies Record<string, readonly [(n: number) => boolean, string]>;

/** Refuses a numeric option that breaks its rule, naming it and its value. */
export function checkNumber(field: keyof typeof CHECKS, value: number | undefined): void {
  const [valid, rule] = CHECKS[field];
  if (value !== undefined && !(typeof value === "number" && valid(value)))
    throw new StabilityInputError(field, `${rule}, got ${String(value)}`);
}

/**
 * Checks a call's options before anything is sent: an object whose keys are the per-call options
 * or `params`, the operation's own parameters (`["organization"]` for balance), each of its type.
 */
export function checkCallOptions(
  options: unknown,
  params: readonly string[],
  operation: string,
): asserts options is RequestOptions | undefined {
  checkShape(options, [...CALL_KEYS, ...params], `${operation}()`);
  const { maxRetries, timeoutMs } = (options ?? {}) as RequestOptions;
  checkNumber("maxRetries", maxRetries);
  checkNumber("timeoutMs", timeoutMs);
}

/**
 * The http(s) base URL, without a trailing slash and without the API version's own prefix (the
 * spec's `servers` write `https://api.stability.ai/v1`); a base ending in another version's prefix
 * is refused. The value is never echoed (it may hold a password), only its path.
 */
function checkBaseUrl(
  baseUrl: string,
  field: string,
  allowInsecureHttp: boolean | undefined,
  apiVersion: ApiVersion,
): string {
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    // Reported below, without the value.
  }
  if (!url || !/^https?:$/.test(url.protocol))
    throw new StabilityInputError(field, "must be an absolute http(s) URL");
  if (url.username || url.password)
    throw new StabilityInputError(field, "must not contain credentials (user:password@)");
  if (/[?#]/.test(baseUrl))
    throw new StabilityInputError(field, "must not contain a query (?) or a fragment (#)");
  if (url.protocol === "http:" && !isLoopback(url.hostname) && !allowInsecureHttp)
    throw new StabilityInputError(
      field,
      `is plain http:// to ${url.host}, which would send the key in clear text`,
      { hint: "allowInsecureHttp: true allows it" },
    );
  const base = url.href.replace(/\/+$/, "");
  const last = base.slice(base.lastIndexOf("/") + 1);
  if (last === apiVersion) return base.slice(0, -last.length - 1);
  if ((API_VERSIONS as readonly string[]).includes(last))
    throw new StabilityInputError(
      field,
      `ends in /${last}, so ${apiVersion} calls would go to ${url.pathname.replace(/\/+$/, "")}/${apiVersion}/user/…`,
      { hint: `drop /${last}, or pass apiVersion: "${last}"` },
    );
  return base;
}

/**
 * The `User-Agent` to send: the caller's own first, then `stability-user-client/<version>`. A browser
 * (its `navigator.userAgent` starts with `Mozilla/`) names itself: Chrome drops the header, and
 * elsewhere it would add to every CORS preflight, so there only the caller's goes.
 */
function userAgent(given: string | undefined, platform: string | undefined): string {
  const own = platform?.startsWith("Mozilla/") ? "" : `stability-user-client/${VERSION}`;
  return [given, own].filter(Boolean).join(" ");
}

// What the client sets on every fetch itself; `fetchOptions` cannot change them.
const OWNED_BY_CLIENT = ["method", "headers", "body", "signal", "redirect", "window"];

/** Refuses `fetchOptions` that are not an object or that set what the client owns. */
function checkFetchOptions(given: FetchOptions | undefined): FetchOptions | undefined {
  if (given === undefined) return undefined;
  if (given === null || typeof given !== "object" || Array.isArray(given))
    throw new StabilityInputError("fetchOptions", "must be an object");
  for (const key of OWNED_BY_CLIENT)
    if (Object.hasOwn(given, key))
      throw new StabilityInputError(`fetchOptions.${key}`, "is set by the client on every request");
  return given;
}

// Each unknown log level is reported once per process, not once per client.
const reportedLevels = new Set<unknown>();

/** Normalises the public options once, at the boundary: defaults, environment, and every check. */
export function resolveOptions(options: StabilityClientOptions = {}): ResolvedOptions {
  checkClientOptions(options, "createStabilityClient");
  const {
    apiVersion = DEFAULTS.apiVersion,
    maxRetries = DEFAULTS.maxRetries,
    timeoutMs = DEFAULTS.timeoutMs,
    maxResponseBytes = DEFAULTS.maxResponseBytes,
    fetch = globalThis.fetch,
    logger = console,
  } = options;
  if (!(API_VERSIONS as readonly unknown[]).includes(apiVersion))
    throw new StabilityInputError(
      "apiVersion",
      `must be one of ${API_VERSIONS.join(", ")}, got ${JSON.stringify(apiVersion)}`,
    );
  // A page's users can read anything it sends, the key included (a worker has neither global).
  if (
    typeof window !== "undefined" &&
    typeof document !== "undefined" &&
    !options.dangerouslyAllowBrowser
  )
    throw new StabilityInputError(
      "dangerouslyAllowBrowser",
      "is not set, and in a browser page its users can read the API key",
      { hint: "call the API from a server" },
    );
  const apiKey = (options.apiKey ?? readEnv("STABILITY_API_KEY") ?? "").trim();
  if (!apiKey)
    throw new StabilityInputError("apiKey", "is missing", {
      hint: "pass { apiKey } or set STABILITY_API_KEY",
    });
  checkValue(apiKey, "apiKey");
  const prefix = checkValue(
    (options.apiKeyPrefix ?? DEFAULTS.apiKeyPrefix[apiVersion]).trim(),
    "apiKeyPrefix",
  );
  const headers = { ...checkHeaders(options.headers ?? DEFAULTS.headers) };
  let agent: string | undefined;
  for (const name of Object.keys(headers))
    if (/^user-agent$/i.test(name)) {
      agent = headers[name];
      delete headers[name];
    }
  agent = userAgent(agent, globalThis.navigator?.userAgent);
  if (agent) headers["User-Agent"] = agent;
  checkNumber("maxRetries", maxRetries);
  checkNumber("timeoutMs", timeoutMs);
  checkNumber("maxResponseBytes", maxResponseBytes);
  // Read only when baseUrl is not given. An empty STABILITY_BASE_URL counts as unset; a bad one is
  // reported under its own name.
  const baseUrl = options.baseUrl ?? (readEnv("STABILITY_BASE_URL")?.trim() || undefined);
  const base = checkBaseUrl(
    baseUrl ?? DEFAULTS.baseUrl,
    options.baseUrl === undefined && baseUrl ? "STABILITY_BASE_URL" : "baseUrl",
    options.allowInsecureHttp,
    apiVersion,
  );
  if (typeof fetch !== "function")
    throw new StabilityInputError("fetch", "is not available in this runtime", {
      hint: "pass { fetch }",
    });

  const fetchOptions = checkFetchOptions(options.fetchOptions);

  const level: LogLevel =
    options.logLevel ??
    ((readEnv("STABILITY_LOG")?.trim().toLowerCase() || undefined) as LogLevel | undefined) ??
    DEFAULTS.logLevel;
  const known = Object.hasOwn(levels, level);
  if (!known && !reportedLevels.has(level)) {
    reportedLevels.add(level);
    const source = options.logLevel === undefined ? "STABILITY_LOG" : "logLevel";
    logger.warn(
      `stability: ${source} ${JSON.stringify(level).slice(0, 40)} is not a log level (${Object.keys(levels).join(", ")}); using "${DEFAULTS.logLevel}"`,
    );
  }
  return {
    apiVersion,
    authorization: prefix ? `${prefix} ${apiKey}` : apiKey,
    apiKey,
    baseUrl: base,
    headers,
    fetch,
    fetchOptions,
    maxResponseBytes,
    maxRetries,
    timeoutMs,
    validateResponses: options.validateResponses ?? DEFAULTS.validateResponses,
    logLevel: levels[known ? level : DEFAULTS.logLevel],
    logger,
  };
}
