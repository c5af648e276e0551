import { describe, expect, it, vi } from "vitest";
import {
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  MAX_RETRY_AFTER_MS,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  StabilityAbortError,
  StabilityApiError,
  StabilityConnectionError,
  StabilityInputError,
  StabilityResponseError,
  StabilityTimeoutError,
  createStabilityClient,
  isRetryable,
  parseRetryAfter,
  retryDelay,
  type Logger,
} from "../src/index.ts";
import {
  closedPort,
  json,
  reset,
  resetMidBody,
  type Behaviour,
  serverPerTest,
  failure,
  clientFor,
} from "./helpers/server.ts";

const apiKey = "sk-retries-test-key";
const target = { method: "GET", path: "/v1alpha/user/balance" };
const ok = json(200, { credits: 7 });
// A few milliseconds keeps the suite fast while still going through the wait.
const fast = { "retry-after-ms": "5" };

const serve = serverPerTest();

/** Collects info lines, where the client announces each retry and its delay. */
function warnings() {
  const lines: string[] = [];
  const logger: Logger = {
    error: () => {},
    warn: () => {},
    info: (message: string) => lines.push(message),
    debug: () => {},
  };
  return { lines, logger };
}

/** When each request reached the server, to check the wait between attempts. */
function timed(arrivals: number[], behaviour: Behaviour): Behaviour {
  return (req, res) => {
    arrivals.push(performance.now());
    behaviour(req, res);
  };
}

describe("retries on the wire", () => {
  it("retries 503, 503 and returns the 200 after 3 attempts", async () => {
    const server = await serve(json(503, {}, fast), json(503, {}, fast), ok);
    const { lines, logger } = warnings();
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logger, logLevel: "info" });
    await expect(client.balance()).resolves.toEqual({ credits: 7 });
    expect(server.received).toHaveLength(3);
    expect(lines).toEqual([
      expect.stringMatching(/503 .*retry 1 of 2 in 5 ms$/),
      expect.stringMatching(/503 .*retry 2 of 2 in 5 ms$/),
    ]);
  });

  it("gives up with InternalServerError after 3 attempts of 503", async () => {
    const server = await serve(json(503, {}, fast));
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logLevel: "off" });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(InternalServerError);
    expect((error as InternalServerError).status).toBe(503);
    expect(server.received).toHaveLength(3);
  });

  it("honours Retry-After in seconds on a 429, then returns the 200", async () => {
    const arrivals: number[] = [];
    const server = await serve(
      timed(arrivals, json(429, {}, { "retry-after": "1" })),
      timed(arrivals, ok),
    );
    const { lines, logger } = warnings();
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logger, logLevel: "info" });
    await expect(client.balance()).resolves.toEqual({ credits: 7 });
    expect(server.received).toHaveLength(2);
    expect(lines).toEqual([expect.stringMatching(/429 .*retry 1 of 2 in 1000 ms$/)]);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(900);
  });

  it("honours Retry-After as an HTTP date on a 429, then returns the 200", async () => {
    // The clock stands still on a whole second, so "now + 1 s" asks for exactly 1000 ms however
    // long the answer takes to arrive; only Date is faked, the wait itself is real.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.UTC(2026, 0, 1, 12, 0, 0) });
    try {
      const arrivals: number[] = [];
      const when = new Date(Date.now() + 1000).toUTCString();
      const server = await serve(
        timed(arrivals, json(429, {}, { "retry-after": when })),
        timed(arrivals, ok),
      );
      const { lines, logger } = warnings();
      const client = createStabilityClient({
        apiKey,
        baseUrl: server.url,
        logger,
        logLevel: "info",
      });
      await expect(client.balance()).resolves.toEqual({ credits: 7 });
      expect(server.received).toHaveLength(2);
      // Above the default backoff's 500 ms ceiling, so the date was read, not ignored.
      expect(lines).toEqual([expect.stringMatching(/429 .*retry 1 of 2 in 1000 ms$/)]);
      expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(900);
    } finally {
      vi.useRealTimers();
    }
  });

  it("ends at once with a RateLimitError exposing the wait when Retry-After exceeds 60 s", async () => {
    const server = await serve(json(429, {}, { "retry-after": "120" }), ok);
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logLevel: "off" });
    const started = performance.now();
    const error = await failure(client.balance());
    expect(error.constructor).toBe(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(120_000);
    expect(server.received).toHaveLength(1);
    // Waiting would take 60 s or more; a loaded machine takes nowhere near half of that.
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it("retries 408 and 409 like 5xx", async () => {
    const server = await serve(json(408, {}, fast), json(409, {}, fast), ok);
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logLevel: "off" });
    await expect(client.balance()).resolves.toEqual({ credits: 7 });
    expect(server.received).toHaveLength(3);
  });

  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
  ])("never retries %i", async (status, ErrorClass) => {
    const server = await serve(json(status, { name: "no", message: "no" }, fast), ok);
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logLevel: "off" });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(ErrorClass);
    expect(server.received).toHaveLength(1);
  });

  it("sends one request and no retry with maxRetries: 0", async () => {
    const server = await serve(json(503, {}, fast), ok);
    const client = clientFor(server, { apiKey, maxRetries: 0 });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(InternalServerError);
    expect(server.received).toHaveLength(1);
  });

  it("lets a call raise maxRetries above the client's", async () => {
    const server = await serve(json(503, {}, fast), json(503, {}, fast), ok);
    const client = clientFor(server, { apiKey, maxRetries: 0 });
    await expect(client.balance({ maxRetries: 2 })).resolves.toEqual({ credits: 7 });
    expect(server.received).toHaveLength(3);
  });

  it("lets a call turn retries off", async () => {
    const server = await serve(json(503, {}, fast), ok);
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logLevel: "off" });
    const error = await failure(client.account({ maxRetries: 0 }));
    expect(error.constructor).toBe(InternalServerError);
    expect(server.received).toHaveLength(1);
  });

  it("refuses a per-call maxRetries that is not a whole number ≥ 0, sending nothing", async () => {
    const server = await serve(ok);
    const client = createStabilityClient({ apiKey, baseUrl: server.url });
    const error = await failure(client.balance({ maxRetries: -1 }));
    expect(error.constructor).toBe(StabilityInputError);
    expect(server.received).toHaveLength(0);
  });
});

