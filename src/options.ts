import { StabilityInputError } from "./errors.js";

/** How much the client logs. Each level includes the ones before it. */
export type LogLevel = "off" | "error" | "warn" | "info" | "debug";

/** Anything console-like; `console` is the default. */
export interface Logger {
  /** A call failed for good after retries, or the server asked to wait too long. */
  error(message: string, ...details: unknown[]): void;
  /** A retry, with its reason and delay. */
  warn(message: string, ...details: unknown[]): void;
  /** Nothing is logged at `info` today; the level exists so any console-like object fits. */
  info(message: string, ...details: unknown[]): void;
  /** Every attempt: method, path, outcome, duration, retry delay, headers with `Authorization` redacted. */
  debug(message: string, ...details: unknown[]): void;
}

/** Options for {@link createStabilityClient}. Every one is optional. */
export interface StabilityClientOptions {
  /**
   * The Stability API key. Sent in the `Authorization` header, never logged or put in an error.
   * @default process.env.STABILITY_API_KEY (where an environment exists)
   */
  apiKey?: string;
  /**
   * A scheme word put before the key: `"Bearer"` sends `Authorization: Bearer <key>`.
   * @default "" (the raw key, as the v1alpha spec describes)
   * @example "Bearer"
   */
  apiKeyPrefix?: string;
  /**
   * Where the API lives; paths such as `/v1alpha/user/balance` are appended.
   * @default "https://api.stability.ai" (the vendored spec's server)
   */
  baseUrl?: string;
  /**
   * Extra headers sent with every request (a `User-Agent`, a tracing header). Cannot override `Authorization`.
   * @default {}
   * @example { "User-Agent": "credit-watch/1.0" }
   */
  headers?: Record<string, string>;
  /**
   * The `fetch` to use: a proxy-aware one, or a recorder in tests.
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
  /**
   * Retries after a connection failure, timeout, 408, 409, 429 or 5xx. `0` turns retries off.
   * @default 2
   */
  maxRetries?: number;
  /**
   * Time limit for each attempt (headers and body), in milliseconds.
   * @default 60000
   */
  timeoutMs?: number;
  /**
   * Check each 2xx body against the vendored schema and throw {@link StabilityValidationError} on a mismatch.
   * The validator is loaded on first use, so it costs nothing when off.
   * @default false
   */
  validateResponses?: boolean;
  /**
   * Allow a plain `http://` `baseUrl` on a host other than loopback (the key would cross the network in clear text).
   * @default false
   */
  allowInsecureHttp?: boolean;
  /**
   * How much to log: `debug` logs every attempt with `Authorization` redacted.
   * @default process.env.STABILITY_LOG, else "warn"
   */
  logLevel?: LogLevel;
  /**
   * Where log lines go.
   * @default console
   */
  logger?: Logger;
}

/** Per-call options: each overrides the client's setting for this call only. */
export interface RequestOptions {
  /**
   * Aborts the call, including any wait between retries; the call rejects with {@link StabilityAbortError}.
   * @default none
   * @example { signal: AbortSignal.timeout(5_000) }
   */
  signal?: AbortSignal;
  /**
   * Overrides the client's `maxRetries` for this call.
   * @default the client's `maxRetries` (2)
   */
  maxRetries?: number;
  /**
   * Overrides the client's `timeoutMs` for this call.
   * @default the client's `timeoutMs` (60000)
   */
  timeoutMs?: number;
}

/** Options for `balance()` and `balanceWithHttpInfo()`. */
export interface BalanceOptions extends RequestOptions {
  /**
   * The organization whose balance to read, sent as the `Organization` header only when given.
   * @default the key owner's default organization
   * @example "org-123456"
   */
  organization?: string;
}

/** The defaults that are not `false` or empty: where the API lives, retries, per-attempt timeout, log level. */
export const DEFAULTS = {
  baseUrl: "https://api.stability.ai",
  maxRetries: 2,
  timeoutMs: 60_000,
  logLevel: "warn",
} as const;

export const LEVELS: readonly LogLevel[] = ["off", "error", "warn", "info", "debug"];

export interface ResolvedOptions {
  /** The full `Authorization` value (prefix and key). */
  authorization: string;
  apiKey: string;
  baseUrl: string;
  headers: Record<string, string>;
  fetch: typeof globalThis.fetch;
  maxRetries: number;
  timeoutMs: number;
  validateResponses?: boolean;
  /** Index into LEVELS: 0 off … 4 debug. */
  logLevel: number;
  logger: Logger;
}

/** Reads the environment without assuming one exists (browsers and workers have no `process`). */
export function readEnv(name: string): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[
    name
  ];
}

/** Refuses a header value that could split the header (CR, LF or NUL); never echoes the value. */
export function assertHeaderSafe(value: string, what: string): void {
  if (/[\r\n\0]/.test(value))
    throw new StabilityInputError(`${what} contains CR, LF or NUL; refusing to send it`);
}

/** Validates `maxRetries` (≥ 0) and `timeoutMs` (≥ 1) wherever they are given. */
export function checkCallOptions({ maxRetries = 0, timeoutMs = 1 }: RequestOptions): void {
  if (!(maxRetries >= 0 && timeoutMs >= 1))
    throw new StabilityInputError(
      `maxRetries must be ≥ 0 and timeoutMs ≥ 1, got ${maxRetries} and ${timeoutMs}`,
    );
}

const LOOPBACK = /^(localhost|127\.[\d.]+|\[::1\])$/i;

/** Normalises the public options once, at the boundary: defaults, environment, and every check. */
export function resolveOptions(options: StabilityClientOptions = {}): ResolvedOptions {
  const {
    maxRetries = DEFAULTS.maxRetries,
    timeoutMs = DEFAULTS.timeoutMs,
    baseUrl = DEFAULTS.baseUrl,
    fetch = globalThis.fetch,
  } = options;
  const apiKey = (options.apiKey ?? readEnv("STABILITY_API_KEY") ?? "").trim();
  if (!apiKey)
    throw new StabilityInputError("no API key: pass { apiKey } or set STABILITY_API_KEY");
  const prefix = (options.apiKeyPrefix ?? "").trim();
  assertHeaderSafe(apiKey, "apiKey");
  assertHeaderSafe(prefix, "apiKeyPrefix");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    assertHeaderSafe(value, name);
    if (!/^authorization$/i.test(name)) headers[name] = value;
  }
  checkCallOptions({ maxRetries, timeoutMs });

  let url: URL;
  try {
    url = new URL(baseUrl);
    if (!/^https?:$/.test(url.protocol)) throw new TypeError("not http(s)");
  } catch {
    throw new StabilityInputError(`baseUrl must be an http(s) URL, got ${JSON.stringify(baseUrl)}`);
  }
  if (url.protocol === "http:" && !LOOPBACK.test(url.hostname) && !options.allowInsecureHttp) {
    throw new StabilityInputError(
      `refusing plain http:// to ${url.host} (allowInsecureHttp: true allows it)`,
    );
  }

  const level = LEVELS.indexOf(
    options.logLevel ??
      (readEnv("STABILITY_LOG")?.toLowerCase() as LogLevel | undefined) ??
      DEFAULTS.logLevel,
  );
  return {
    authorization: prefix ? `${prefix} ${apiKey}` : apiKey,
    apiKey,
    baseUrl: url.href.replace(/\/+$/, ""),
    headers,
    fetch,
    maxRetries,
    timeoutMs,
    validateResponses: options.validateResponses,
    logLevel: level < 0 ? 2 : level,
    logger: options.logger ?? console,
  };
}
