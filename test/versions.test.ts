// One client, two API versions: v1alpha (the default, the seed's) and v1 (what Stability documents today).
import { describe, expect, it } from "vitest";
import { StabilityInputError, createStabilityClient, type ApiVersion } from "../src/index.ts";
import { json, serverPerTest, clientFor } from "./helpers/server.ts";

const apiKey = "sk-versions-test-key";
const serve = serverPerTest();

describe("API versions", () => {
  it("calls /v1/user/account and /v1/user/balance with a Bearer key on v1", async () => {
    const server = await serve(
      json(200, { id: "u", email: "e@x", organizations: [] }),
      json(200, { credits: 3 }),
    );
    const client = clientFor(server, { apiKey, apiVersion: "v1" });
    expect(client.apiVersion).toBe("v1");
    await client.account();
    expect(await client.balance({ organization: "org-1" })).toEqual({ credits: 3 });
    expect(server.received.map((r) => r.path)).toEqual(["/v1/user/account", "/v1/user/balance"]);
    expect(server.received.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${apiKey}`,
      `Bearer ${apiKey}`,
    ]);
    expect(server.received[1]?.headers.organization).toBe("org-1");
  });

  it("keeps v1alpha and the bare key as the default", async () => {
    const server = await serve(json(200, { credits: 1 }));
    const client = clientFor(server, { apiKey });
    expect(client.apiVersion).toBe("v1alpha");
    await client.balance();
    expect(server.received[0]?.path).toBe("/v1alpha/user/balance");
    expect(server.received[0]?.headers.authorization).toBe(apiKey);
  });

  it("sends the key as apiKeyPrefix says on either version", async () => {
    const server = await serve(json(200, { credits: 1 }));
    await clientFor(server, { apiKey, apiVersion: "v1", apiKeyPrefix: "" }).balance();
    await clientFor(server, { apiKey, apiVersion: "v1alpha", apiKeyPrefix: "Bearer" }).balance();
    expect(server.received.map((r) => r.headers.authorization)).toEqual([
      apiKey,
      `Bearer ${apiKey}`,
    ]);
  });

  it("refuses an unknown apiVersion before anything is sent, naming the option", async () => {
    const server = await serve(json(200, { credits: 1 }));
    let error: unknown;
    try {
      createStabilityClient({ apiKey, baseUrl: server.url, apiVersion: "v2" as ApiVersion });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(StabilityInputError);
    expect(error).toMatchObject({ field: "apiVersion" });
    expect((error as Error).message).toMatch(/^apiVersion must be one of v1alpha, v1, got "v2"$/);
    expect(server.received).toHaveLength(0);
  });

  it("types raw by the chosen version's paths", async () => {
    const server = await serve(json(200, { credits: 5 }));
    const client = clientFor(server, { apiKey, apiVersion: "v1" });
    const { data } = await client.raw.GET("/v1/user/balance");
    expect(data).toEqual({ credits: 5 });
    expect(server.received[0]?.headers.authorization).toBe(`Bearer ${apiKey}`);
  });
});
