// A key of any length is redacted like a short one, and redaction itself never fails: every error a
// call throws is a StabilityError whatever the key (the CLI's side: test/cli-long-key.test.ts).
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  StabilityConnectionError,
  StabilityError,
  createStabilityClient,
} from "../src/index.ts";
import { failure } from "./helpers/server.ts";

const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
/** A key of `length` characters from the alphabet of real keys, without repeats (a fixed LCG). */
function keyOf(length: number): string {
  let state = length;
  const next = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31);
  return Array.from({ length }, () => ALPHABET[next() % 64]).join("");
}
const jsonEscaped = (key: string) =>
  [...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
const renderings = (error: unknown) => [
  (error as Error).message,
  (error as Error).stack ?? "",
  JSON.stringify(error),
  inspect(error, { depth: Infinity, showHidden: true }),
];

describe("a key of any length", () => {
  it.each([6_000, 9_000])(
    "redacts a %i-character key a 401 echoes in its body and a header, as a StabilityError",
    async (length) => {
      const apiKey = keyOf(length);
      const body = `{"name":"unauthorized","message":"bad ${apiKey} and ${jsonEscaped(apiKey)}"}`;
      const headers = { "content-type": "application/json", "x-echo": apiKey };
      const fetch = () => Promise.resolve(new Response(body, { status: 401, headers }));
      const client = createStabilityClient({ apiKey, fetch, maxRetries: 0, logLevel: "off" });
      const error = await failure(client.balance());
      expect(error.constructor).toBe(AuthenticationError);
      expect((error as AuthenticationError).headers.get("x-echo")).toBe("[redacted]");
      for (const output of renderings(error)) expect(output).not.toContain(apiKey.slice(0, 64));
    },
  );

  it("redacts a long key in a connection error's cause, as a StabilityConnectionError", async () => {
    const apiKey = keyOf(20_000);
    const fetch = () => Promise.reject(new Error(`proxy refused ${apiKey}`));
    const client = createStabilityClient({ apiKey, fetch, maxRetries: 0, logLevel: "off" });
    const error = await failure(client.balance());
    expect(error).toBeInstanceOf(StabilityConnectionError);
    expect((error.cause as Error).message).toBe("proxy refused [redacted]");
    for (const output of renderings(error)) expect(output).not.toContain(apiKey.slice(0, 64));
  });

  it("is never a raw error when what a fetch throws resists being read", async () => {
    const apiKey = keyOf(40);
    const hostile = Object.defineProperties(new Error("x"), {
      message: {
        get: () => {
          throw new TypeError(`getter saw ${apiKey}`);
        },
      },
      name: { value: 42 },
      code: {
        enumerable: true,
        get: () => {
          throw new RangeError("no");
        },
      },
    });
    const client = createStabilityClient({
      apiKey,
      fetch: () => Promise.reject(hostile),
      maxRetries: 0,
      logLevel: "off",
    });
    const error = await failure(client.balance());
    expect(error).toBeInstanceOf(StabilityError);
    for (const output of renderings(error)) expect(output).not.toContain(apiKey);
  });
});
