// "Did you mean": one rule (src/suggest.ts) names the known name nearest a misspelt one, for the
// library's options and the CLI's flags; the MCP server's arguments take the same function.
import { describe, expect, it } from "vitest";
import {
  StabilityInputError,
  createStabilityClient,
  type StabilityClientOptions,
} from "../src/index.ts";
import { nearest } from "../src/suggest.ts";
import { createMockFetch } from "../src/testing.ts";
import { runCli } from "./helpers/cli.ts";

const CLIENT_OPTIONS = ["apiVersion", "apiKey", "apiKeyPrefix", "baseUrl", "headers", "maxRetries"];
const CALL_OPTIONS = ["signal", "maxRetries", "timeoutMs", "headers", "organization"];
const FLAGS = ["organization", "all-organizations", "min-credits", "max-retries", "api-version"];

describe("the nearest known name", () => {
  it.each([
    ["a missing letter", "orgnization", CALL_OPTIONS, "organization"],
    ["a shorter word", "maxRetry", CLIENT_OPTIONS, "maxRetries"],
    ["another case", "baseURL", CLIENT_OPTIONS, "baseUrl"],
    ["capitals", "APIKEY", CLIENT_OPTIONS, "apiKey"],
    ["underscores", "api_key", CLIENT_OPTIONS, "apiKey"],
    ["a part of it", "timeout", CALL_OPTIONS, "timeoutMs"],
    ["a swapped pair", "hedaers", CALL_OPTIONS, "headers"],
    ["a flag missing a letter", "min-credit", FLAGS, "min-credits"],
    ["a flag with underscores", "api_version", FLAGS, "api-version"],
    ["a flag without dashes", "maxretries", FLAGS, "max-retries"],
  ])("is found for %s: %s → %s", (_case, typed, known, expected) => {
    expect(nearest(typed, known)).toBe(expected);
  });

  it.each([
    ["too short to be a part", "org", CALL_OPTIONS],
    ["too many edits", "quiet", FLAGS],
    ["empty", "", CLIENT_OPTIONS],
    ["nothing known", "organization", []],
  ])("is none when %s: %j", (_case, typed, known) => {
    expect(nearest(typed, known)).toBeUndefined();
  });

  it("compares names without dashes or underscores", () => {
    expect(nearest("abcd", ["a-b-c-d"])).toBe("a-b-c-d");
    expect(nearest("abcd", ["a_b_c_d"])).toBe("a_b_c_d");
    expect(nearest("a-b_c-d", ["abcd"])).toBe("abcd");
  });

  it("allows at most a third of the known name's length in edits", () => {
    expect(nearest("abcxyf", ["abcdef"])).toBe("abcdef"); // 2 edits of 6 letters
    expect(nearest("axyzef", ["abcdef"])).toBeUndefined(); // 3 edits
    expect(nearest("xxabcd", ["abcdef"])).toBeUndefined(); // 4 edits: 2 out, 2 in
    expect(nearest("abcdefgh", ["abcdef"])).toBe("abcdef"); // 2 letters more
    expect(nearest("abcdefghi", ["abcdef"])).toBeUndefined(); // 3 letters more
    expect(nearest("abcd", ["abcdef"])).toBe("abcdef"); // a part of it, 2 letters fewer
    expect(nearest("abc", ["abcdef"])).toBeUndefined(); // 3 letters fewer, too short to be a part
  });

  it("takes a known name that holds it however long that name is, if it is over 3 letters", () => {
    expect(nearest("time", ["timeoutMilliseconds"])).toBe("timeoutMilliseconds");
    expect(nearest("tim", ["timeoutMilliseconds"])).toBeUndefined();
  });

  it("prefers the fewest edits, then the first known", () => {
    expect(nearest("headers", ["headerz", "headers"])).toBe("headers");
    expect(nearest("maxRetries", ["maxRetriesX", "maxRetries"])).toBe("maxRetries");
    expect(nearest("abcd", ["abcd1", "abcd2"])).toBe("abcd1");
    expect(nearest("abcd", ["abcd12", "abcd1"])).toBe("abcd1");
  });

  it("costs a length comparison for a name far longer than any known one", () => {
    const long = "x".repeat(10_000_000);
    /** The fastest of three runs of `work`, in ms: a busy machine slows each run, not the ratio. */
    const fastest = (work: () => unknown) =>
      Math.min(
        ...[1, 2, 3].map(() => {
          const started = performance.now();
          work();
          return performance.now() - started;
        }),
      );
    // Reading the name once (lower-casing it) is the least any rule costs; comparing every letter
    // with every letter of each option costs over a hundred times that.
    const once = fastest(() => long.toLowerCase().replace(/[-_]/g, ""));
    expect(nearest(long, CLIENT_OPTIONS)).toBeUndefined();
    expect(fastest(() => nearest(long, CLIENT_OPTIONS))).toBeLessThan(10 * once + 50);
  });
});

describe("a misspelt library option", () => {
  const fetch = createMockFetch();
  const refusal = async (call: () => unknown) => {
    const error = await Promise.resolve()
      .then(call)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(StabilityInputError);
    return error as StabilityInputError;
  };

  it("of balance() names the option it is near, and nothing is sent", async () => {
    const stability = createStabilityClient({ apiKey: "sk-typo", fetch });
    const error = await refusal(() => stability.balance({ orgnization: "org-1" } as never));
    expect(error.field).toBe("orgnization");
    expect(error.message).toBe(
      "orgnization is not an option of balance(); did you mean organization?",
    );
    expect(fetch.calls).toEqual([]);
  });

  it("of the client names the option it is near", async () => {
    const options = { apiKey: "sk-typo", fetch, maxRetry: 2 } as StabilityClientOptions;
    const error = await refusal(() => createStabilityClient(options));
    expect(error.message).toBe(
      "maxRetry is not an option of createStabilityClient; did you mean maxRetries?",
    );
  });
});

describe("a misspelt CLI flag", () => {
  /** Runs the CLI in-process with a key, and returns its exit code and stderr lines. */
  async function cli(argv: string[]) {
    const { code, stderr } = await runCli(argv, { STABILITY_API_KEY: "sk-typo" });
    return { code, err: stderr.split("\n").filter(Boolean) };
  }

  it("is a usage error naming the flag it is near", async () => {
    expect(await cli(["balance", "--min-credit", "100"])).toEqual({
      code: 2,
      err: [
        "stability-user: unknown option --min-credit; did you mean --min-credits?",
        "Run stability-user --help for usage.",
      ],
    });
    const { err } = await cli(["balance", "--orgnization", "org-1"]);
    expect(err[0]).toBe(
      "stability-user: unknown option --orgnization; did you mean --organization?",
    );
  });

  it("names none when none is near, and never one for a short flag", async () => {
    expect((await cli(["balance", "--quiet"])).err[0]).toBe(
      "stability-user: unknown option --quiet",
    );
    expect((await cli(["balance", "-q"])).err[0]).toBe("stability-user: unknown option -q");
  });
});
