// The key never shows in any rendering of an error, however a server or a custom fetch echoes it:
// raw, JSON-escaped, in a header, in a cause. A short test key is redacted only as a token.
import { inspect } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  StabilityConnectionError,
  StabilityInputError,
  StabilityResponseError,
  createStabilityClient,
  type StabilityApiError,
} from "../src/index.ts";
import { clientFor, failure, json, recordingFetch, serverPerTest, text } from "./helpers/server.ts";

const apiKey = "sk-redaction-test-key/0123456789";
const serve = serverPerTest();

/** Every way an error is commonly shown: message, stack, String(), JSON and inspect. */
const renderings = (error: unknown) => [
  (error as Error).message,
  (error as Error).stack ?? "",
  String(error),
  JSON.stringify(error) ?? "",
  inspect(error, { depth: Infinity, showHidden: true }),
];
const expectNoKey = (error: unknown, key = apiKey) => {
  for (const output of renderings(error)) expect(output).not.toContain(key);
};

/** The key as JSON might carry it: every character as `\uXXXX`, and `/` as `\/`. */
const jsonEscaped = (key: string) =>
  [...key]
    .map((c) => (c === "/" ? "\\/" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`))
    .join("");

describe("redaction on the wire", () => {
  it("redacts a key a 401 body echoes JSON-escaped (\\/ and \\uXXXX)", async () => {
    const body = `{"name":"unauthorized","message":"key ${jsonEscaped(apiKey)} is not valid"}`;
    const server = await serve(text(401, body, { "content-type": "application/json" }));
    const error = (await failure(clientFor(server, { apiKey }).balance())) as StabilityApiError;
    expect(error.constructor).toBe(AuthenticationError);
    expect(error.body).toMatchObject({ message: "key [redacted] is not valid" });
    expectNoKey(error);
  });

  it("redacts a JSON-escaped key in an error body that is JSON but not the API's shape", async () => {
    const body = `{"error":"bad key \\"${jsonEscaped(apiKey)}\\""}`;
    const server = await serve(text(400, body, { "content-type": "application/json" }));
    const error = (await failure(clientFor(server, { apiKey }).balance())) as StabilityApiError;
    expect(error.body as string).toContain("[redacted]");
    expectNoKey(error);
  });

  it("redacts a key a non-JSON 200 body echoes, and keeps it out of the cause", async () => {
    const server = await serve(text(200, `${apiKey}<html>`));
    const error = await failure(clientFor(server, { apiKey }).balance());
    expect(error.constructor).toBe(StabilityResponseError);
    expect(error.message).toContain("[redacted]");
    expectNoKey(error);
    // A cut copy of the key, as a SyntaxError quoting the first characters would carry, is gone too.
    expectNoKey(error, apiKey.slice(0, 10));
  });

  it("redacts a key echoed in an error's response headers", async () => {
    const server = await serve(
      json(401, { name: "unauthorized", message: "no" }, { "x-echo": `k=${apiKey}` }),
    );
    const error = (await failure(clientFor(server, { apiKey }).balance())) as StabilityApiError;
    expect(error.headers.get("x-echo")).toBe("k=[redacted]");
    expectNoKey(error);
  });

  it("redacts the key in the message and cause chain of an error a custom fetch throws", async () => {
    const fetch: typeof globalThis.fetch = (_input, init) => {
      const sent = new Headers(init?.headers).get("authorization");
      const inner = Object.assign(new Error(`socket for ${sent} closed`), { code: "ECONNRESET" });
      return Promise.reject(
        new TypeError(`proxy refused Authorization: ${sent}`, { cause: inner }),
      );
    };
    const client = createStabilityClient({ apiKey, fetch, maxRetries: 0, logLevel: "off" });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(StabilityConnectionError);
    expect(inspect(error, { depth: Infinity })).toContain("ECONNRESET");
    expectNoKey(error);
  });

  it("redacts a one-character key only where it stands as a token", async () => {
    const server = await serve(json(401, { name: "unauthorized", message: "key k is not known" }));
    const error = (await failure(
      clientFor(server, { apiKey: "k" }).balance(),
    )) as StabilityApiError;
    expect(error.body).toMatchObject({ message: "key [redacted] is not known" });
    expect(error.message).toMatch(/unauthorized: key \[redacted\] is not known$/);
  });

  it("refuses credentials in baseUrl at creation, without echoing them", () => {
    const { fetch, requests } = recordingFetch();
    for (const baseUrl of [
      "https://user:hunter2-secret@api.example.com",
      "https://hunter2-secret@api.example.com",
    ]) {
      let error: unknown;
      try {
        createStabilityClient({ apiKey, fetch, baseUrl });
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(StabilityInputError);
      expect((error as StabilityInputError).field).toBe("baseUrl");
      expect((error as Error).message).toMatch(/baseUrl must not contain credentials/);
      for (const output of renderings(error)) expect(output).not.toContain("hunter2-secret");
    }
    expect(requests).toHaveLength(0);
  });
});

// Keys as RFC 6750 b64tokens, long enough that an accidental match is impossible.
const keys = fc.stringMatching(/^[A-Za-z0-9._~+/=-]{12,48}$/);
/** The key with each character as itself, `\uXXXX` in either case of hex, or `\/` for `/`. */
const echoes = (key: string) =>
  fc
    .array(fc.constantFrom("raw", "u", "U", "slash"), {
      minLength: key.length,
      maxLength: key.length,
    })
    .map((ways) =>
      [...key]
        .map((c, i) => {
          const hex = c.charCodeAt(0).toString(16).padStart(4, "0");
          if (ways[i] === "u") return `\\u${hex}`;
          if (ways[i] === "U") return `\\u${hex.toUpperCase()}`;
          return ways[i] === "slash" && c === "/" ? "\\/" : c;
        })
        .join(""),
    );
/** What may stand beside an echo: separators, markup, a JSON escape, or nothing. */
const sides = fc.constantFrom("", " ", ":", "=", "'", "(", ")", "<p>", "\\n", "\\t", ",", ".");

describe("redaction, for any key and any echo", () => {
  it("keeps the key out of every rendering of an API error whose JSON body echoes it", async () => {
    await fc.assert(
      fc.asyncProperty(
        keys.chain((key) => fc.tuple(fc.constant(key), echoes(key), sides, sides)),
        fc.boolean(),
        fc.constantFrom(400, 401, 403, 429, 500),
        async ([key, echo, before, after], apiShape, status) => {
          const inner = `${before}${echo}${after}`;
          const body = apiShape
            ? `{"name":"unauthorized","message":"bad ${inner} key"}`
            : `{"detail":"${inner}"}`;
          const fetch = () =>
            Promise.resolve(
              new Response(body, {
                status,
                headers: { "content-type": "application/json", "x-echo": key },
              }),
            );
          const client = createStabilityClient({
            apiKey: key,
            fetch,
            maxRetries: 0,
            logLevel: "off",
          });
          const error = await failure(client.balance());
          expectNoKey(error, key);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("keeps the key out of a 2xx error, whether the body is not JSON or off-schema", async () => {
    await fc.assert(
      fc.asyncProperty(
        keys.chain((key) => fc.tuple(fc.constant(key), echoes(key), sides, sides)),
        fc.constantFrom("text", "json"),
        async ([key, echo, before, after], kind) => {
          const body =
            kind === "text"
              ? `<p>${before}${echo}${after}</p>`
              : `{"credits":"${before}${echo}${after}"}`;
          const fetch = () => Promise.resolve(new Response(body, { status: 200 }));
          const client = createStabilityClient({
            apiKey: key,
            fetch,
            validateResponses: true,
            logLevel: "off",
          });
          const error = await failure(client.balance());
          expect(error).toBeInstanceOf(StabilityResponseError);
          expectNoKey(error, key);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("keeps the key out of a connection error whose cause chain quotes it", async () => {
    await fc.assert(
      fc.asyncProperty(keys, sides, fc.nat(3), async (key, side, depth) => {
        const fetch = () => {
          let error: Error = new Error(`${side}${key}${side}`);
          for (let i = 0; i < depth; i++) error = new Error(`level ${i} ${key}`, { cause: error });
          return Promise.reject(error);
        };
        const client = createStabilityClient({
          apiKey: key,
          fetch,
          maxRetries: 0,
          logLevel: "off",
        });
        const error = await failure(client.balance());
        expect(error).toBeInstanceOf(StabilityConnectionError);
        expectNoKey(error, key);
      }),
      { numRuns: 100 },
    );
  });
});

describe("redaction of every copy and every form", () => {
  const reply =
    (body: string, headers: Record<string, string> = {}) =>
    () =>
      Promise.resolve(
        new Response(body, { status: 400, headers: { "content-type": "text/plain", ...headers } }),
      );
  const client = (fetch: typeof globalThis.fetch, key = apiKey) =>
    createStabilityClient({ apiKey: key, fetch, maxRetries: 0, logLevel: "off" });

  it("redacts every copy of a key a body echoes, not only the first", async () => {
    const error = (await failure(
      client(reply(`a ${apiKey} b ${apiKey} c ${apiKey}`)).balance(),
    )) as StabilityApiError;
    expect(error.body).toBe("a [redacted] b [redacted] c [redacted]");
  });

  it("redacts a key JSON-escaped with upper-case hex (\\u006B)", async () => {
    const upper = [...apiKey]
      .map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0").toUpperCase()}`)
      .join("");
    expect(upper).toMatch(/[A-F]/);
    const error = (await failure(client(reply(`key "${upper}"`)).balance())) as StabilityApiError;
    expect(error.body).toBe('key "[redacted]"');
  });

  it("redacts a key percent-encoded, as a URL in an error message carries it", async () => {
    const encoded = [...apiKey].map((c) => `%${c.charCodeAt(0).toString(16)}`).join("");
    const fetch = () => Promise.reject(new TypeError(`bad URL https://user:${encoded}@host/`));
    const error = await failure(client(fetch).balance());
    expect((error.cause as Error).message).toBe("bad URL https://user:[redacted]@host/");
    expectNoKey(error, encoded);
  });

  it("redacts the key in a response header's name, keeping the name a token", async () => {
    const error = (await failure(
      client(
        reply("no", { [`x-${apiKey.replace("/", "")}`]: "1" }),
        apiKey.replace("/", ""),
      ).balance(),
    )) as StabilityApiError;
    expect([...error.headers.keys()]).toContain("x-redacted");
    expectNoKey(error, apiKey.replace("/", ""));
  });
});

