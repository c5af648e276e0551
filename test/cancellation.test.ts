import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { StabilityAbortError, createStabilityClient } from "../src/index.ts";
import {
  json,
  stall,
  stallBody,
  type TestServer,
  serverPerTest,
  failure,
} from "./helpers/server.ts";

const apiKey = "sk-cancellation-test-key";
const ok = json(200, { credits: 7 });

const serve = serverPerTest();

/** Resolves once the server has seen `count` requests. */
async function seen(server: TestServer, count: number): Promise<void> {
  while (server.received.length < count) await new Promise((r) => setTimeout(r, 5));
}

describe("cancellation", () => {
  it("sends nothing when the signal is already aborted", async () => {
    const server = await serve(ok);
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logLevel: "off" });
    const reason = new Error("user left");
    const error = await failure(client.balance({ signal: AbortSignal.abort(reason) }));
    expect(error.constructor).toBe(StabilityAbortError);
    expect(error.cause).toBe(reason);
    expect(server.received).toHaveLength(0);
  });

  it("aborts a request waiting for headers and does not retry it", async () => {
    const server = await serve(stall(), ok);
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logLevel: "off" });
    const controller = new AbortController();
    const call = failure(client.balance({ signal: controller.signal }));
    await seen(server, 1);
    controller.abort();
    const error = await call;
    expect(error.constructor).toBe(StabilityAbortError);
    expect(error.message).toMatch(/aborted/);
    expect(server.received).toHaveLength(1);
  });

  it("aborts a request while its body is arriving and does not retry it", async () => {
    const server = await serve(stallBody(200), ok);
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logLevel: "off" });
    const controller = new AbortController();
    const call = failure(client.balance({ signal: controller.signal }));
    await seen(server, 1);
    setTimeout(() => controller.abort(), 100);
    const error = await call;
    expect(error.constructor).toBe(StabilityAbortError);
    expect(server.received).toHaveLength(1);
  });

  it("ends a 30 s backoff wait promptly when aborted", async () => {
    const server = await serve(json(503, {}, { "retry-after": "30" }), ok);
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logLevel: "off" });
    const controller = new AbortController();
    const call = failure(client.balance({ signal: controller.signal }));
    await seen(server, 1);
    await new Promise((r) => setTimeout(r, 50));
    const abortedAt = performance.now();
    controller.abort();
    const error = await call;
    // Not aborting would wait out the 30 s; a loaded machine takes nowhere near half of that.
    expect(performance.now() - abortedAt).toBeLessThan(15_000);
    expect(error.constructor).toBe(StabilityAbortError);
    expect(error.message).toMatch(/while waiting to retry/);
    expect(server.received).toHaveLength(1);
  });

  it("leaves no listener on the caller's signal after a call with retries", async () => {
    const server = await serve(json(503, {}, { "retry-after-ms": "5" }), ok);
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logLevel: "off" });
    const controller = new AbortController();
    await expect(client.balance({ signal: controller.signal })).resolves.toEqual({ credits: 7 });
    expect(server.received).toHaveLength(2);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("leaves no listener on the caller's signal after a failed call", async () => {
    const server = await serve(json(404, {}));
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logLevel: "off" });
    const controller = new AbortController();
    await failure(client.balance({ signal: controller.signal }));
    expect(server.received).toHaveLength(1);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});
