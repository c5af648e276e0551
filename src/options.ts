// The public, documented options and their defaults. Resolution and checks live in resolve.ts.
import type { ApiVersion } from "./operations.js";

/** How much the client logs. Each level includes the ones before it. */
export type LogLevel = "off" | "error" | "warn" | "info" | "debug";

/** Anything console-like; `console` is the default. */
export interface Logger {
  /** A call failed for good after retries, or the server asked to wait too long. */
  error(message: string, ...details: unknown[]): void;
  /** An unknown log level (`logLevel` or `STABILITY_LOG`), reported once. */
  warn(message: string, ...details: unknown[]): void;
  /** A retry, with its reason and delay; quiet at the default level, so a call that succeeds prints nothing. */
  info(message: string, ...details: unknown[]): void;
  /** Every attempt: method, path, outcome, duration, retry delay, headers with `Authorization` redacted. */
  debug(message: string, ...details: unknown[]): void;
}

/** Options for {@link createStabilityClient}. Every one is optional. */
export interface StabilityClientOptions<V extends ApiVersion = ApiVersion> {
  /**
   * Which version of the API to call: `/v1alpha/user/…` or `/v1/user/…`. `v1` is the version
   * Stability documents today; `v1alpha` is the one the reference clients were generated from.
   * @default "v1alpha"
   * @example "v1"
   */
  apiVersion?: V | undefined;
  /**
   * The Stability API key. Sent in the `Authorization` header, never logged or put in an error.
   * @default process.env.STABILITY_API_KEY (where an environment exists)
   */
  apiKey?: string | undefined;
  /**
   * A scheme word put before the key: `"Bearer"` sends `Authorization: Bearer <key>`; `""` sends the bare key.
   * @default "Bearer" on v1 (as Stability's v1 samples send it), "" on v1alpha (as its spec describes)
   * @example "Bearer"
   */
  apiKeyPrefix?: string | undefined;
  /**
   * Where the API lives; paths such as `/v1alpha/user/balance` are appended.
   * @default process.env.STABILITY_BASE_URL, else "https://api.stability.ai" (the vendored specs' server)
   * @example "http://127.0.0.1:4010"
   */
  baseUrl?: string | undefined;
  /**
   * Extra headers sent with every request (a `User-Agent`, a tracing header). Names are matched
   * without case; a name that is not an HTTP token (or is `__proto__`, which fetch drops), or a
   * value with a control character or one beyond Latin-1, is refused. Cannot override
   * `Authorization`. A `User-Agent` given here goes first and the client's
   * `stability-user-client/<version>` follows it.
   * @default {}
   * @example { "User-Agent": "credit-watch/1.0" }
   */
  headers?: Record<string, string> | undefined;
  /**
   * The `fetch` to use: a proxy-aware one, or a recorder in tests.
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch | undefined;
  /**
   * More options for every `fetch` call, such as undici's `dispatcher` (a proxy agent) or a
   * `credentials` mode. The client's own `method`, `headers`, `body`, `signal` and `redirect` cannot
   * be overridden; setting one is refused. Not applied to `raw`.
   * @default none
   * @example { dispatcher: new EnvHttpProxyAgent() }
   */
  fetchOptions?: FetchOptions | undefined;
  /**
   * Retries after a connection failure, timeout, 408, 409, 429 or 5xx. `0` turns retries off.
   * @default 2
   */
  maxRetries?: number | undefined;
  /**
   * Time limit for each attempt (headers and body), in milliseconds.
   * @default 60000
   */
  timeoutMs?: number | undefined;
  /**
   * The most bytes of a response body the client reads, counted after decompression. A 2xx body
   * over it ends the call with {@link StabilityResponseError} ("body over N bytes"), not retried;
   * an error body is cut at this or 64 KiB, whichever is smaller. Real answers are under 1 KB.
   * @default 1048576 (1 MiB)
   */
  maxResponseBytes?: number | undefined;
  /**
   * Check each 2xx body against the vendored schema before returning it, and throw
   * {@link StabilityValidationError} on a mismatch (`{}` or `{ "credits": "lots" }` for a balance):
   * a success means the answer was checked. `false` returns bodies unchecked. The validator loads
   * on the first call, apart from the default import.
   * @default true
   */
  validateResponses?: boolean | undefined;
  /**
   * Allow a plain `http://` `baseUrl` on a host other than loopback (the key would cross the network in clear text).
   * @default false
   */
  allowInsecureHttp?: boolean | undefined;
  /**
   * How much to log: `error` a call that gives up after retries; `info` each retry; `debug` every
   * attempt, with `Authorization` redacted. A call that succeeds prints nothing at the default,
   * even after retries. An unknown level (here or in `STABILITY_LOG`) is reported once through
   * `logger.warn`, and `"warn"` applies.
   * @default process.env.STABILITY_LOG, else "warn"
   */
  logLevel?: LogLevel | undefined;
  /**
   * Where log lines go.
   * @default console
   */
  logger?: Logger | undefined;
  /**
   * Allow a client in a browser page (a global `window` and `document`), where anyone using the page
   * can read the API key. Without it, creating a client there throws {@link StabilityInputError}.
   * Workers, Deno, Bun and Node are not affected.
   * @default false
   */
  dangerouslyAllowBrowser?: boolean | undefined;
}

/** What `fetchOptions` may hold: `RequestInit` fields the client does not own, and runtime extras such as `dispatcher`. */
export type FetchOptions = Omit<
  RequestInit,
  "method" | "headers" | "body" | "signal" | "redirect" | "window"
> & {
  [extra: string]: unknown;
};

/** Per-call options: each overrides the client's setting for this call only. */
export interface RequestOptions {
  /**
   * Aborts the call, including any wait between retries; the call rejects with {@link StabilityAbortError}.
   * @default none
   * @example { signal: AbortSignal.timeout(5_000) }
   */
  signal?: AbortSignal | undefined;
  /**
   * Overrides the client's `maxRetries` for this call.
   * @default the client's `maxRetries` (2)
   */
  maxRetries?: number | undefined;
  /**
   * Overrides the client's `timeoutMs` for this call.
   * @default the client's `timeoutMs` (60000)
   */
  timeoutMs?: number | undefined;
  /**
   * Headers for this call only, merged with the client's `headers` by name without case; this
   * call's value wins. Cannot override `Authorization` (nor, on `balance()`, `organization`).
   * @default none
   * @example { headers: { "X-Request-Id": "job-42" } }
   */
  headers?: Record<string, string> | undefined;
}

/** Every default, in one place: the library, the CLI's help and docs/library.md read them from here. */
export const DEFAULTS = {
  apiVersion: "v1alpha",
  /** Per API version: what goes before the key in `Authorization`. */
  apiKeyPrefix: { v1alpha: "", v1: "Bearer" },
  baseUrl: "https://api.stability.ai",
  headers: {},
  maxRetries: 2,
  timeoutMs: 60_000,
  maxResponseBytes: 1024 * 1024,
  validateResponses: true,
  allowInsecureHttp: false,
  logLevel: "warn",
  dangerouslyAllowBrowser: false,
} as const satisfies {
  [K in keyof Required<StabilityClientOptions>]?: unknown;
};

/** Log levels by name; each level includes the ones below it (`debug` logs everything). */
export const levels = { off: 0, error: 1, warn: 2, info: 3, debug: 4 } as const satisfies Record<
  LogLevel,
  number
>;