describe("connection failures", () => {
  it("reports a refused connection as StabilityConnectionError after every attempt", async () => {
    let attempts = 0;
    const counting: typeof fetch = (input, init) => {
      attempts++;
      return fetch(input, init);
    };
    const client = createStabilityClient({
      apiKey,
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      fetch: counting,
      maxRetries: 1,
      logLevel: "off",
    });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(StabilityConnectionError);
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(attempts).toBe(2);
  });

  it("retries a connection reset before the response, then returns the 200", async () => {
    const server = await serve(reset(), ok);
    const client = clientFor(server, { apiKey, maxRetries: 1 });
    await expect(client.balance()).resolves.toEqual({ credits: 7 });
    expect(server.received).toHaveLength(2);
  });

  it("reports a reset before the response as StabilityConnectionError", async () => {
    const server = await serve(reset());
    const client = clientFor(server, { apiKey, maxRetries: 0 });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(StabilityConnectionError);
    expect(server.received).toHaveLength(1);
  });

  it("reports a reset during the body as StabilityConnectionError, not SyntaxError", async () => {
    const server = await serve(resetMidBody(200));
    const client = clientFor(server, { apiKey, maxRetries: 0 });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(StabilityConnectionError);
    expect(error.message).toMatch(/while reading the 200 response body/);
    expect(server.received).toHaveLength(1);
  });

  it("retries a reset during the body, then returns the 200", async () => {
    const server = await serve(resetMidBody(200), ok);
    const client = clientFor(server, { apiKey, maxRetries: 1 });
    await expect(client.balance()).resolves.toEqual({ credits: 7 });
    expect(server.received).toHaveLength(2);
  });
});

