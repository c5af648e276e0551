// Refuse before sending: what HTTP cannot carry is a StabilityInputError naming the field, at
// creation or at the call; nothing is sent and nothing is retried.
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  StabilityInputError,
  createStabilityClient,
  type StabilityClientOptions,
} from "../src/index.ts";
import {
  clientFor,
  failure,
  json,
  recordingFetch,
  refusal,
  serverPerTest,
} from "./helpers/server.ts";

const apiKey = "sk-input-checks-test-key";
const serve = serverPerTest();
afterEach(() => vi.unstubAllGlobals());

// What HTTP can carry in a field value, by RFC 9110 less control characters: visible ASCII,
// space and Latin-1 letters. Names are tokens.
const SENDABLE_VALUE = /^[\x20-\x7e\xa0-\xff]*$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

describe("refused at creation, nothing sent", () => {
  it.each([
    ["an emoji in the key", { apiKey: "sk-🔑-key" }, "apiKey"],
    ["a control character in the key", { apiKey: "sk-\x01-key" }, "apiKey"],
    ["DEL in the key", { apiKey: "sk-\x7f-key" }, "apiKey"],
    ["an emoji in the prefix", { apiKeyPrefix: "Bearer🔒" }, "apiKeyPrefix"],
    [
      "a control character in a header value",
      { headers: { "X-Trace": "a\x01b" } },
      "headers.X-Trace",
    ],
    [
      "a character beyond Latin-1 in a header value",
      { headers: { "X-Trace": "‽" } },
      "headers.X-Trace",
    ],
    ["a header name with a space", { headers: { "X Trace": "1" } }, "headers"],
    ["a header name with a colon", { headers: { "X-Trace:": "1" } }, "headers"],
    ["an empty header name", { headers: { "": "1" } }, "headers"],
    ["a baseUrl with a query", { baseUrl: "https://api.stability.ai/?v=1" }, "baseUrl"],
    ["a baseUrl with an empty query", { baseUrl: "https://api.stability.ai/?" }, "baseUrl"],
    ["a baseUrl with a fragment", { baseUrl: "https://api.stability.ai/#x" }, "baseUrl"],
    ["a baseUrl that is not http(s)", { baseUrl: "ftp://api.stability.ai" }, "baseUrl"],
    ["a baseUrl that is not a URL", { baseUrl: "api.stability.ai" }, "baseUrl"],
    ["a fractional maxRetries", { maxRetries: 0.5 }, "maxRetries"],
    ["a zero timeoutMs", { timeoutMs: 0 }, "timeoutMs"],
  ] as [string, StabilityClientOptions, string][])("%s", (_case, options, field) => {
    const { fetch, requests } = recordingFetch();
    const error = refusal({ apiKey, fetch, ...options });
    expect(error.field).toBe(field);
    expect(error.message.startsWith(field)).toBe(true);
    // eslint-disable-next-line no-control-regex -- no control character may reach the message
    expect(error.message).not.toMatch(/[\x00-\x1f🔑🔒‽]/u);
    expect(requests).toHaveLength(0);
  });

  it("says to pass { fetch } when the runtime has none", () => {
    vi.stubGlobal("fetch", undefined);
    const error = refusal({ apiKey });
    expect(error.field).toBe("fetch");
    expect(error.message).toMatch(/pass \{ fetch \}/);
  });

  it("never echoes a refused key", () => {
    const error = refusal({ apiKey: "sk-secret-\x01-value", fetch: recordingFetch().fetch });
    expect(error.message).not.toContain("secret");
  });
});