describe("the copy of what a fetch throws", () => {
  const thrower = (error: unknown) =>
    createStabilityClient({
      apiKey,
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a fetch may reject with anything
      fetch: () => Promise.reject(error),
      maxRetries: 0,
      logLevel: "off",
    });

  it("keeps numbers and booleans, redacts strings and leaves objects out", async () => {
    const thrown = Object.assign(new Error("socket hang up"), {
      code: "ECONNRESET",
      errno: -104,
      fatal: true,
      url: `https://api.stability.ai/?key=${apiKey}`,
      config: { headers: { Authorization: apiKey } },
    });
    const error = await failure(thrower(thrown).balance());
    expect(error.cause).toMatchObject({
      message: "socket hang up",
      code: "ECONNRESET",
      errno: -104,
      fatal: true,
      url: "https://api.stability.ai/?key=[redacted]",
    });
    expect(error.cause).not.toHaveProperty("config");
    expectNoKey(error);
  });

  it("copies a cause chain that is a cycle ten levels deep, and no further", async () => {
    const thrown = new Error(`loop ${apiKey}`);
    thrown.cause = thrown;
    const error = await failure(thrower(thrown).balance());
    expect(error).toBeInstanceOf(StabilityConnectionError);
    let depth = 0;
    for (let cause = error.cause as Error | undefined; cause; cause = cause.cause as Error)
      expect(cause.message, `level ${++depth}`).toBe("loop [redacted]");
    expect(depth).toBe(10);
  });

  it("copies name and stack redacted, and a string cause redacted", async () => {
    const thrown = new Error("outer", { cause: `inner ${apiKey}` });
    thrown.name = `Named${apiKey}`;
    const error = await failure(thrower(thrown).balance());
    const cause = error.cause as Error;
    expect(cause.name).toBe("Named[redacted]");
    expect(cause.stack).toMatch(/^Named\[redacted\]: outer/);
    expect(cause.cause).toBe("inner [redacted]");
  });
});
