import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  InternalServerError,
  RateLimitError,
  createStabilityClient,
  type LogLevel,
  type Logger,
} from "../src/index.ts";
import { json, reset, serverPerTest } from "./helpers/server.ts";

const apiKey = "sk-logging-test-key-0123456789";
const path = "/v1alpha/user/balance";
const fast = { "retry-after-ms": "5" };

const serve = serverPerTest();
const savedEnv = process.env.STABILITY_LOG;
afterEach(() => {
  if (savedEnv === undefined) delete process.env.STABILITY_LOG;
  else process.env.STABILITY_LOG = savedEnv;
});

/** A logger that keeps every call with all its arguments, rendered the way a console would. */
function collector() {
  const lines: { level: keyof Logger; text: string }[] = [];
  const record =
    (level: keyof Logger) =>
    (...args: unknown[]) =>
      lines.push({
        level,
        text: args
          .map((a) => (typeof a === "string" ? a : inspect(a, { depth: 10, showHidden: true })))
          .join(" "),
      });
  const logger: Logger = {
    error: record("error"),
    warn: record("warn"),
    info: record("info"),
    debug: record("debug"),
  };
  return { lines, logger };
}

describe("logging", () => {
  it("logs every attempt at debug with method, path, status, duration and retry delay, never the key", async () => {
    const server = await serve(json(503, {}, fast), json(200, { credits: 7 }));
    const { lines, logger } = collector();
    const client = createStabilityClient({
      apiKey,
      apiKeyPrefix: "Bearer",
      baseUrl: server.url,
      logLevel: "debug",
      logger,
    });
    await client.balance({ organization: "org-42" });
    expect(server.received).toHaveLength(2);

    const debug = lines.filter((l) => l.level === "debug").map((l) => l.text);
    expect(debug).toHaveLength(2);
    expect(debug[0]).toMatch(
      new RegExp(`GET ${path} → 503 .*in \\d+(\\.\\d+)? ms.*attempt 1 of 3.*retry in 5 ms`),
    );
    expect(debug[1]).toMatch(new RegExp(`GET ${path} → 200 in \\d+(\\.\\d+)? ms.*attempt 2 of 3`));
    expect(debug.join("\n")).toMatch(/Authorization: '\[redacted\]'/);
    expect(debug.join("\n")).toMatch(/Organization: 'org-42'/);
    for (const line of lines) expect(line.text).not.toContain(apiKey);
  });

  it("logs a connection failure at debug without the key", async () => {
    const server = await serve(reset());
    const { lines, logger } = collector();
    const client = createStabilityClient({
      apiKey,
      baseUrl: server.url,
      logLevel: "debug",
      logger,
      maxRetries: 0,
    });
    await expect(client.balance()).rejects.toThrow();
    expect(server.received).toHaveLength(1);
    expect(lines.filter((l) => l.level === "debug").map((l) => l.text)).toEqual([
      expect.stringMatching(new RegExp(`GET ${path} → StabilityConnectionError in .* ms`)),
    ]);
    for (const line of lines) expect(line.text).not.toContain(apiKey);
  });

  it("prints nothing by default for a call that succeeds after retries (a good cron run is quiet)", async () => {
    const server = await serve(json(500, {}, fast), json(503, {}, fast), json(200, { credits: 7 }));
    const { lines, logger } = collector();
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logger });
    expect(await client.balance()).toEqual({ credits: 7 });
    expect(server.received).toHaveLength(3);
    expect(lines).toEqual([]);
  });

  it("logs only the final failure, as an error, by default", async () => {
    const server = await serve(json(503, {}, fast));
    const { lines, logger } = collector();
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logger });
    await expect(client.balance()).rejects.toBeInstanceOf(InternalServerError);
    expect(server.received).toHaveLength(3);
    expect(lines.map((l) => l.level)).toEqual(["error"]);
    expect(lines[0]?.text).toMatch(/giving up after 3 attempts/);
  });

  it("logs each retry at info, with its reason and delay", async () => {
    const server = await serve(json(503, {}, fast), json(200, { credits: 7 }));
    const { lines, logger } = collector();
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logger, logLevel: "info" });
    await client.balance();
    expect(lines).toEqual([
      { level: "info", text: expect.stringMatching(/503 .*; retry 1 of 2 in 5 ms$/) as string },
    ]);
  });

  it("says why it stopped when a later attempt asks for a wait over 60 s", async () => {
    const server = await serve(json(503, {}, fast), json(429, {}, { "retry-after": "120" }));
    const { lines, logger } = collector();
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logger });
    await expect(client.balance()).rejects.toBeInstanceOf(RateLimitError);
    expect(server.received).toHaveLength(2);
    expect(lines.map((l) => l.level)).toEqual(["error"]);
    expect(lines[0]?.text).toMatch(/not retrying, the server asked to wait over 60000 ms/);
  });

  it("logs nothing at logLevel off, even when every attempt fails", async () => {
    const server = await serve(json(503, {}, fast));
    const { lines, logger } = collector();
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logger, logLevel: "off" });
    await expect(client.balance()).rejects.toBeInstanceOf(InternalServerError);
    expect(server.received).toHaveLength(3);
    expect(lines).toEqual([]);
  });

  it.each<[string, LogLevel[]]>([
    ["debug", ["debug", "info", "debug"]],
    ["DEBUG", ["debug", "info", "debug"]],
    ["info", ["info"]],
    ["warn", []],
    ["error", []],
    ["off", []],
  ])("takes the level from STABILITY_LOG=%s", async (env, levels) => {
    process.env.STABILITY_LOG = env;
    const server = await serve(json(503, {}, fast), json(200, { credits: 7 }));
    const { lines, logger } = collector();
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logger });
    await client.balance();
    expect(server.received).toHaveLength(2);
    expect(lines.map((l) => l.level)).toEqual(levels);
  });

  it("lets the logLevel option override STABILITY_LOG", async () => {
    process.env.STABILITY_LOG = "debug";
    const server = await serve(json(503, {}, fast), json(200, { credits: 7 }));
    const { lines, logger } = collector();
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logger, logLevel: "off" });
    await client.balance();
    expect(server.received).toHaveLength(2);
    expect(lines).toEqual([]);
  });
});
