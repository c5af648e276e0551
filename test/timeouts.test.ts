import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  StabilityConnectionError,
  StabilityInputError,
  StabilityTimeoutError,
  createStabilityClient,
} from "../src/index.ts";
import {
  delayed,
  json,
  stall,
  stallBody,
  serverPerTest,
  failure,
  clientFor,
  type Behaviour,
} from "./helpers/server.ts";

const apiKey = "sk-timeouts-test-key";
const ok = json(200, { credits: 7 });

const serve = serverPerTest();

/** Waits, in real time however long a loaded machine takes, until `ready()`. */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setImmediate(resolve));
}

// The limit on the client's own clock, faked, while the sockets run in real time: the limit falls
// when the test says, after the request has reached the server, however slow the machine.
describe("timeouts on the client's clock", () => {
  beforeEach(() => void vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] }));
  afterEach(() => void vi.useRealTimers());

  it("ends an attempt whose headers never come with StabilityTimeoutError, a StabilityConnectionError", async () => {
    const server = await serve(stall());
    const client = clientFor(server, { apiKey, timeoutMs: 500, maxRetries: 0 });
    const call = failure(client.balance());
    await until(() => server.received.length === 1);
    await vi.advanceTimersByTimeAsync(500);
    const error = await call;
    expect(error.constructor).toBe(StabilityTimeoutError);
    expect(error).toBeInstanceOf(StabilityConnectionError);
    expect(error.message).toMatch(/no complete response within 500 ms/);
  });

  it("ends an attempt whose body stalls with StabilityTimeoutError", async () => {
    const server = await serve(stallBody(200));
    let answered = false;
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const response = await globalThis.fetch(input, init);
      answered = true;
      return response;
    };
    const client = clientFor(server, { apiKey, fetch, timeoutMs: 500, maxRetries: 0 });
    const call = failure(client.balance());
    await until(() => answered);
    await vi.advanceTimersByTimeAsync(500);
    const error = await call;
    expect(error.constructor).toBe(StabilityTimeoutError);
    expect(error.message).toMatch(/while reading the 200 response body/);
  });

  it("lets a call shorten the client's timeout", async () => {
    const server = await serve(stall());
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logLevel: "off" });
    const call = failure(client.balance({ timeoutMs: 100, maxRetries: 0 }));
    await until(() => server.received.length === 1);
    await vi.advanceTimersByTimeAsync(100);
    const error = await call;
    expect(error.constructor).toBe(StabilityTimeoutError);
    expect(error.message).toMatch(/no complete response within 100 ms/);
  });
});

describe("timeouts", () => {
  it("retries a timed-out attempt, then returns the 200", async () => {
    // The second attempt answers at once; its limit is ten times what that takes when loaded.
    const server = await serve(stall(), ok);
    const client = clientFor(server, { apiKey, timeoutMs: 1000, maxRetries: 1 });
    await expect(client.balance()).resolves.toEqual({ credits: 7 });
    expect(server.received).toHaveLength(2);
  });

  it("applies timeoutMs to each attempt, not to the whole call", async () => {
    // Eleven attempts of 100 ms each take over 1,000 ms in all, which a limit on the whole call
    // would end; each attempt alone stays at a tenth of the limit, slack for a loaded machine.
    const busy = delayed(100, json(503, {}, { "retry-after-ms": "1" }));
    const server = await serve(...Array<Behaviour>(10).fill(busy), delayed(100, ok));
    const client = clientFor(server, { apiKey, timeoutMs: 1000, maxRetries: 10 });
    const started = performance.now();
    await expect(client.balance()).resolves.toEqual({ credits: 7 });
    expect(performance.now() - started).toBeGreaterThan(1000);
    expect(server.received).toHaveLength(11);
  });

  it("lets a call lengthen the client's timeout", async () => {
    const server = await serve(delayed(200, ok));
    const client = clientFor(server, { apiKey, timeoutMs: 50, maxRetries: 0 });
    await expect(client.balance({ timeoutMs: 5000 })).resolves.toEqual({ credits: 7 });
    expect(server.received).toHaveLength(1);
  });

  it("takes timeoutMs: Infinity as no limit, not as setTimeout's overflow to 1 ms", async () => {
    const server = await serve(delayed(50, ok));
    const client = createStabilityClient({ apiKey, baseUrl: server.url, maxRetries: 0 });
    await expect(client.balance({ timeoutMs: Infinity })).resolves.toEqual({ credits: 7 });
    expect(server.received).toHaveLength(1);
  });

  it("refuses a timeoutMs below 1, sending nothing", async () => {
    const server = await serve(ok);
    const client = createStabilityClient({ apiKey, baseUrl: server.url });
    const error = await failure(client.balance({ timeoutMs: 0 }));
    expect(error.constructor).toBe(StabilityInputError);
    expect(server.received).toHaveLength(0);
  });
});
