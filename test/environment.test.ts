// STABILITY_BASE_URL is the default base URL for the library and the CLI; an explicit baseUrl or
// --base-url wins. The CLI runs in-process, with the environment it is given.
import { afterEach, describe, expect, it } from "vitest";
import { StabilityInputError, createStabilityClient } from "../src/index.ts";
import { runCli } from "./helpers/cli.ts";
import { json, recordingFetch, refusal, serverPerTest } from "./helpers/server.ts";

const apiKey = "sk-environment-test";
const serve = serverPerTest();
const saved = process.env.STABILITY_BASE_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.STABILITY_BASE_URL;
  else process.env.STABILITY_BASE_URL = saved;
});

describe("STABILITY_BASE_URL in the library", () => {
  it("is the default baseUrl", async () => {
    const server = await serve(json(200, { credits: 2 }));
    process.env.STABILITY_BASE_URL = server.url;
    const client = createStabilityClient({ apiKey, logLevel: "off" });
    expect(await client.balance()).toEqual({ credits: 2 });
    expect(server.received.map((r) => r.path)).toEqual(["/v1alpha/user/balance"]);
  });

  it("loses to an explicit baseUrl", async () => {
    const [fromEnv, explicit] = [
      await serve(json(200, {})),
      await serve(json(200, { credits: 3 })),
    ];
    process.env.STABILITY_BASE_URL = fromEnv.url;
    const client = createStabilityClient({ apiKey, baseUrl: explicit.url, logLevel: "off" });
    await client.balance();
    expect(explicit.received).toHaveLength(1);
    expect(fromEnv.received).toHaveLength(0);
  });

  it("counts as unset when empty, leaving the default", async () => {
    process.env.STABILITY_BASE_URL = "  ";
    const { fetch, requests } = recordingFetch();
    await createStabilityClient({ apiKey, fetch, logLevel: "off" }).balance();
    expect(requests[0]?.url).toBe("https://api.stability.ai/v1alpha/user/balance");
  });

  it.each([
    ["not a URL", "api.stability.ai", /^STABILITY_BASE_URL must be an absolute http\(s\) URL/],
    ["plain http off loopback", "http://api.example.com", /^STABILITY_BASE_URL is plain http:\/\//],
  ])("refuses %s, naming the variable, before anything is sent", (_, value, message) => {
    process.env.STABILITY_BASE_URL = value;
    const { fetch, requests } = recordingFetch();
    const error = refusal({ apiKey, fetch });
    expect(error.field).toBe("STABILITY_BASE_URL");
    expect(error.message).toMatch(message);
    expect(requests).toHaveLength(0);
  });
});

/**
 * Puts a `process.env` in place whose STABILITY_* reads go to `read` (which may throw, as Deno's
 * does without --allow-env: NotCapable) and are recorded; everything else reads the real one.
 */
function envWith(read: (name: string) => string | undefined) {
  const real = process.env;
  const reads: string[] = [];
  process.env = new Proxy(real, {
    get(target, name, receiver) {
      if (typeof name !== "string" || !name.startsWith("STABILITY_"))
        return Reflect.get(target, name, receiver) as unknown;
      reads.push(name);
      return read(name);
    },
  });
  return { reads, restore: () => (process.env = real) };
}

const notCapable = () => {
  throw Object.assign(new Error('Requires env access to "STABILITY_API_KEY"'), {
    name: "NotCapable",
  });
};

describe("the environment", () => {
  it("is not read for an option that is given", async () => {
    const server = await serve(json(200, { credits: 4 }));
    const env = envWith(() => "http://127.0.0.1:1");
    try {
      const client = createStabilityClient({ apiKey, baseUrl: server.url, logLevel: "off" });
      expect(await client.balance()).toEqual({ credits: 4 });
    } finally {
      env.restore();
    }
    expect(env.reads).toEqual([]);
  });

  it("is read, one variable each, for the options not given", () => {
    const env = envWith((name) => (name === "STABILITY_API_KEY" ? apiKey : undefined));
    try {
      createStabilityClient();
    } finally {
      env.restore();
    }
    expect(env.reads.sort()).toEqual(["STABILITY_API_KEY", "STABILITY_BASE_URL", "STABILITY_LOG"]);
  });

  it("counts as unset where the runtime refuses a read (Deno without --allow-env)", async () => {
    const { fetch, requests } = recordingFetch();
    const env = envWith(notCapable);
    let missing: unknown;
    try {
      await createStabilityClient({ apiKey, fetch }).balance();
      missing = (() => {
        try {
          return createStabilityClient({ fetch });
        } catch (error) {
          return error;
        }
      })();
    } finally {
      env.restore();
    }
    // The defaults apply: the public base URL and the "warn" level, and no key is found.
    expect(requests[0]?.url).toBe("https://api.stability.ai/v1alpha/user/balance");
    expect(missing).toBeInstanceOf(StabilityInputError);
    expect((missing as StabilityInputError).message).toMatch(/^apiKey is missing/);
  });
});

describe("STABILITY_BASE_URL in the CLI", () => {
  it("is where the CLI calls when there is no --base-url", async () => {
    const server = await serve(json(200, { credits: 9 }));
    const run = await runCli(["balance"], {
      STABILITY_API_KEY: apiKey,
      STABILITY_BASE_URL: server.url,
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/credits: 9\b/);
    expect(server.received.map((r) => r.path)).toEqual(["/v1alpha/user/balance"]);
  });

  it("loses to --base-url", async () => {
    const [fromEnv, flag] = [await serve(json(200, {})), await serve(json(200, { credits: 1 }))];
    const run = await runCli(["balance", "--base-url", flag.url], {
      STABILITY_API_KEY: apiKey,
      STABILITY_BASE_URL: fromEnv.url,
    });
    expect(run.code).toBe(0);
    expect(flag.received).toHaveLength(1);
    expect(fromEnv.received).toHaveLength(0);
  });

  it("is named when its value is unusable (exit 2)", async () => {
    const run = await runCli(["balance"], {
      STABILITY_API_KEY: apiKey,
      STABILITY_BASE_URL: "ftp://example.com",
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^stability-user: STABILITY_BASE_URL must be an absolute http\(s\) URL/,
    );
  });

  it("is shown in --help", async () => {
    const run = await runCli(["--help"]);
    expect(run.stdout).toMatch(/--base-url <url> .*STABILITY_BASE_URL/);
  });
});
