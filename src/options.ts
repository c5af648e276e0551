import { StabilityInputError } from "./errors.js";

/** How much the client logs. Each level includes the ones before it. */
export type LogLevel = "off" | "error" | "warn" | "info" | "debug";

/** Anything console-like; `console` is the default. */
export interface Logger {
  error(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
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
  /** Extra headers sent with every request (a `User-Agent`, a tracing header). Cannot override `Authorization`. */
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
  /** Aborts the call, including any wait between retries; the call rejects with {@link StabilityAbortError}. */
  signal?: AbortSignal;
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number;
  /** Overrides the client's `timeoutMs` for this call. */
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

export const DEFAULTS = {
  apiKeyPrefix: "",
  baseUrl: "https://api.stability.ai",
  maxRetries: 2,
  timeoutMs: 60_000,
  validateResponses: false,
  allowInsecureHttp: false,
  logLevel: "warn",
} as const;

const LEVELS: readonly LogLevel[] = ["off", "error", "warn", "info", "debug"];

export interface ResolvedOptions {
  /** The full `Authorization` value (prefix and key). */
  authorization: string;
  apiKey: string;
  baseUrl: string;
  headers: Record<string, string>;
  fetch: typeof globalThis.fetch;
  maxRetries: number;
  timeoutMs: number;
  validateResponses: boolean;
  /** Index into LEVELS: 0 off … 4 debug. */
  logLevel: number;
  logger: Logger;
}

/** Reads the environment without assuming one exists (browsers and workers have no `process`). */
export function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  return env?.[name];
}

/** Refuses a header value that could split the header (CR, LF or NUL); never echoes the value. */
export function assertHeaderSafe(value: string, what: string): void {
  if (/[\r\n\0]/.test(value))
    throw new StabilityInputError(`${what} contains CR, LF or NUL; refusing to send it`);
}

function assertCount(value: number, what: string, min: number): void {
  if (!(value >= min) || (what !== "timeoutMs" && !Number.isInteger(value))) {
    throw new StabilityInputError(
      `${what} must be ${what === "timeoutMs" ? "a number" : "an integer"} ≥ ${min}, got ${String(value)}`,
    );
  }
}

/** Validates a per-call override; the resolved client options were validated once. */
export function checkCallOptions(options: RequestOptions): void {
  if (options.maxRetries !== undefined) assertCount(options.maxRetries, "maxRetries", 0);
  if (options.timeoutMs !== undefined) assertCount(options.timeoutMs, "timeoutMs", 1);
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Normalises the public options once, at the boundary: defaults, environment, and every check. */
export function resolveOptions(options: StabilityClientOptions = {}): ResolvedOptions {
  const apiKey = (options.apiKey ?? readEnv("STABILITY_API_KEY") ?? "").trim();
  if (!apiKey) {
    throw new StabilityInputError(
      "no API key: pass { apiKey } to createStabilityClient() or set STABILITY_API_KEY",
    );
  }
  assertHeaderSafe(apiKey, "apiKey");
  const prefix = (options.apiKeyPrefix ?? DEFAULTS.apiKeyPrefix).trim();
  assertHeaderSafe(prefix, "apiKeyPrefix");

  const rawBase = options.baseUrl ?? DEFAULTS.baseUrl;
  let url: URL;
  try {
    url = new URL(rawBase);
  } catch {
    throw new StabilityInputError(`baseUrl is not an absolute URL: ${JSON.stringify(rawBase)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new StabilityInputError(`baseUrl must be http(s), got ${url.protocol}`);
  }
  if (url.protocol === "http:" && !LOOPBACK.test(url.hostname) && !options.allowInsecureHttp) {
    throw new StabilityInputError(
      `refusing plain http:// to ${url.host}: the API key would cross the network unencrypted (set allowInsecureHttp: true to allow)`,
    );
  }

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (/^authorization$/i.test(name)) continue;
    assertHeaderSafe(value, `header ${name}`);
    headers[name] = value;
  }

  const maxRetries = options.maxRetries ?? DEFAULTS.maxRetries;
  assertCount(maxRetries, "maxRetries", 0);
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  assertCount(timeoutMs, "timeoutMs", 1);

  const levelName =
    options.logLevel ?? (readEnv("STABILITY_LOG")?.toLowerCase() as LogLevel | undefined);
  const level = LEVELS.indexOf(levelName ?? DEFAULTS.logLevel);

  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") {
    throw new StabilityInputError("no fetch: this runtime has no global fetch; pass { fetch }");
  }

  return {
    authorization: prefix ? `${prefix} ${apiKey}` : apiKey,
    apiKey,
    baseUrl: url.href.replace(/\/+$/, ""),
    headers,
    fetch: fetchImpl,
    maxRetries,
    timeoutMs,
    validateResponses: options.validateResponses ?? DEFAULTS.validateResponses,
    logLevel: level === -1 ? LEVELS.indexOf(DEFAULTS.logLevel) : level,
    logger: options.logger ?? console,
  };
}