describe("isRetryable", () => {
  const api = (status: number) =>
    new (status === 429 ? RateLimitError : StabilityApiError)(target, status, new Headers(), "");

  it("retries connection failures and timeouts", () => {
    expect(isRetryable(new StabilityConnectionError("reset", target))).toBe(true);
    expect(isRetryable(new StabilityTimeoutError("slow", target))).toBe(true);
  });

  it("retries 408, 409, 429 and every 5xx", () => {
    for (const status of [408, 409, 429, 500, 502, 503, 504, 599])
      expect(isRetryable(api(status)), String(status)).toBe(true);
  });

  it("never retries 400, 401, 403, 404 or other 4xx", () => {
    for (const status of [400, 401, 403, 404, 410, 422])
      expect(isRetryable(api(status)), String(status)).toBe(false);
  });

  it("never retries an abort, bad input or a bad 2xx body", () => {
    expect(isRetryable(new StabilityAbortError("stop", target))).toBe(false);
    expect(isRetryable(new StabilityInputError("maxRetries", "is bad"))).toBe(false);
    expect(isRetryable(new StabilityResponseError(target, 200, "not JSON", "<html>"))).toBe(false);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
  const parse = (headers: Record<string, string>) => parseRetryAfter(new Headers(headers), now);

  it("reads Retry-After in seconds", () => {
    expect(parse({ "retry-after": "1" })).toBe(1000);
    expect(parse({ "retry-after": "0" })).toBe(0);
    expect(parse({ "retry-after": "1.5" })).toBe(1500);
  });

  it("reads Retry-After as an HTTP date, relative to now", () => {
    expect(parse({ "retry-after": "Wed, 21 Oct 2015 07:28:30 GMT" })).toBe(30_000);
    expect(parse({ "retry-after": "Wednesday, 21-Oct-15 07:28:05 GMT" })).toBe(5000);
    expect(parse({ "retry-after": "Wed Oct 21 07:28:10 2015" })).toBe(10_000);
  });

  it("treats an HTTP date in the past as no wait", () => {
    expect(parse({ "retry-after": "Wed, 21 Oct 2015 07:00:00 GMT" })).toBe(0);
  });

  it("prefers retry-after-ms, in milliseconds", () => {
    expect(parse({ "retry-after-ms": "250", "retry-after": "9" })).toBe(250);
  });

  it("reads decimals with more than one digit after the point", () => {
    expect(parse({ "retry-after-ms": "12.75" })).toBe(12.75);
    expect(parse({ "retry-after": "1.25" })).toBe(1250);
  });

  it("reads the epoch itself as an HTTP date long past, so no wait", () => {
    expect(parse({ "retry-after": "Thu, 01 Jan 1970 00:00:00 GMT" })).toBe(0);
  });

  it("ignores garbage, so the default backoff applies", () => {
    for (const value of ["soon", "-5", "5 seconds", "1 2 3", "abc 1", "Monday", ""])
      expect(parse({ "retry-after": value }), value).toBeUndefined();
    expect(parse({ "retry-after-ms": "soon" })).toBeUndefined();
    expect(parse({ "retry-after-ms": "-5" })).toBeUndefined();
    expect(parse({})).toBeUndefined();
  });
});

describe("retryDelay", () => {
  it("doubles from 0.5 s, less up to 25 % jitter", () => {
    expect(retryDelay(0, undefined, 0)).toBe(500);
    expect(retryDelay(0, undefined, 1)).toBe(375);
    expect(retryDelay(1, undefined, 0)).toBe(1000);
    expect(retryDelay(1, undefined, 1)).toBe(750);
    expect(retryDelay(3, undefined, 0)).toBe(4000);
  });

  it("caps the backoff at 8 s", () => {
    expect(retryDelay(4, undefined, 0)).toBe(8000);
    expect(retryDelay(10, undefined, 0)).toBe(8000);
    expect(retryDelay(10, undefined, 1)).toBe(6000);
  });

  it("stays within the jitter bounds for a real random draw", () => {
    for (let i = 0; i < 100; i++) {
      const delay = retryDelay(2)!;
      expect(delay).toBeGreaterThanOrEqual(1500);
      expect(delay).toBeLessThanOrEqual(2000);
    }
  });

  it("uses the server's wait as given, up to 60 s", () => {
    expect(retryDelay(0, 5, 1)).toBe(5);
    expect(retryDelay(3, 0, 1)).toBe(0);
    expect(retryDelay(0, MAX_RETRY_AFTER_MS, 1)).toBe(60_000);
  });

  it("returns undefined when the server asks for more than 60 s", () => {
    expect(retryDelay(0, MAX_RETRY_AFTER_MS + 1)).toBeUndefined();
  });
});
