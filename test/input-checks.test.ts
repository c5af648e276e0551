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

// A JavaScript caller has no compiler to catch a misspelt or misplaced option: each is refused
// before anything is sent, naming the option, and the nearest known one when there is one.
describe("refuses what it does not understand, nothing sent", () => {
  /** What a JavaScript caller may pass: anything. */
  type Loose = Record<string, unknown>;
  const loose = (value: unknown) => value as StabilityClientOptions;

  it.each([
    [
      "baseURL (openai-node's spelling)",
      { baseURL: "http://127.0.0.1:1" },
      "baseURL",
      "did you mean baseUrl?",
    ],
    ["timeout", { timeout: 5000 }, "timeout", "did you mean timeoutMs?"],
    ["retries", { retries: 3 }, "retries", "did you mean maxRetries?"],
    ["api_key", { api_key: "sk-x" }, "api_key", "did you mean apiKey?"],
    [
      "a client-level organization",
      { organization: "org-1" },
      "organization",
      "createStabilityClient",
    ],
  ] as [string, Loose, string, string][])(
    "an unknown client option: %s",
    (_case, options, field, words) => {
      const { fetch, requests } = recordingFetch();
      const error = refusal(loose({ apiKey, fetch, ...options }));
      expect(error.field).toBe(field);
      expect(error.message).toContain(words);
      expect(requests).toHaveLength(0);
    },
  );

  it.each([
    ["timeoutMs", { timeoutMs: "5000" }, "timeoutMs must be a number, got string"],
    ["maxRetries", { maxRetries: "3" }, "maxRetries must be a number, got string"],
    ["apiKey", { apiKey: 12345 }, "apiKey must be a string, got number"],
    [
      "validateResponses",
      { validateResponses: "no" },
      "validateResponses must be a boolean, got string",
    ],
    ["fetch", { fetch: "fetch" }, "fetch must be a function, got string"],
    ["headers", { headers: null }, "headers must be an object, got null"],
    ["logger", { logger: null }, "logger must be an object, got null"],
  ] as [string, Loose, string][])(
    "a client option of the wrong type names both types, never the value: %s",
    (field, options, message) => {
      const { fetch, requests } = recordingFetch();
      const error = refusal(loose({ apiKey, fetch, ...options }));
      expect(error.field).toBe(field);
      expect(error.message).toBe(message);
      expect(requests).toHaveLength(0);
    },
  );

  it.each([
    ["a string", "sk-not-options", "string"],
    ["a number", 42, "number"],
    ["null", null, "null"],
  ])("client options that are %s", (_case, options, kind) => {
    const error = refusal(loose(options));
    expect(error.field).toBe("options");
    expect(error.message).toMatch(new RegExp(`^options must be an options object, got ${kind}`));
  });

  it.each([
    [
      "balance",
      "options",
      (c: Client) => c.balance(loose("org-beta") as never),
      /^options must be an options object, got string/,
    ],
    [
      "balance",
      "Organization",
      (c: Client) => c.balance(loose({ Organization: "org-1" })),
      /did you mean organization\?/,
    ],
    [
      "balance",
      "organization",
      (c: Client) => c.balance(loose({ organization: 42 })),
      /^organization must be a string, got number$/,
    ],
    [
      "balance",
      "timeoutMs",
      (c: Client) => c.balance(loose({ timeoutMs: "5000" })),
      /^timeoutMs must be a number, got string$/,
    ],
    [
      "balance",
      "signal",
      (c: Client) => c.balanceWithHttpInfo(loose({ signal: "stop" })),
      /^signal must be an object, got string$/,
    ],
    [
      "account",
      "organization",
      (c: Client) => c.account(loose({ organization: "org-1" })),
      /^organization is not an option of account\(\)/,
    ],
    [
      "account",
      "baseUrl",
      (c: Client) => c.accountWithHttpInfo(loose({ baseUrl: "x" })),
      /^baseUrl is not an option of account\(\)/,
    ],
    [
      "account",
      "options",
      (c: Client) => c.account(loose(5)),
      /^options must be an options object, got number/,
    ],
  ] as [string, string, (c: Client) => Promise<unknown>, RegExp][])(
    "%s() refuses a bad argument, naming %s",
    async (_name, field, call, message) => {
      const server = await serve(json(200, { credits: 1 }));
      const error = await failure(call(clientFor(server, { apiKey })));
      expect(error.constructor).toBe(StabilityInputError);
      expect((error as StabilityInputError).field).toBe(field);
      expect(error.message).toMatch(message);
      expect(server.received).toHaveLength(0);
    },
  );

  it("withOptions refuses an unknown key or a non-object, naming withOptions", () => {
    const client = createStabilityClient({ apiKey });
    const unknown = refusalOf(() => client.withOptions(loose({ baseURL: "http://127.0.0.1:1" })));
    expect(unknown.field).toBe("baseURL");
    expect(unknown.message).toBe("baseURL is not an option of withOptions; did you mean baseUrl?");
    const typed = refusalOf(() => client.withOptions(loose({ maxRetries: "5" })));
    expect(typed.message).toBe("maxRetries must be a number, got string");
    const notObject = refusalOf(() => client.withOptions(loose("v1")));
    expect(notObject.field).toBe("options");
  });

  it("treats an option whose value is undefined as not given, on the client and per call", async () => {
    const { fetch, requests } = recordingFetch();
    const client = createStabilityClient(
      loose({ apiKey, fetch, baseURL: undefined, timeoutMs: undefined, logger: undefined }),
    );
    await client.balance(loose({ organization: undefined, signal: undefined, typo: undefined }));
    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers.get("organization")).toBeNull();
  });
});

type Client = ReturnType<typeof createStabilityClient>;

function refusalOf(create: () => unknown): StabilityInputError {
  try {
    create();
  } catch (error) {
    if (error instanceof StabilityInputError) return error;
    throw error;
  }
  throw new Error("expected a StabilityInputError");
}
