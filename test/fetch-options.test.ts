// fetchOptions: passed through to every fetch the client makes (a proxy's dispatcher, say), under
// what the client owns, which they cannot set.
import { afterEach, describe, expect, it } from "vitest";
import { ProxyAgent, fetch as undiciFetch } from "undici";
import { StabilityInputError, createStabilityClient } from "../src/index.ts";
import {
  json,
  recordingFetch,
  startConnectProxy,
  startServer,
  type TestServer,
} from "./helpers/server.ts";

const apiKey = "sk-fetch-options";
let server: TestServer | undefined;
afterEach(() => server?.close());

describe("fetchOptions", () => {
  it("goes to every fetch, a redirect's hop included, beside the client's own init", async () => {
    const inits: RequestInit[] = [];
    const fetch = (url: string | URL | Request, init?: RequestInit) => {
      inits.push(init!);
      return Promise.resolve(
        inits.length === 1
          ? new Response(null, { status: 307, headers: { location: "/v1alpha/user/balance?x" } })
          : Response.json({ credits: 2 }),
      );
    };
    const client = createStabilityClient({
      apiKey,
      fetch,
      fetchOptions: { credentials: "omit", keepalive: true, dispatcher: "agent" },
    });
    await expect(client.balance()).resolves.toEqual({ credits: 2 });
    expect(inits).toHaveLength(2);
    for (const init of inits) {
      expect(init).toMatchObject({ credentials: "omit", keepalive: true, redirect: "manual" });
      expect((init as { dispatcher?: unknown }).dispatcher).toBe("agent");
      expect(new Headers(init.headers).get("authorization")).toBe(apiKey);
    }
  });

  it("refuses what the client owns, and a value that is not an object, before sending", () => {
    const { fetch, requests } = recordingFetch();
    for (const key of ["method", "headers", "body", "signal", "redirect"]) {
      const given = { apiKey, fetch, fetchOptions: { [key]: "x" } };
      expect(() => createStabilityClient(given)).toThrow(StabilityInputError);
      try {
        createStabilityClient(given);
      } catch (error) {
        expect((error as StabilityInputError).field).toBe(`fetchOptions.${key}`);
      }
    }
    expect(() =>
      createStabilityClient({
        apiKey,
        fetch,
        fetchOptions: "proxy" as unknown as { dispatcher: unknown },
      }),
    ).toThrow(/fetchOptions must be an object/);
    expect(requests).toHaveLength(0);
  });

  it("carries a proxy's dispatcher: the call goes through a CONNECT proxy on 127.0.0.1", async () => {
    server = await startServer(json(200, { credits: 9 }));
    const proxy = await startConnectProxy();
    try {
      const client = createStabilityClient({
        apiKey,
        baseUrl: server.url,
        fetch: undiciFetch as unknown as typeof globalThis.fetch,
        fetchOptions: { dispatcher: new ProxyAgent(proxy.url) },
      });
      await expect(client.balance()).resolves.toEqual({ credits: 9 });
      expect(proxy.tunnels).toEqual([new URL(server.url).host]);
      expect(server.received).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });
});
