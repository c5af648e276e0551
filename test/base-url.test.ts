// A base URL may end in the API version's own prefix, as the specs' `servers` write it
// (`https://api.stability.ai/v1`): the prefix is dropped, so the path is not doubled. One that
// ends in another version's prefix would double it, and is refused before anything is sent.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createStabilityClient } from "../src/index.ts";
import { json, refusal, recordingFetch, serverPerTest } from "./helpers/server.ts";

const apiKey = "sk-base-url-test";
const serve = serverPerTest();
afterEach(() => vi.unstubAllEnvs());

describe("a base URL that ends in the version's own prefix", () => {
  it.each([
    ["v1", "/v1", "/v1/user/balance"],
    ["v1", "/v1/", "/v1/user/balance"],
    ["v1alpha", "/v1alpha", "/v1alpha/user/balance"],
  ] as const)("on %s, %s is dropped: the call goes to %s", async (apiVersion, suffix, path) => {
    const server = await serve(json(200, { credits: 5 }));
    const client = createStabilityClient({
      apiKey,
      apiVersion,
      baseUrl: server.url + suffix,
      logLevel: "off",
    });
    expect(await client.balance()).toEqual({ credits: 5 });
    expect(server.received.map((r) => r.path)).toEqual([path]);
  });

  it("is dropped for raw too, and a proxy's own path prefix is kept", async () => {
    const server = await serve(json(200, { credits: 5 }));
    const client = createStabilityClient({
      apiKey,
      apiVersion: "v1",
      baseUrl: `${server.url}/stability/v1`,
      logLevel: "off",
    });
    await client.raw.GET("/v1/user/balance");
    await client.account().catch(() => {});
    expect(server.received.map((r) => r.path)).toEqual([
      "/stability/v1/user/balance",
      "/stability/v1/user/account",
    ]);
  });

  it("is dropped from STABILITY_BASE_URL as well", async () => {
    const server = await serve(json(200, { credits: 5 }));
    vi.stubEnv("STABILITY_BASE_URL", `${server.url}/v1alpha`);
    await createStabilityClient({ apiKey, logLevel: "off" }).balance();
    expect(server.received.map((r) => r.path)).toEqual(["/v1alpha/user/balance"]);
  });
});

describe("a base URL that ends in another version's prefix", () => {
  it("is refused, showing the doubled path and the fix, before anything is sent", () => {
    const { fetch, requests } = recordingFetch();
    const error = refusal({ apiKey, fetch, baseUrl: "https://api.stability.ai/v1" });
    expect(error.field).toBe("baseUrl");
    expect(error.message).toBe(
      'baseUrl ends in /v1, so v1alpha calls would go to /v1/v1alpha/user/…; drop /v1, or pass apiVersion: "v1"',
    );
    expect(requests).toHaveLength(0);
  });

  it("is refused on v1 too, and from STABILITY_BASE_URL under that name", () => {
    vi.stubEnv("STABILITY_BASE_URL", "http://127.0.0.1:4545/v1alpha");
    const error = refusal({ apiKey, apiVersion: "v1" });
    expect(error.field).toBe("STABILITY_BASE_URL");
    expect(error.message).toContain("/v1alpha/v1/user/…");
  });

  it("is refused when withOptions changes the version under it", () => {
    const client = createStabilityClient({ apiKey, baseUrl: "https://api.stability.ai/v1alpha" });
    expect(() => client.withOptions({ apiVersion: "v1" })).toThrow(/^baseUrl ends in \/v1alpha/);
  });
});
