// Signals, timers and loggers: one AbortSignal may be shared by any number of concurrent calls,
// `timeoutMs: Infinity` arms no timer, a fetch that ignores its signal is still bounded by the
// time limit and the caller's abort, and a logger that throws never changes a call's result.
import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import {
  InternalServerError,
  StabilityAbortError,
  StabilityConnectionError,
  StabilityTimeoutError,
  createStabilityClient,
  type Logger,
} from "../src/index.ts";
import { clientFor, closedPort, delayed, failure, json, serverPerTest } from "./helpers/server.ts";

const apiKey = "sk-signals-test-key";
const serve = serverPerTest();
const ok = json(200, { credits: 7 });

const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
process.on("warning", onWarning);
afterEach(() => {
  warnings.length = 0;
});

describe("one signal shared by many calls", () => {
  it("serves 50 concurrent calls, with retries, without a warning or a listener left behind", async () => {
    // Half the calls get one 503 first, so 25 calls wait to retry on the one signal at once. Calls
    // are told apart by a header, not by arrival order: under load a retry can arrive before
    // another call's first attempt.
    const refused = new Set<number>();
    const server = await serve(
      delayed(20, (req, res) => {
        const call = Number(req.headers["x-call"]);
        const first = call % 2 === 0 && !refused.has(call);
        if (first) refused.add(call);
        (first ? json(503, {}, { "retry-after-ms": "20" }) : ok)(req, res);
      }),
    );
    const client = clientFor(server, { apiKey, maxRetries: 1 });
    const controller = new AbortController();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, call) =>
        client.balance({ signal: controller.signal, headers: { "X-Call": String(call) } }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(50);
    expect(server.received).toHaveLength(75);
    // Let a warning emitted on process.nextTick arrive.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("aborts every one of 30 concurrent calls sharing the signal", async () => {
    const server = await serve(delayed(10_000, ok));
    const client = clientFor(server, { apiKey, maxRetries: 0 });
    const controller = new AbortController();
    const calls = Array.from({ length: 30 }, () =>
      failure(client.balance({ signal: controller.signal })),
    );
    while (server.received.length < 30) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const errors = await Promise.all(calls);
    expect(errors.every((error) => error instanceof StabilityAbortError)).toBe(true);
    expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});

describe("timeoutMs: Infinity", () => {
  /** A fetch that records its init and answers when `release()` is called. */
  function heldFetch() {
    const inits: (RequestInit | undefined)[] = [];
    let release = () => {};
    const fetch = (_input: RequestInfo | URL, init?: RequestInit) => {
      inits.push(init);
      return new Promise<Response>((resolve) => {
        release = () => resolve(Response.json({ credits: 1 }));
      });
    };
    return { fetch, inits, release: () => release() };
  }
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

  it("creates no timer; fetch gets no signal, or with a caller's one of the client's own that follows it", async () => {
    const held = heldFetch();
    const client = createStabilityClient({
      apiKey,
      fetch: held.fetch,
      timeoutMs: Infinity,
      logLevel: "off",
    });
    const before = timers();
    const plain = client.balance();
    expect(timers()).toBe(before);
    held.release();
    await plain;
    const caller = new AbortController();
    const signalled = client.balance({ signal: caller.signal });
    expect(timers()).toBe(before);
    const sent = held.inits[1]?.signal;
    expect(sent).toBeInstanceOf(AbortSignal);
    expect(sent).not.toBe(caller.signal);
    caller.abort();
    expect(sent?.aborted).toBe(true);
    await failure(signalled);
    expect(held.inits[0]?.signal).toBeUndefined();
    // Not even as a key: a fetch that asks `"signal" in init` sees none.
    expect(held.inits[0]).not.toHaveProperty("signal");
  });

  it("adds one listener to a signal shared by 100 calls in flight, and none is left behind", async () => {
    // Like undici, this fetch listens on the signal it is given until it answers.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const fetch = async (_input: RequestInfo | URL, init?: RequestInit) => {
      init?.signal?.addEventListener("abort", () => {});
      await released;
      return Response.json({ credits: 1 });
    };
    const client = createStabilityClient({ apiKey, fetch, timeoutMs: Infinity, logLevel: "off" });
    const caller = new AbortController();
    const calls = Array.from({ length: 100 }, () => client.balance({ signal: caller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(1);
    release();
    await Promise.all(calls);
    expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(0);
  });

  it("whereas a finite timeout does arm one timer and its own signal, so the test above can tell", async () => {
    const held = heldFetch();
    const client = createStabilityClient({
      apiKey,
      fetch: held.fetch,
      timeoutMs: 60_000,
      logLevel: "off",
    });
    const before = timers();
    const call = client.balance();
    await Promise.resolve();
    expect(timers()).toBe(before + 1);
    held.release();
    await call;
    expect(held.inits[0]?.signal).toBeInstanceOf(AbortSignal);
  });
});

describe("a logger that throws", () => {
  const throwing = (notes: string[]): Logger => ({
    error: (message: string) => void notes.push(message),
    warn: () => {
      throw new Error("logger down");
    },
    info: () => {},
    debug: () => {
      throw new Error("logger down");
    },
  });

  it("never changes a call's result, and is noted at most once", async () => {
    const server = await serve(json(503, {}, { "retry-after-ms": "5" }), ok, ok, json(404, {}));
    const notes: string[] = [];
    const client = clientFor(server, { apiKey, logLevel: "debug", logger: throwing(notes) });
    await expect(client.balance()).resolves.toEqual({ credits: 7 });
    await expect(client.balance()).resolves.toEqual({ credits: 7 });
    const error = await failure(client.balance());
    expect(error.constructor).not.toBe(Error);
    expect(error.message).toMatch(/404/);
    expect(notes.filter((note) => /logger threw/.test(note)).length).toBeLessThanOrEqual(1);
  });

  it("does not turn a failure into another failure", async () => {
    const server = await serve(json(503, {}, { "retry-after-ms": "5" }));
    const logger: Logger = {
      error: () => {
        throw new Error("logger down");
      },
      warn: () => {
        throw new Error("logger down");
      },
      info: () => {},
      debug: () => {},
    };
    const client = clientFor(server, { apiKey, logLevel: "warn", logger });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(InternalServerError);
    expect(server.received).toHaveLength(3);
  });
});

describe("a fetch that ignores its signal", () => {
  const never = () => new Promise<Response>(() => {});
  /** A 200 whose body sends one chunk, then nothing, ever; cancelling it does nothing either. */
  const endlessBody = () =>
    Promise.resolve(
      new Response(
        new ReadableStream<Uint8Array>({
          start: (controller) => controller.enqueue(new TextEncoder().encode('{"credits":')),
          pull: () => new Promise<void>(() => {}),
        }),
        { status: 200 },
      ),
    );
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
  const client = (fetch: typeof globalThis.fetch, timeoutMs: number) =>
    createStabilityClient({ apiKey, fetch, timeoutMs, maxRetries: 0, logLevel: "off" });

  it.each([
    ["that never settles", never, /: no complete response within 300 ms$/],
    [
      "whose body never ends",
      endlessBody,
      /: no complete response within 300 ms while reading the 200 response body$/,
    ],
  ])("ends a call to a fetch %s at timeoutMs, leaving no timer", async (_kind, fetch, message) => {
    const before = timers();
    const error = await failure(client(fetch, 300).balance());
    expect(error).toBeInstanceOf(StabilityTimeoutError);
    expect(error.message).toMatch(message);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it.each([
    ["that never settles", never, 60_000],
    ["whose body never ends", endlessBody, 60_000],
    ["that never settles, without a time limit", never, Infinity],
    ["whose body never ends, without a time limit", endlessBody, Infinity],
  ])(
    "ends a call to a fetch %s when the caller aborts, leaving no listener",
    async (_kind, fetch, timeoutMs) => {
      const caller = new AbortController();
      const call = failure(client(fetch, timeoutMs).balance({ signal: caller.signal }));
      await new Promise((resolve) => setTimeout(resolve, 20));
      caller.abort();
      const error = await call;
      expect(error).toBeInstanceOf(StabilityAbortError);
      expect(getEventListeners(caller.signal, "abort")).toHaveLength(0);
    },
  );
});

describe("what an abort says", () => {
  it("says only that the caller's signal aborted the call, when it aborts an attempt", async () => {
    const caller = new AbortController();
    const server = await serve((_req, _res) => caller.abort());
    const client = clientFor(server, { apiKey, maxRetries: 0 });
    const error = await failure(client.balance({ signal: caller.signal }));
    expect(error).toBeInstanceOf(StabilityAbortError);
    expect(error.message).toBe("GET /v1alpha/user/balance: aborted by the caller's signal");
  });

  it("says it came while waiting to retry, when the signal aborts before the wait", async () => {
    // The retry is logged at `info` just before the wait; aborting there leaves the wait an
    // already-aborted signal.
    const caller = new AbortController();
    const server = await serve(json(503, {}, { "retry-after-ms": "50" }), ok);
    const logger: Logger = {
      error: () => {},
      warn: () => {},
      info: () => caller.abort(),
      debug: () => {},
    };
    const client = clientFor(server, { apiKey, logLevel: "info", logger });
    const error = await failure(client.balance({ signal: caller.signal }));
    expect(error).toBeInstanceOf(StabilityAbortError);
    expect(error.message).toBe(
      "GET /v1alpha/user/balance: aborted by the caller's signal while waiting to retry",
    );
    expect(server.received).toHaveLength(1);
  });

  it("says it came while waiting to retry, when the signal aborts during the wait", async () => {
    const caller = new AbortController();
    const server = await serve(json(503, {}, { "retry-after-ms": "250" }), ok);
    const logger: Logger = {
      error: () => {},
      warn: () => {},
      info: () => void setTimeout(() => caller.abort(), 20),
      debug: () => {},
    };
    const client = clientFor(server, { apiKey, logLevel: "info", logger });
    const error = await failure(client.balance({ signal: caller.signal }));
    expect(error.message).toMatch(/aborted by the caller's signal while waiting to retry$/);
    expect(server.received).toHaveLength(1);
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(0);
  });
});

describe("timeoutMs: Infinity without a signal", () => {
  it("still reports a refused connection as a StabilityConnectionError", async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}`;
    const client = createStabilityClient({
      apiKey,
      baseUrl,
      timeoutMs: Infinity,
      maxRetries: 0,
      logLevel: "off",
    });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(StabilityConnectionError);
    expect(error.message).toMatch(
      /^GET \/v1alpha\/user\/balance: connection to 127\.0\.0\.1:\d+ failed/,
    );
  });
});
