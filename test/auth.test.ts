// What goes on the wire: method, path, Authorization, Organization, Accept and custom headers,
// where the key comes from, and where requests go.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  StabilityError,
  StabilityInputError,
  createStabilityClient,
  type StabilityClientOptions,
} from "../src/index.ts";
import { json, recordingFetch, startServer, type TestServer } from "./helpers/server.ts";

const KEY = "sk-test-0123456789abcdef";
const BALANCE = { credits: 42.5 };
const ACCOUNT = {
  id: "user-1234",
  email: "someone@example.com",
  organizations: [{ id: "org-1", name: "Org One", role: "OWNER", is_default: true }],
};

let server: TestServer;

beforeEach(async () => {
  server = await startServer((req, res) =>
    json(200, req.url === "/v1alpha/user/account" ? ACCOUNT : BALANCE)(req, res),
  );
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await server.close();
});

const client = (options: StabilityClientOptions = {}) =>
  createStabilityClient({ apiKey: KEY, baseUrl: server.url, maxRetries: 0, ...options });

describe("requests on the wire", () => {
  it("sends GET /v1alpha/user/balance with the raw key, Accept: application/json and no Organization", async () => {
    await expect(client().balance()).resolves.toEqual(BALANCE);

    expect(server.received).toHaveLength(1);
    const [request] = server.received;
    expect(request?.method).toBe("GET");
    expect(request?.path).toBe("/v1alpha/user/balance");
    expect(request?.headers.authorization).toBe(KEY);
    expect(request?.headers.accept).toBe("application/json");
    expect(request?.headers).not.toHaveProperty("organization");
  });

  it("sends GET /v1alpha/user/account with the raw key and Accept: application/json", async () => {
    await expect(client().account()).resolves.toEqual(ACCOUNT);

    const [request] = server.received;
    expect(request?.method).toBe("GET");
    expect(request?.path).toBe("/v1alpha/user/account");
    expect(request?.headers.authorization).toBe(KEY);
    expect(request?.headers.accept).toBe("application/json");
    expect(request?.headers).not.toHaveProperty("organization");
  });

  it("sends Authorization: Bearer <key> when apiKeyPrefix is Bearer", async () => {
    await client({ apiKeyPrefix: "Bearer" }).balance();
    await client({ apiKeyPrefix: "Bearer" }).account();

    expect(server.received.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${KEY}`,
      `Bearer ${KEY}`,
    ]);
  });

  it("sends Organization only when given", async () => {
    const stability = client();
    await stability.balance();
    await stability.balance({ organization: "org-1" });
    await stability.balance();

    expect(server.received.map((r) => r.headers.organization)).toEqual([
      undefined,
      "org-1",
      undefined,
    ]);
    expect(server.received.map((r) => r.path)).toEqual(Array(3).fill("/v1alpha/user/balance"));
  });

  it("sends custom headers with every request", async () => {
    const stability = client({ headers: { "User-Agent": "cron-watch/1.0", "X-Trace": "t-1" } });
    await stability.balance();
    await stability.account();

    for (const { headers } of server.received) {
      // The client's own token follows the caller's (test/user-agent.test.ts).
      expect(headers["user-agent"]).toMatch(/^cron-watch\/1\.0 stability-user-client\/\S+$/);
      expect(headers["x-trace"]).toBe("t-1");
      expect(headers.authorization).toBe(KEY);
    }
  });

  it("does not let a custom header override Authorization, whatever its case", async () => {
    await client({ headers: { Authorization: "sk-other" } }).balance();
    await client({ headers: { authorization: "sk-other" } }).account();
    await client({ headers: { AUTHORIZATION: "sk-other" }, apiKeyPrefix: "Bearer" }).balance();

    expect(server.received.map((r) => r.headers.authorization)).toEqual([
      KEY,
      KEY,
      `Bearer ${KEY}`,
    ]);
  });
});

describe("where the key comes from", () => {
  it("uses STABILITY_API_KEY when no apiKey option is given", async () => {
    vi.stubEnv("STABILITY_API_KEY", "sk-from-env");
    await createStabilityClient({ baseUrl: server.url }).balance();

    expect(server.received[0]?.headers.authorization).toBe("sk-from-env");
  });

  it("prefers an explicit apiKey over STABILITY_API_KEY", async () => {
    vi.stubEnv("STABILITY_API_KEY", "sk-from-env");
    await createStabilityClient({ apiKey: KEY, baseUrl: server.url }).balance();

    expect(server.received[0]?.headers.authorization).toBe(KEY);
  });

  it("puts apiKeyPrefix before a key taken from STABILITY_API_KEY", async () => {
    vi.stubEnv("STABILITY_API_KEY", "sk-from-env");
    await createStabilityClient({ baseUrl: server.url, apiKeyPrefix: "Bearer" }).balance();

    expect(server.received[0]?.headers.authorization).toBe("Bearer sk-from-env");
  });

  it.each([
    ["no apiKey and no STABILITY_API_KEY", undefined, {}],
    ["an empty STABILITY_API_KEY", "", {}],
    ["a blank STABILITY_API_KEY", "   ", {}],
    ["an empty apiKey option", undefined, { apiKey: "" }],
    ["an empty apiKey option even with STABILITY_API_KEY set", "sk-from-env", { apiKey: "" }],
  ] as const)(
    "throws StabilityInputError at creation, before any request, for %s",
    (_, env, options) => {
      vi.stubEnv("STABILITY_API_KEY", env);
      const recorder = recordingFetch();

      let thrown: unknown;
      try {
        createStabilityClient({ ...options, baseUrl: server.url, fetch: recorder.fetch });
      } catch (error) {
        thrown = error;
      }

      expect(thrown).toBeInstanceOf(StabilityInputError);
      expect(thrown).toBeInstanceOf(StabilityError);
      expect((thrown as Error).name).toBe("StabilityInputError");
      // The message tells the user both ways to supply a key.
      expect((thrown as Error).message).toMatch(/apiKey/);
      expect((thrown as Error).message).toMatch(/STABILITY_API_KEY/);
      expect(recorder.requests).toHaveLength(0);
      expect(server.received).toHaveLength(0);
    },
  );
});

describe("where requests go", () => {
  it("defaults baseUrl to https://api.stability.ai, for the facade and raw alike", async () => {
    // The recording fetch answers without a socket, so nothing leaves the machine.
    const recorder = recordingFetch((request) =>
      Response.json(request.url.endsWith("/account") ? ACCOUNT : BALANCE),
    );
    const stability = createStabilityClient({ apiKey: KEY, fetch: recorder.fetch });
    await stability.balance();
    await stability.account();
    await stability.raw.GET("/v1alpha/user/balance");

    expect(recorder.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      "GET https://api.stability.ai/v1alpha/user/balance",
      "GET https://api.stability.ai/v1alpha/user/account",
      "GET https://api.stability.ai/v1alpha/user/balance",
    ]);
    expect(recorder.requests.map((r) => r.headers.get("authorization"))).toEqual([KEY, KEY, KEY]);
  });

  it("joins a baseUrl with trailing slashes without doubling them", async () => {
    await client({ baseUrl: `${server.url}/` }).balance();
    await client({ baseUrl: `${server.url}//` }).account();

    expect(server.received.map((r) => r.path)).toEqual([
      "/v1alpha/user/balance",
      "/v1alpha/user/account",
    ]);
  });

  it("keeps a path prefix in baseUrl, with or without a trailing slash", async () => {
    await client({ baseUrl: `${server.url}/proxy/stability` }).balance();
    await client({ baseUrl: `${server.url}/proxy/stability/` }).balance();

    expect(server.received.map((r) => r.path)).toEqual([
      "/proxy/stability/v1alpha/user/balance",
      "/proxy/stability/v1alpha/user/balance",
    ]);
  });
});
