// The redactor's matching rules, one by one, as a caller sees them on an error: where a short key
// counts as a token, which escapes carry a character, how letters fold, a key that holds an escape
// itself, a key echoed inside a JSON string, a cut body, and the reason a failed fetch gives.
import { inspect } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createStabilityClient, type StabilityApiError } from "../src/index.ts";
// Imported when the file loads, not at a call's first failure: Stryker then sees the module-level
// rules (the regular expressions, isToken) run outside any test, and runs every test against them.
import { redactor } from "../src/failure.ts";
import { failure } from "./helpers/server.ts";

const client = (apiKey: string, fetch: typeof globalThis.fetch, maxResponseBytes?: number) =>
  createStabilityClient({ apiKey, fetch, maxRetries: 0, logLevel: "off", maxResponseBytes });

/** The body of the error that a 400 answering `body` becomes, for a client holding `apiKey`. */
async function echoed(apiKey: string, body: string, maxResponseBytes?: number) {
  const fetch = () =>
    Promise.resolve(new Response(body, { status: 400, headers: { "content-type": "text/plain" } }));
  const error = (await failure(
    client(apiKey, fetch, maxResponseBytes).balance(),
  )) as StabilityApiError;
  return error.body;
}

/** The connection error a call fails with when its fetch rejects with `thrown`. */
const rejected = (thrown: unknown, apiKey = "sk-rejected-key-0123456789") =>
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a fetch may reject with anything
  failure(client(apiKey, () => Promise.reject(thrown)).balance());

describe("a short key counts only as a token", () => {
  const key = "k3y";

  it("is redacted beside spaces, punctuation, quotes and the ends of the text", async () => {
    expect(await echoed(key, `k3y (k3y), "k3y". k3y`)).toBe(
      `[redacted] ([redacted]), "[redacted]". [redacted]`,
    );
  });

  it("stays beside a letter, digit, `-` or `_` on either side, as part of a longer word", async () => {
    const words = "ak3y k3ya 1k3y k3y1 -k3y k3y- _k3y k3y_";
    expect(await echoed(key, words)).toBe(words);
  });

  it("is redacted right after a JSON escape (\\n, \\t, \\r, \\b, \\f, \\u0022) or a URL's %20", async () => {
    const body = String.raw`x\nk3y x\tk3y x\rk3y x\bk3y x\fk3y x\u0022k3y x%20k3y x%2Ck3y`;
    expect(await echoed(key, body)).toBe(
      String.raw`x\n[redacted] x\t[redacted] x\r[redacted] x\b[redacted] x\f[redacted] x\u0022[redacted] x%20[redacted] x%2C[redacted]`,
    );
  });

  it("stays after a backslash and a letter that is no escape, a % with no hex pair, or a letter after an escape", async () => {
    const body = String.raw`\qk3y \u00k3y %zk3y %2k3y \nxk3y %20xk3y`;
    expect(await echoed(key, body)).toBe(body);
  });

  it("is redacted from 16 characters on even glued to letters, and not at 15", async () => {
    const sixteen = "abcdefghijklmnop";
    expect(await echoed(sixteen, `x${sixteen}x`)).toBe("x[redacted]x");
    const fifteen = sixteen.slice(0, 15);
    expect(await echoed(fifteen, `x${fifteen}x`)).toBe(`x${fifteen}x`);
  });
});

