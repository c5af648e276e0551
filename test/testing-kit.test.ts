// stability-user-client/testing: createMockFetch answers like the API (the vendored specs' examples
// by default, fixtures when given, 401 without Authorization, 404 elsewhere), records every call,
// and is its own zero-dependency entry. test/package.test.ts uses it through the public subpath.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  NotFoundError,
  OPERATIONS,
  RateLimitError,
  StabilityAbortError,
  StabilityConnectionError,
  StabilityInputError,
  StabilityTimeoutError,
  createStabilityClient,
  type ApiVersion,
  type StabilityClientOptions,
} from "../src/index.ts";
import { createMockFetch, type MockFixtures } from "../src/testing.ts";
import { failure } from "./helpers/server.ts";

const apiKey = "sk-testing-kit";
const spec = (version: ApiVersion): unknown =>
  JSON.parse(readFileSync(new URL(`../openapi/${version}.openapi.json`, import.meta.url), "utf8"));
/** The value at `keys` in a vendored spec (a test would fail loudly on a missing step). */
const at = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce((node, key) => (node as Record<string, unknown>)[key], value);
const example200 = (doc: unknown, path: string) =>
  at(doc, "paths", path, "get", "responses", "200", "content", "application/json", "example");

/** A quiet client on a mock fetch. */
function mocked(fixtures?: MockFixtures, options: StabilityClientOptions = {}) {
  const fetch = createMockFetch(fixtures);
  const client = createStabilityClient({ apiKey, fetch, logLevel: "off", ...options });
  return { fetch, client };
}

