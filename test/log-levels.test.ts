// An unknown log level, from STABILITY_LOG or the logLevel option, is reported once through the
// logger (naming the allowed levels), and "warn" applies. Each unknown value is reported once per
// process, so every test here uses its own.
import { afterEach, describe, expect, it } from "vitest";
import { createStabilityClient, type LogLevel, type Logger } from "../src/index.ts";
import { json, serverPerTest } from "./helpers/server.ts";

const apiKey = "sk-log-levels-test";
const serve = serverPerTest();
const saved = process.env.STABILITY_LOG;
afterEach(() => {
  if (saved === undefined) delete process.env.STABILITY_LOG;
  else process.env.STABILITY_LOG = saved;
});

function collector() {
  const lines: [keyof Logger, string][] = [];
  const at = (level: keyof Logger) => (message: string) => lines.push([level, message]);
  const logger: Logger = {
    error: at("error"),
    warn: at("warn"),
    info: at("info"),
    debug: at("debug"),
  };
  return { lines, logger };
}

const ALLOWED = "(off, error, warn, info, debug)";

describe("an unknown log level", () => {
  it("from STABILITY_LOG is reported once, naming the allowed levels, and warn applies", async () => {
    process.env.STABILITY_LOG = "verbose";
    const server = await serve(json(503, {}, { "retry-after-ms": "1" }));
    const { lines, logger } = collector();
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logger });
    createStabilityClient({ apiKey, baseUrl: server.url, logger }).withOptions({ maxRetries: 1 });
    await client.balance().catch(() => {});
    expect(lines).toEqual([
      ["warn", `stability: STABILITY_LOG "verbose" is not a log level ${ALLOWED}; using "warn"`],
      // Giving up, logged because "warn" applies; the retries (at info) are not.
      ["error", expect.stringMatching(/giving up after 3 attempts/)],
    ]);
  });

  it("from the logLevel option is reported under that name", () => {
    const { lines, logger } = collector();
    createStabilityClient({ apiKey, logger, logLevel: "trace" as LogLevel });
    expect(lines).toEqual([
      ["warn", `stability: logLevel "trace" is not a log level ${ALLOWED}; using "warn"`],
    ]);
  });

  it("is quoted, so control characters in it reach no terminal", () => {
    process.env.STABILITY_LOG = "\u001b[2Jloud";
    const { lines, logger } = collector();
    createStabilityClient({ apiKey, logger });
    expect(lines).toHaveLength(1);
    expect(lines[0]![1]).toContain('"\\u001b[2jloud"');
    expect(lines[0]![1]).not.toContain("\u001b");
  });

  it.each(["", "   ", "DEBUG", "off"])("is not reported for STABILITY_LOG=%j", (value) => {
    process.env.STABILITY_LOG = value;
    const { lines, logger } = collector();
    createStabilityClient({ apiKey, logger });
    expect(lines).toEqual([]);
  });
});