describe("refused at the call, nothing sent and never retried", () => {
  it.each([
    ["an emoji", "org-😀"],
    ["a control character", "org-\x01"],
    ["a C1 control character", "org-\x85"],
  ])("an organization with %s", async (_case, organization) => {
    const server = await serve(json(200, { credits: 1 }));
    const client = clientFor(server, { apiKey });
    const error = await failure(client.balance({ organization }));
    expect(error.constructor).toBe(StabilityInputError);
    expect((error as StabilityInputError).field).toBe("organization");
    expect(server.received).toHaveLength(0);
  });

  it("a per-call header with a bad name or value", async () => {
    const server = await serve(json(200, { credits: 1 }));
    const client = clientFor(server, { apiKey });
    for (const headers of [{ "X-Trace": "a\x01" }, { "Bad Name": "1" }] as Record<
      string,
      string
    >[]) {
      const error = await failure(client.account({ headers }));
      expect(error.constructor).toBe(StabilityInputError);
    }
    expect(server.received).toHaveLength(0);
  });
});

describe("for any input", () => {
  const anyString = fc.string({ unit: "binary", maxLength: 12 });

  it("a header value is sent as given when HTTP can carry it, and refused naming the header otherwise", async () => {
    await fc.assert(
      fc.asyncProperty(anyString, async (value) => {
        const { fetch, requests } = recordingFetch();
        let error: unknown;
        try {
          await createStabilityClient({ apiKey, fetch, headers: { "X-Value": value } }).balance();
        } catch (thrown) {
          error = thrown;
        }
        if (SENDABLE_VALUE.test(value)) {
          expect(error).toBeUndefined();
          // Fetch trims HTTP whitespace (space and tab) from the ends of a value.
          expect(requests[0]?.headers.get("x-value")).toBe(value.replace(/^[ \t]+|[ \t]+$/g, ""));
        } else {
          expect(error).toBeInstanceOf(StabilityInputError);
          expect((error as StabilityInputError).field).toBe("headers.X-Value");
          expect(requests).toHaveLength(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a header name is sent when it is a token fetch can send, and refused otherwise", async () => {
    // Fetch reads a headers object as a record and silently drops an own `__proto__` key, so the
    // client refuses that name rather than lose it.
    const names = fc.oneof(anyString, fc.constant("__proto__"));
    await fc.assert(
      fc.asyncProperty(names, async (name) => {
        const { fetch, requests } = recordingFetch();
        let error: unknown;
        try {
          await createStabilityClient({ apiKey, fetch, headers: { [name]: "v" } }).balance();
        } catch (thrown) {
          error = thrown;
        }
        if (TOKEN.test(name) && name !== "__proto__") {
          expect(error).toBeUndefined();
          // Authorization is always the client's own.
          const expected = /^authorization$/i.test(name) ? apiKey : "v";
          expect(requests[0]?.headers.get(name)).toBe(expected);
        } else {
          expect(error).toBeInstanceOf(StabilityInputError);
          expect(requests).toHaveLength(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a header named __proto__, which fetch would silently drop", async () => {
    const { fetch, requests } = recordingFetch();
    const headers = JSON.parse('{"__proto__":"v"}') as Record<string, string>;
    const error = await createStabilityClient({ apiKey, fetch })
      .balance({ headers })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StabilityInputError);
    expect((error as StabilityInputError).field).toBe("headers");
    expect((error as Error).message).toContain('"__proto__"');
    expect(requests).toHaveLength(0);
  });

  it("a key is sent trimmed when HTTP can carry it, and refused without being echoed otherwise", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", minLength: 1, maxLength: 16 }), async (key) => {
        const { fetch, requests } = recordingFetch();
        let error: unknown;
        try {
          await createStabilityClient({ apiKey: key, fetch }).balance();
        } catch (thrown) {
          error = thrown;
        }
        const trimmed = key.trim();
        if (trimmed && SENDABLE_VALUE.test(trimmed)) {
          expect(error).toBeUndefined();
          expect(requests[0]?.headers.get("authorization")).toBe(trimmed);
        } else {
          expect(error).toBeInstanceOf(StabilityInputError);
          expect((error as StabilityInputError).field).toBe("apiKey");
          if (trimmed.length > 3) expect((error as Error).message).not.toContain(trimmed);
          expect(requests).toHaveLength(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
