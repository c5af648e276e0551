// Options are normalised once, here, at the boundary: defaults, environment and every check.
// Each check is a row in CHECKS (a rule and its message); a failure names the option and its value.
import { StabilityInputError } from "./errors.js";
import { API_VERSIONS, type ApiVersion } from "./operations.js";
import {
  DEFAULTS,
  levels,
  type LogLevel,
  type Logger,
  type RequestOptions,
  type StabilityClientOptions,
} from "./options.js";

export interface ResolvedOptions {
  apiVersion: ApiVersion;
  /** The full `Authorization` value (prefix and key). */
  authorization: string;
  apiKey: string;
  baseUrl: string;
  headers: Record<string, string>;
  fetch: typeof globalThis.fetch;
  maxRetries: number;
  timeoutMs: number;
  validateResponses: boolean;
  /** A value of `levels`. */
  logLevel: number;
  logger: Logger;
}

/** Reads the environment without assuming one exists (browsers and workers have no `process`). */
export function readEnv(name: string): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[
    name
  ];
}

/** The rules numeric options follow, with the words that explain a failure. */
const CHECKS = {
  maxRetries: [(n: number) => Number.isInteger(n) && n >= 0, "must be a non-negative integer"],
  timeoutMs: [(n: number) => n >= 1, "must be at least 1 (milliseconds), or Infinity"],
} as const satisfies Record<string, readonly [(n: number) => boolean, string]>;

/** Refuses a numeric option that breaks its rule, naming it and its value. */
export function checkNumber(field: keyof typeof CHECKS, value: number | undefined): void {
  const [valid, rule] = CHECKS[field];
  if (value !== undefined && !(typeof value === "number" && valid(value)))
    throw new StabilityInputError(field, `${rule}, got ${String(value)}`);
}

/** Checks the per-call overrides of `maxRetries` and `timeoutMs`. */
export function checkCallOptions({ maxRetries, timeoutMs }: RequestOptions): void {
  checkNumber("maxRetries", maxRetries);
  checkNumber("timeoutMs", timeoutMs);
}

/** Refuses a header value that could split the header (CR, LF or NUL); never echoes the value. */
export function assertHeaderSafe(value: string, field: string): void {
  if (/[\r\n\0]/.test(value))
    throw new StabilityInputError(field, "contains CR, LF or NUL; refusing to send it");
}

const LOOPBACK = /^(localhost|127\.[\d.]+|\[::1\])$/i;

/** Normalises the public options once, at the boundary: defaults, environment, and every check. */
export function resolveOptions(options: StabilityClientOptions = {}): ResolvedOptions {
  const {
    apiVersion = DEFAULTS.apiVersion,
    maxRetries = DEFAULTS.maxRetries,
    timeoutMs = DEFAULTS.timeoutMs,
    baseUrl = DEFAULTS.baseUrl,
    fetch = globalThis.fetch,
  } = options;
  if (!(API_VERSIONS as readonly unknown[]).includes(apiVersion))
    throw new StabilityInputError(
      "apiVersion",
      `must be one of ${API_VERSIONS.join(", ")}, got ${JSON.stringify(apiVersion)}`,
    );
  const apiKey = (options.apiKey ?? readEnv("STABILITY_API_KEY") ?? "").trim();
  if (!apiKey)
    throw new StabilityInputError("apiKey", "is missing", {
      hint: "pass { apiKey } or set STABILITY_API_KEY",
    });
  const prefix = (options.apiKeyPrefix ?? DEFAULTS.apiKeyPrefix[apiVersion]).trim();
  assertHeaderSafe(apiKey, "apiKey");
  assertHeaderSafe(prefix, "apiKeyPrefix");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries<string>(options.headers ?? DEFAULTS.headers)) {
    assertHeaderSafe(value, `headers.${name}`);
    if (!/^authorization$/i.test(name)) headers[name] = value;
  }
  checkNumber("maxRetries", maxRetries);
  checkNumber("timeoutMs", timeoutMs);

  let url: URL;
  try {
    url = new URL(baseUrl);
    if (!/^https?:$/.test(url.protocol)) throw new TypeError("not http(s)");
  } catch {
    throw new StabilityInputError(
      "baseUrl",
      `must be an http(s) URL, got ${JSON.stringify(baseUrl)}`,
    );
  }
  if (url.protocol === "http:" && !LOOPBACK.test(url.hostname) && !options.allowInsecureHttp) {
    throw new StabilityInputError(
      "baseUrl",
      `is plain http:// to ${url.host}, which would send the key in clear text`,
      { hint: "allowInsecureHttp: true allows it" },
    );
  }

  const level =
    options.logLevel ??
    (readEnv("STABILITY_LOG")?.toLowerCase() as LogLevel | undefined) ??
    DEFAULTS.logLevel;
  return {
    apiVersion,
    authorization: prefix ? `${prefix} ${apiKey}` : apiKey,
    apiKey,
    baseUrl: url.href.replace(/\/+$/, ""),
    headers,
    fetch,
    maxRetries,
    timeoutMs,
    validateResponses: options.validateResponses ?? DEFAULTS.validateResponses,
    logLevel: Object.hasOwn(levels, level) ? levels[level] : levels[DEFAULTS.logLevel],
    logger: options.logger ?? console,
  };
}
