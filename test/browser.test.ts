// In a browser page (a global window and document) anyone using the page can read what it sends,
// the API key included: creating a client there needs dangerouslyAllowBrowser: true. Workers, Deno,
// Bun and Node have no such page and need nothing.
import { afterEach, describe, expect, it, vi } from "vitest";
import { StabilityInputError, createStabilityClient } from "../src/index.ts";
import { recordingFetch } from "./helpers/server.ts";

const apiKey = "sk-browser-test";
afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe("in a browser page", () => {
  it("refuses to create a client without dangerouslyAllowBrowser, saying why, and sends nothing", () => {
    vi.stubGlobal("window", {});
    vi.stubGlobal("document", {});
    const { fetch, requests } = recordingFetch();
    let error: unknown;
    try {
      createStabilityClient({ apiKey, fetch });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(StabilityInputError);
    expect(error).toMatchObject({ field: "dangerouslyAllowBrowser" });
    expect((error as Error).message).toBe(
      "dangerouslyAllowBrowser is not set, and in a browser page its users can read the API key; call the API from a server",
    );
    expect((error as Error).message).not.toContain(apiKey);
    expect(requests).toHaveLength(0);
  });

  it("refuses before looking for a key", () => {
    vi.stubGlobal("window", {});
    vi.stubGlobal("document", {});
    vi.stubEnv("STABILITY_API_KEY", "");
    expect(() => createStabilityClient()).toThrow(/^dangerouslyAllowBrowser/);
  });

  it("works with dangerouslyAllowBrowser: true, keeping the opt-in in derived clients", async () => {
    vi.stubGlobal("window", {});
    vi.stubGlobal("document", {});
    const { fetch, requests } = recordingFetch();
    const client = createStabilityClient({ apiKey, fetch, dangerouslyAllowBrowser: true });
    await client.balance();
    await client.withOptions({ maxRetries: 0 }).balance();
    expect(requests.map((r) => r.headers.get("authorization"))).toEqual([apiKey, apiKey]);
  });
});

describe("outside a browser page", () => {
  it.each([
    ["a worker (self, no window or document)", { self: {} }],
    ["Deno 1.x (a window, no document)", { window: {} }],
    ["a document without a window (a DOM shim in Node)", { document: {} }],
    ["Node, Bun and Cloudflare Workers (neither)", {}],
  ])("creates a client without the opt-in in %s", async (_, globals) => {
    for (const [name, value] of Object.entries(globals)) vi.stubGlobal(name, value);
    const { fetch, requests } = recordingFetch();
    await createStabilityClient({ apiKey, fetch }).balance();
    expect(requests).toHaveLength(1);
  });
});
