// The User-Agent names the SDK and its version (from package.json, fixed at build time): the
// library sends stability-user-client/<version>, after the caller's own; the CLI puts
// stability-user/<version> first. Browsers name themselves, so there only the caller's goes.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { VERSION, createStabilityClient } from "../src/index.ts";
import { runCli } from "./helpers/cli.ts";
import { clientFor, json, recordingFetch, serverPerTest } from "./helpers/server.ts";

const { version: PACKAGE_VERSION } = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8"),
) as { version: string };
const OURS = `stability-user-client/${PACKAGE_VERSION}`;
const apiKey = "sk-user-agent-test";
const serve = serverPerTest();

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the library's User-Agent", () => {
  it("exports package.json's version as VERSION", () => {
    expect(VERSION).toBe(PACKAGE_VERSION);
  });

  it("sends stability-user-client/<version> on every call, raw included", async () => {
    const server = await serve(json(200, { id: "u", email: "e", organizations: [] }));
    const client = clientFor(server, { apiKey });
    await client.account();
    await client.raw.GET("/v1alpha/user/account");
    expect(server.received.map((r) => r.headers["user-agent"])).toEqual([OURS, OURS]);
  });

  it("puts the caller's User-Agent first, whatever the header's case", async () => {
    const server = await serve(json(200, { credits: 1 }));
    await clientFor(server, { apiKey, headers: { "user-agent": "credit-watch/1.0" } }).balance();
    await clientFor(server, { apiKey, headers: { "USER-AGENT": "nightly (ops)" } }).balance();
    expect(server.received.map((r) => r.headers["user-agent"])).toEqual([
      `credit-watch/1.0 ${OURS}`,
      `nightly (ops) ${OURS}`,
    ]);
  });

  it("leaves the User-Agent to a browser, sending only the caller's there", async () => {
    vi.stubGlobal("navigator", { userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0" });
    const { fetch, requests } = recordingFetch();
    // A worker has a navigator but no window or document, so no opt-in is needed.
    const options = { apiKey, fetch, logLevel: "off" } as const;
    await createStabilityClient(options).balance();
    await createStabilityClient({ ...options, headers: { "User-Agent": "app/2" } }).balance();
    expect(requests.map((r) => r.headers.get("user-agent"))).toEqual([null, "app/2"]);
  });

  it("sends it on Deno, Bun and Cloudflare Workers, whose navigator names the runtime", async () => {
    const seen: (string | null)[] = [];
    for (const userAgent of ["Deno/2.1.4", "Bun/1.1.38", "Cloudflare-Workers", "Node.js/22"]) {
      vi.stubGlobal("navigator", { userAgent });
      const { fetch, requests } = recordingFetch();
      await createStabilityClient({ apiKey, fetch, logLevel: "off" }).balance();
      seen.push(requests[0]!.headers.get("user-agent"));
    }
    expect(seen).toEqual([OURS, OURS, OURS, OURS]);
  });
});

describe("the CLI's User-Agent", () => {
  it("sends stability-user/<version> before stability-user-client/<version>", async () => {
    const server = await serve(json(200, { credits: 4 }));
    const run = await runCli(["balance", "--base-url", server.url], {
      STABILITY_API_KEY: apiKey,
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(server.received[0]?.headers["user-agent"]).toBe(
      `stability-user/${PACKAGE_VERSION} ${OURS}`,
    );
  });
});
