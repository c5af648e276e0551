// The *WithHttpInfo calls (data with status and headers) and the raw openapi-fetch client.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStabilityClient } from "../src/index.ts";
import { json, startServer, type TestServer } from "./helpers/server.ts";

const KEY = "sk-test-0123456789abcdef";
const BALANCE = { credits: 7.25 };
const ACCOUNT = {
  id: "user-1234",
  email: "someone@example.com",
  organizations: [{ id: "org-1", name: "Org One", role: "MEMBER", is_default: false }],
  profile_picture: "https://example.com/me.png",
};

let server: TestServer;

beforeEach(async () => {
  server = await startServer((req, res) =>
    json(200, req.url?.endsWith("/account") ? ACCOUNT : BALANCE, {
      "x-request-id": `req-${req.url ?? ""}`,
    })(req, res),
  );
});
afterEach(() => server.close());

const client = (apiKeyPrefix?: string) =>
  createStabilityClient({ apiKey: KEY, baseUrl: server.url, maxRetries: 0, apiKeyPrefix });

describe("*WithHttpInfo", () => {
  it("balanceWithHttpInfo returns the body with status 200 and the response headers", async () => {
    const info = await client().balanceWithHttpInfo();

    expect(info.data).toEqual(BALANCE);
    expect(info.status).toBe(200);
    expect(info.headers).toBeInstanceOf(Headers);
    expect(info.headers.get("x-request-id")).toBe("req-/v1alpha/user/balance");
    expect(info.headers.get("content-type")).toBe("application/json");
    expect(Object.keys(info).sort()).toEqual(["data", "headers", "status"]);
  });

  it("balanceWithHttpInfo sends Organization when given", async () => {
    const info = await client().balanceWithHttpInfo({ organization: "org-9" });

    expect(info.data).toEqual(BALANCE);
    expect(server.received[0]?.headers.organization).toBe("org-9");
    expect(server.received[0]?.headers.authorization).toBe(KEY);
  });

  it("accountWithHttpInfo returns the body with status 200 and the response headers", async () => {
    const info = await client().accountWithHttpInfo();

    expect(info.data).toEqual(ACCOUNT);
    expect(info.status).toBe(200);
    expect(info.headers.get("x-request-id")).toBe("req-/v1alpha/user/account");
    expect(server.received[0]?.path).toBe("/v1alpha/user/account");
    expect(server.received[0]?.headers.authorization).toBe(KEY);
  });
});

describe("raw", () => {
  it("injects Authorization and Accept, passes Organization, and returns { data, response }", async () => {
    const { data, error, response } = await client().raw.GET("/v1alpha/user/balance", {
      params: { header: { Organization: "org-1" } },
    });

    expect(error).toBeUndefined();
    expect(data).toEqual(BALANCE);
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("req-/v1alpha/user/balance");
    const [request] = server.received;
    expect(request?.method).toBe("GET");
    expect(request?.path).toBe("/v1alpha/user/balance");
    expect(request?.headers.authorization).toBe(KEY);
    expect(request?.headers.accept).toBe("application/json");
    expect(request?.headers.organization).toBe("org-1");
  });

  it("injects the prefixed key when apiKeyPrefix is set", async () => {
    const { data } = await client("Bearer").raw.GET("/v1alpha/user/account");

    expect(data).toEqual(ACCOUNT);
    expect(server.received[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(server.received[0]?.headers).not.toHaveProperty("organization");
  });

  it("reports a non-2xx as { error, response }, without throwing or retrying", async () => {
    const failing = await startServer(json(503, { name: "unavailable", message: "try later" }));
    try {
      const raw = createStabilityClient({ apiKey: KEY, baseUrl: failing.url }).raw;
      const { data, error, response } = await raw.GET("/v1alpha/user/balance");

      expect(data).toBeUndefined();
      expect(error).toEqual({ name: "unavailable", message: "try later" });
      expect(response.status).toBe(503);
      // The facade would retry a 503 (maxRetries defaults to 2); raw sends it once.
      expect(failing.received).toHaveLength(1);
    } finally {
      await failing.close();
    }
  });
});
