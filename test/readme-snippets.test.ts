// The README's snippets run as written: the error-handling one, against a local server that
// answers 429 without Retry-After, prints a sentence, not "retry in undefined ms".
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { json, serverPerTest } from "./helpers/server.ts";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const ENTRY = fileURLToPath(new URL("../src/index.ts", import.meta.url));
const serve = serverPerTest();
afterEach(() => vi.restoreAllMocks());

/** The README's ```ts blocks that contain `marker`. */
const snippets = (marker: string) =>
  [...README.matchAll(/^```ts\n([\s\S]*?)^```/gm)]
    .map((m) => m[1]!)
    .filter((s) => s.includes(marker));

/** Runs `code` as a module importing the package from src/, with `stability` made by `prelude`. */
async function run(code: string, prelude: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), "readme-snippet-"));
  const printed: string[] = [];
  vi.spyOn(console, "error").mockImplementation((line: string) => void printed.push(line));
  try {
    const file = join(dir, "snippet.ts");
    const body = code.replaceAll('"stability-user-client"', JSON.stringify(ENTRY));
    await writeFile(file, `${body.replace(/^(import [^;]+;\n)?/, `$1${prelude}\n`)}\nexport {};\n`);
    await import(pathToFileURL(file).href);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return printed;
}

describe("the README's error-handling snippet", () => {
  it("prints a sentence for a 429 without Retry-After, and the wait when there is one", async () => {
    const [snippet] = snippets("err instanceof RateLimitError");
    expect(snippet).toBeDefined();
    for (const [headers, line] of [
      [{}, "rate limited"],
      [{ "retry-after": "2" }, "retry in 2000 ms"],
    ] as const) {
      const server = await serve(
        json(429, { name: "rate_limited", message: "slow down" }, headers),
      );
      const prelude = `import { createStabilityClient as create } from ${JSON.stringify(ENTRY)};
const stability = create({ apiKey: "sk-snippet", baseUrl: ${JSON.stringify(server.url)}, maxRetries: 0, logLevel: "off" });`;
      expect(await run(snippet!, prelude)).toEqual([line]);
    }
  });
});
