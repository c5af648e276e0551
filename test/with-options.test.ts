// client.withOptions(overrides): a new client with the same key and the overrides applied, resolved
// and checked like a new client; the original is unchanged.
import { afterEach, describe, expect, it, vi } from "vitest";
import { StabilityInputError, createStabilityClient } from "../src/index.ts";
import { failure, json, recordingFetch, serverPerTest } from "./helpers/server.ts";

const apiKey = "sk-with-options-test";
const serve = serverPerTest();
afterEach(() => {
  vi.unstubAllEnvs();
});

describe("withOptions", () => {
  it("applies the overrides to a new client and leaves the original unchanged", async () => {
    const fast = json(503, {}, { "retry-after-ms": "1" });
    const [first, second] = [await serve(fast), await serve(fast)];
    const original = createStabilityClient({
      apiKey,
      baseUrl: first.url,
      maxRetries: 0,
      logLevel: "off",
    });
    const derived = original.withOptions({ baseUrl: second.url, maxRetries: 1 });
    expect(derived).not.toBe(original);

    await failure(derived.balance({ timeoutMs: 5_000 }));
    await failure(original.balance());
    // Two attempts (maxRetries: 1) at the new base URL; one at the original's.
    expect(second.received).toHaveLength(2);
    expect(first.received).toHaveLength(1);
  });

  it("keeps the key, even one read from STABILITY_API_KEY that has since changed", async () => {
    vi.stubEnv("STABILITY_API_KEY", apiKey);
    const { fetch, requests } = recordingFetch();
    const original = createStabilityClient({ fetch });
    vi.stubEnv("STABILITY_API_KEY", "sk-another-key");
    await original.withOptions({ headers: { "X-Trace": "t-1" } }).balance();
    expect(requests[0]?.headers.get("authorization")).toBe(apiKey);
    expect(requests[0]?.headers.get("x-trace")).toBe("t-1");
  });

  it("keeps every option not given, and treats undefined as not given", async () => {
    const { fetch, requests } = recordingFetch();
    const original = createStabilityClient({
      apiKey,
      fetch,
      apiVersion: "v1",
      headers: { "X-App": "watch" },
    });
    const derived = original.withOptions({ maxRetries: 0, apiVersion: undefined });
    expect(derived.apiVersion).toBe("v1");
    await derived.balance();
    expect(new URL(requests[0]!.url).pathname).toBe("/v1/user/balance");
    expect(requests[0]?.headers.get("authorization")).toBe(`Bearer ${apiKey}`);
    expect(requests[0]?.headers.get("x-app")).toBe("watch");
  });

  it("replaces headers as a whole, and derives from a derived client", async () => {
    const { fetch, requests } = recordingFetch();
    const original = createStabilityClient({ apiKey, fetch, headers: { "X-App": "watch" } });
    const once = original.withOptions({ headers: { "X-Trace": "t-2" } });
    await once.withOptions({ apiKeyPrefix: "Token" }).balance();
    expect(requests[0]?.headers.get("x-app")).toBeNull();
    expect(requests[0]?.headers.get("x-trace")).toBe("t-2");
    expect(requests[0]?.headers.get("authorization")).toBe(`Token ${apiKey}`);
  });

  it("follows the new apiVersion's key prefix when the version changes", async () => {
    const { fetch, requests } = recordingFetch();
    const v1 = createStabilityClient({ apiKey, fetch }).withOptions({ apiVersion: "v1" });
    expect(v1.apiVersion).toBe("v1");
    await v1.balance();
    expect(new URL(requests[0]!.url).pathname).toBe("/v1/user/balance");
    expect(requests[0]?.headers.get("authorization")).toBe(`Bearer ${apiKey}`);
  });

  it("checks the overrides as createStabilityClient does, naming the option", () => {
    const client = createStabilityClient({ apiKey });
    expect(() => client.withOptions({ maxRetries: -1 })).toThrow(
      /^maxRetries must be a non-negative integer, got -1$/,
    );
    expect(() => client.withOptions({ baseUrl: "ftp://x" })).toThrow(StabilityInputError);
  });

  it("refuses a new apiKey (a JavaScript caller; the type has none), never echoing it", () => {
    const client = createStabilityClient({ apiKey });
    const overrides = { apiKey: "sk-other-secret" } as Parameters<typeof client.withOptions>[0];
    let error: unknown;
    try {
      client.withOptions(overrides);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(StabilityInputError);
    expect(error).toMatchObject({ field: "apiKey" });
    expect((error as Error).message).toBe(
      "apiKey is kept by withOptions; create a client for another key",
    );
  });
});
