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
import { VERSION } from "./version.js";

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

/**
 * The `User-Agent` to send: the caller's own first, then `stability-user-client/<version>`. A browser
 * (its `navigator.userAgent` starts with `Mozilla/`) names itself: Chrome drops the header, and
 * elsewhere it would add to every CORS preflight, so there only the caller's goes.
 */
function userAgent(given: string | undefined, platform: string | undefined): string {
  const own = platform?.startsWith("Mozilla/") ? "" : `stability-user-client/${VERSION}`;
  return [given, own].filter(Boolean).join(" ");
}

// Each unknown log level is reported once per process, not once per client.
const reportedLevels = new Set<unknown>();

/** Normalises the public options once, at the boundary: defaults, environment, and every check. */
export function resolveOptions(options: StabilityClientOptions = {}): ResolvedOptions {
  const {
    apiVersion = DEFAULTS.apiVersion,
    maxRetries = DEFAULTS.maxRetries,
    timeoutMs = DEFAULTS.timeoutMs,
    fetch = globalThis.fetch,
    logger = console,
  } = options;
  if (!(API_VERSIONS as readonly unknown[]).includes(apiVersion))
    throw new StabilityInputError(
      "apiVersion",
      `must be one of ${API_VERSIONS.join(", ")}, got ${JSON.stringify(apiVersion)}`,
    );
  // A page's users can read anything it sends, the key included (Deno has a window, but no document).
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
  const prefix = (options.apiKeyPrefix ?? DEFAULTS.apiKeyPrefix[apiVersion]).trim();
  assertHeaderSafe(apiKey, "apiKey");
  assertHeaderSafe(prefix, "apiKeyPrefix");
  const headers: Record<string, string> = {};
  let agent: string | undefined;
  for (const [name, value] of Object.entries<string>(options.headers ?? DEFAULTS.headers)) {
    assertHeaderSafe(value, `headers.${name}`);
    if (/^user-agent$/i.test(name)) agent = value;
    else if (!/^authorization$/i.test(name)) headers[name] = value;
  }
  agent = userAgent(agent, globalThis.navigator?.userAgent);
  if (agent) headers["User-Agent"] = agent;
  checkNumber("maxRetries", maxRetries);
  checkNumber("timeoutMs", timeoutMs);

  // An empty STABILITY_BASE_URL counts as unset; a bad one is reported under its own name.
  const fromEnv = readEnv("STABILITY_BASE_URL")?.trim() || undefined;
  const baseUrl = options.baseUrl ?? fromEnv ?? DEFAULTS.baseUrl;
  const baseField = options.baseUrl === undefined && fromEnv ? "STABILITY_BASE_URL" : "baseUrl";
  let url: URL;
  try {
    url = new URL(baseUrl);
    if (!/^https?:$/.test(url.protocol)) throw new TypeError("not http(s)");
  } catch {
    throw new StabilityInputError(
      baseField,
      `must be an http(s) URL, got ${JSON.stringify(baseUrl)}`,
    );
  }
  if (url.protocol === "http:" && !LOOPBACK.test(url.hostname) && !options.allowInsecureHttp) {
    throw new StabilityInputError(
      baseField,
      `is plain http:// to ${url.host}, which would send the key in clear text`,
      { hint: "allowInsecureHttp: true allows it" },
    );
  }

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
    baseUrl: url.href.replace(/\/+$/, ""),
    headers,
    fetch,
    maxRetries,
    timeoutMs,
    validateResponses: options.validateResponses ?? DEFAULTS.validateResponses,
    logLevel: levels[known ? level : DEFAULTS.logLevel],
    logger,
  };
}
