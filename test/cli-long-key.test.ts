// The CLI with a key of any length: a failure is one stderr line with the key redacted, never
// a stack trace (the library's side: test/long-keys.test.ts).
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.ts";
import { serverPerTest, text } from "./helpers/server.ts";

const serve = serverPerTest();
/** A key of 10,000 characters from the alphabet of real keys. */
const apiKey = randomBytes(7_500).toString("base64url");

describe("the CLI with a key of any length", () => {
  it("reports a 401 that echoes a 10,000-character key as one stderr line, the key redacted", async () => {
    const server = await serve(
      text(401, `{"name":"unauthorized","message":"unknown key ${apiKey}"}`, {
        "content-type": "application/json",
      }),
    );
    const run = await runCli(["balance", "--base-url", server.url], {
      STABILITY_API_KEY: apiKey,
    });
    // 4: the key was refused (the CLI's exit table, src/cli/exit.ts).
    expect(run.code).toBe(4);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^stability-user: .*401 unauthorized: unknown key \[redacted\]\n$/);
    expect(run.stderr).not.toContain(apiKey.slice(0, 64));
  });
});