describe("the forms a key is echoed in", () => {
  it("redacts a key carried as \\uXXXX escapes or percent-encoded bytes, hex in either case", async () => {
    const body = String.raw`\u006b\u0033\u0079 \u006B\u0033\u0059 %6b%33%79 %6B%33%59 %6B3y`;
    expect(await echoed("k3y", body)).toBe(
      "[redacted] [redacted] [redacted] [redacted] [redacted]",
    );
  });

  it('redacts a key whose `/`, `"` or `\\` JSON escapes with a backslash', async () => {
    const key = String.raw`k/"\y`;
    expect(await echoed(key, String.raw`(k\/\"\\y)`)).toBe("([redacted])");
  });

  it("redacts a key that itself holds an escape (%41, \\/) where it stands", async () => {
    const key = String.raw`sk-%41-and-\/-0123456789`;
    expect(await echoed(key, `key=${key};`)).toBe("key=[redacted];");
  });

  it("redacts ASCII letters in either case, A and Z included", async () => {
    expect(await echoed("AkZ", "akz AKZ aKz")).toBe("[redacted] [redacted] [redacted]");
  });

  it("folds only letters: `@` is not a backtick and `;` is not `[`", async () => {
    expect(await echoed("k@;y", "k`[y K`[Y")).toBe("k`[y K`[Y");
  });

  it("redacts a key escaped inside a JSON string, so escaped twice in the body", async () => {
    const key = "sk-escaped-twice-0123456789";
    const twice = [...key].map((c) => `\\\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    const body = `{"name":"bad_request","message":"key ${twice.join("")}"}`;
    expect(await echoed(key, body)).toEqual({ name: "bad_request", message: "key [redacted]" });
  });
});

describe("finding the key", () => {
  // Keys over two letters repeat their own prefixes, so a search must fall back correctly.
  const ab = (min: number, max: number) =>
    fc.array(fc.constantFrom("a", "b"), { minLength: min, maxLength: max }).map((c) => c.join(""));

  it("redacts exactly the copies a plain search finds, for keys that overlap themselves", () => {
    fc.assert(
      fc.property(ab(16, 24), fc.array(ab(0, 30), { maxLength: 6 }), (key, parts) => {
        // The key planted between the parts, and parts that may hold most of a key.
        const text = parts.join(key.slice(0, -1)) + key + parts.join(key);
        expect(redactor(key)(text)).toBe(text.split(key).join("[redacted]"));
      }),
      { numRuns: 300 },
    );
  });

  it("does not take a near-copy for the key when the key's prefix repeats", () => {
    const key = "babaaabbbbbabaaa";
    const nearCopy = "baaabaaabbbbbabaaa";
    expect(redactor(key)(nearCopy)).toBe(nearCopy);
    expect(redactor(key)(`ba${key}`)).toBe("ba[redacted]");
  });
});

describe("a body cut at its limit", () => {
  it("keeps the limit less its mark less six characters per key character, then the mark", async () => {
    const key = "k".repeat(10);
    const body = await echoed(key, "x".repeat(400), 200);
    const mark = "[cut at 200 bytes]";
    expect(body).toBe("x".repeat(200 - mark.length - 6 * key.length) + mark);
  });
});

describe("headers on an error", () => {
  it("show as a plain object of name and value in inspect and JSON", async () => {
    const key = "sk-headers-key-0123456789";
    const fetch = () =>
      Promise.resolve(new Response("no", { status: 400, headers: { "x-echo": `k=${key}` } }));
    const error = (await failure(client(key, fetch).balance())) as StabilityApiError;
    expect(JSON.parse(JSON.stringify(error.headers))).toMatchObject({ "x-echo": "k=[redacted]" });
    expect(inspect(error.headers)).toMatch(/^\{.*'x-echo': 'k=\[redacted\]'/s);
  });
});

describe("the copy of what a fetch throws", () => {
  it("has an empty message and stack and the name Error when those are not strings", async () => {
    const thrown = new Error("replaced");
    Object.defineProperties(thrown, {
      message: { value: 42 },
      name: { value: "" },
      stack: { value: { lines: [] } },
    });
    const cause = (await rejected(thrown)).cause as Error;
    expect(cause.message).toBe("");
    expect(cause.name).toBe("Error");
    expect(cause.stack).toBe("");
  });
});

describe("the reason a failed fetch gives", () => {
  const key = "sk-reason-key-0123456789";
  const reason = async (thrown: unknown) =>
    /\((.*)\)$/.exec((await rejected(thrown, key)).message)?.[1];

  it("is the cause's code, a string or a number", async () => {
    const code = (value: unknown) => new TypeError("fetch failed", { cause: { code: value } });
    expect(await reason(code("ECONNREFUSED"))).toBe("ECONNREFUSED");
    expect(await reason(code(-111))).toBe("-111");
  });

  it("is the message, redacted, when the cause has no code", async () => {
    expect(await reason(new Error(`socket hang up for ${key}`))).toBe(
      "socket hang up for [redacted]",
    );
    expect(await reason(new TypeError("x", { cause: { code: { nested: 1 } } }))).toBe("x");
  });

  it("is a thrown string itself, redacted, and `unknown error` for anything else", async () => {
    expect(await reason(`refused ${key}`)).toBe("refused [redacted]");
    expect(await reason({})).toBe("unknown error");
    expect(await reason(null)).toBe("unknown error");
  });
});