describe("createMockFetch, by default", () => {
  it("answers v1alpha's account and balance with the spec's examples", async () => {
    const doc = spec("v1alpha");
    const { client } = mocked();
    expect(await client.account()).toEqual(example200(doc, "/v1alpha/user/account"));
    expect(await client.balance()).toEqual(example200(doc, "/v1alpha/user/balance"));
  });

  it("answers v1's with its spec's examples, composing the account from its properties' examples", async () => {
    const doc = spec("v1");
    const { client } = mocked({}, { apiVersion: "v1" });
    // v1 gives the account response no example of its own, only each property one.
    expect(example200(doc, "/v1/user/account")).toBeUndefined();
    const property = (name: string) =>
      at(doc, "components", "schemas", "AccountResponseBody", "properties", name, "example");
    expect(await client.account()).toEqual({
      email: property("email"),
      id: property("id"),
      organizations: property("organizations"),
      profile_picture: property("profile_picture"),
    });
    expect(await client.balance()).toEqual(example200(doc, "/v1/user/balance"));
  });

  it.each(["v1alpha", "v1"] as const)(
    "gives %s answers that pass the client's schema validation",
    async (apiVersion) => {
      const { client } = mocked({}, { apiVersion, validateResponses: true });
      await expect(client.account()).resolves.toHaveProperty("organizations");
      await expect(client.balance()).resolves.toHaveProperty("credits");
    },
  );

  it("answers 401 with the API's error body when Authorization is missing, whatever the fixtures", async () => {
    const fetch = createMockFetch({ balance: { credits: 1 } });
    for (const url of [
      "https://api.stability.ai/v1alpha/user/balance",
      "http://x/v1/user/account",
    ]) {
      const response = await fetch(url);
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toBe("application/json");
      // v1 documents the body of a 401 (v1alpha documents none); the API sends it on both.
      expect(await response.json()).toEqual(
        at(spec("v1"), "components", "responses", "401", "content", "application/json", "example"),
      );
    }
  });

  it("answers 404 for any other path or method", async () => {
    const fetch = createMockFetch();
    const headers = { Authorization: apiKey };
    const answers = await Promise.all([
      fetch("https://api.stability.ai/v2/user/balance", { headers }),
      fetch("https://api.stability.ai/v1alpha/engines/list", { headers }),
      fetch("https://api.stability.ai/v1/user/balance", { method: "POST", headers }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([404, 404, 404]);
    expect(await answers[0].json()).toEqual({
      name: "not_found",
      message: "no such operation: GET /v2/user/balance",
    });
    const { client } = mocked({}, { baseUrl: "https://proxy.example/stability" });
    expect(await failure(client.balance())).toBeInstanceOf(NotFoundError);
  });
});

describe("createMockFetch with fixtures", () => {
  it("sends a typed body with 200", async () => {
    const { client } = mocked({ balance: { credits: 3 } });
    expect(await client.balanceWithHttpInfo()).toMatchObject({ data: { credits: 3 }, status: 200 });
  });

  it("sends a reply's status, JSON body and headers", async () => {
    const body = { id: "e1", name: "rate_limited", message: "slow down" };
    const { client } = mocked(
      { balance: { status: 429, body, headers: { "retry-after": "7" } } },
      { maxRetries: 0 },
    );
    const error = await failure(client.balance());
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, body, retryAfterMs: 7_000 });
  });

  it("sends a string body as text, and no body as an empty one", async () => {
    const fetch = createMockFetch({
      account: {
        status: 502,
        body: "<html>bad gateway</html>",
        headers: { "content-type": "text/html" },
      },
      balance: { status: 200 },
    });
    const headers = { Authorization: apiKey };
    const page = await fetch("https://api.stability.ai/v1/user/account", { headers });
    expect([page.status, page.headers.get("content-type"), await page.text()]).toEqual([
      502,
      "text/html",
      "<html>bad gateway</html>",
    ]);
    const empty = await fetch("https://api.stability.ai/v1/user/balance", { headers });
    expect([empty.status, await empty.text()]).toEqual([200, ""]);
  });

  it("calls a function with the Request and the count of earlier calls to that operation", async () => {
    const seen: [string | null, number][] = [];
    const { client } = mocked(
      {
        balance: async (request, n) => {
          seen.push([request.headers.get("organization"), n]);
          await Promise.resolve();
          return n === 0 ? { status: 503 } : { credits: 10 * n };
        },
      },
      { maxRetries: 1 },
    );
    await client.account();
    expect(
      await client.balance({ organization: "org-1", maxRetries: 0 }).catch((e: Error) => e.name),
    ).toBe("InternalServerError");
    expect(await client.balance()).toEqual({ credits: 10 });
    expect(seen).toEqual([
      ["org-1", 0],
      [null, 1],
    ]);
  });

  it("lets a client retry a 429 and then succeed (docs/testing.md's example)", async () => {
    const { fetch, client } = mocked(
      {
        balance: (_request, n) =>
          n === 0 ? { status: 429, headers: { "retry-after-ms": "1" } } : { credits: 42 },
      },
      { maxRetries: 2 },
    );
    expect(await client.balance()).toEqual({ credits: 42 });
    expect(fetch.calls.map((call) => call.path)).toEqual([
      "/v1alpha/user/balance",
      "/v1alpha/user/balance",
    ]);
  });

  it("tests a low-credit alert (docs/testing.md's example)", async () => {
    // The code under test: alert below a threshold, and say so when the key is refused.
    async function checkCredits(options: StabilityClientOptions, alert: (text: string) => void) {
      try {
        const { credits } = await createStabilityClient(options).balance();
        if (credits < 100) alert(`low credits: ${credits}`);
      } catch (error) {
        if (error instanceof AuthenticationError) alert("the API key was refused");
        else throw error;
      }
    }
    const alerts: string[] = [];
    const fixtures: MockFixtures[] = [
      { balance: { credits: 12.5 } },
      { balance: { credits: 500 } },
      { balance: { status: 401, body: { name: "unauthorized", message: "bad key" } } },
    ];
    for (const balance of fixtures)
      await checkCredits({ apiKey, fetch: createMockFetch(balance), logLevel: "off" }, (text) =>
        alerts.push(text),
      );
    expect(alerts).toEqual(["low credits: 12.5", "the API key was refused"]);
  });
});

describe("createMockFetch refuses fixtures it cannot answer", () => {
  const refusal = (fixtures: unknown) => {
    try {
      createMockFetch(fixtures as MockFixtures);
    } catch (error) {
      return error as StabilityInputError;
    }
    throw new Error("createMockFetch accepted the fixtures");
  };

  it("refuses a status outside 200–599 and a body on 204 or 304, naming the operation", () => {
    for (const status of [99, 199, 600, 1000]) {
      const error = refusal({ balance: { status } });
      expect(error).toBeInstanceOf(StabilityInputError);
      expect(error.field).toBe("fixtures.balance");
      expect(error.problem).toBe(`has status ${status}, outside 200–599`);
    }
    for (const status of [204, 304])
      expect(refusal({ account: { status, body: { id: "u" } } }).problem).toBe(
        `has a body, which a ${status} cannot carry`,
      );
    expect(() => createMockFetch({ balance: { status: 204 } })).not.toThrow();
    expect(() =>
      createMockFetch({ balance: { status: 200 }, account: { status: 599 } }),
    ).not.toThrow();
  });

  it("refuses a body with a numeric status field, which would read as a reply", () => {
    const error = refusal({ balance: { credits: 3, status: 200 } });
    expect(error.field).toBe("fixtures.balance");
    expect(error.problem).toMatch(
      /^has a numeric status and also credits: .*\{ status: 200, body \}$/,
    );
  });

  it("refuses an answer that is neither a body nor a reply, and a fixture for no operation", () => {
    expect(refusal({ balance: 42 }).problem).toMatch(/^is number: give a body/);
    expect(refusal({ balance: null }).problem).toMatch(/^is null: give a body/);
    const unknown = refusal({ balanse: { credits: 1 } });
    expect(unknown.field).toBe("fixtures.balanse");
    expect(unknown.problem).toBe(`is not an operation (${Object.keys(OPERATIONS).join(", ")})`);
  });

  it("fails a call whose fixture function returns such an answer once, never as a network failure", async () => {
    const { fetch, client } = mocked({ balance: () => ({ status: 204, body: "x" }) });
    const error = await failure(client.balance());
    expect(error).toBeInstanceOf(StabilityInputError);
    expect(error).not.toBeInstanceOf(StabilityConnectionError);
    expect((error as StabilityInputError).field).toBe("fixtures.balance");
    expect(error.message).toContain("returned an answer that has a body, which a 204 cannot carry");
    expect(fetch.calls).toHaveLength(1);
  });
});

describe("createMockFetch's record and signals", () => {
  it("records every call's method, path and headers, 401s and 404s included", async () => {
    const { fetch, client } = mocked({}, { apiVersion: "v1" });
    await client.balance({ organization: "org-9" });
    await fetch("https://api.stability.ai/v1/user/account?x=1");
    await fetch("https://api.stability.ai/nope", { method: "DELETE", headers: { "X-A": "b" } });
    expect(fetch.calls).toEqual([
      {
        method: "GET",
        path: "/v1/user/balance",
        headers: expect.objectContaining({
          authorization: `Bearer ${apiKey}`,
          organization: "org-9",
          accept: "application/json",
        }) as Record<string, string>,
      },
      { method: "GET", path: "/v1/user/account", headers: {} },
      { method: "DELETE", path: "/nope", headers: { "x-a": "b" } },
    ]);
  });

  it("honours the signal: a fixture that never settles lets the client's timeout fire", async () => {
    const { client } = mocked({ balance: () => new Promise<never>(() => {}) }, { maxRetries: 0 });
    expect(await failure(client.balance({ timeoutMs: 20 }))).toBeInstanceOf(StabilityTimeoutError);
    const controller = new AbortController();
    const call = client.balance({ signal: controller.signal });
    controller.abort();
    expect(await failure(call)).toBeInstanceOf(StabilityAbortError);
  });

  it("gives raw the API's error body as `error`", async () => {
    const body = { name: "permission_denied", message: "not your organization" };
    const { client } = mocked({ balance: { status: 403, body } });
    const { data, error, response } = await client.raw.GET("/v1alpha/user/balance");
    expect([data, error, response.status]).toEqual([undefined, body, 403]);
  });
});

describe("the testing kit's entry", () => {
  it("is not part of the library's entry", async () => {
    const library = await import("../src/index.ts");
    expect(Object.keys(library)).not.toContain("createMockFetch");
  });

  it("bundles for any platform, importing only the library's entry and carrying only the examples", async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL("../src/testing.ts", import.meta.url))],
      bundle: true,
      platform: "neutral",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
      plugins: [
        {
          name: "library-entry",
          setup: (b) =>
            b.onResolve({ filter: /^\.\/index\.js$/ }, () => ({
              path: "./index.js",
              external: true,
            })),
        },
      ],
    });
    const [output] = Object.values(result.metafile.outputs);
    expect(output?.imports.map(({ path }) => path)).toEqual(["./index.js"]);
    expect(Object.keys(result.metafile.inputs).sort()).toEqual([
      "src/generated/v1.examples.ts",
      "src/generated/v1alpha.examples.ts",
      "src/operations.ts",
      "src/testing.ts",
    ]);
    // The specs' prose stays out: only derived examples ship.
    expect(result.outputFiles[0]!.text).not.toContain("Welcome to the Stability.ai REST API");
  });
});
