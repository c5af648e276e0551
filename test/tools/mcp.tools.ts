// `stability-user mcp` as the MCP clients themselves meet it over a real stdio child process of
// the built bin: the stable SDK's client (@modelcontextprotocol/client 2.x, pinned to revision
// 2026-07-28) and the legacy SDK's (@modelcontextprotocol/sdk 1.x, 2025-11-25), each on both API
// versions, with their own stdio transports; and raw lines at 2025-11-25, 2025-06-18 and
// 2026-07-28. The fast tier runs the same clients in-process (test/mcp.test.ts) and one 2.x client
// and one raw session over stdio (test/mcp-process.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_VERSIONS, OPERATIONS } from "../../src/index.ts";
import { builtDist, type BuiltDist } from "../helpers/dist.ts";
import {
  MODERN,
  modernRequest,
  opening,
  spawnLegacy,
  spawnRaw,
  spawnStable,
  toolCall,
} from "../helpers/mcp.ts";
import { json, startServer, type TestServer } from "../helpers/server.ts";

const KEY = "sk-mcp-tools-tier-0123456789abcdef";
let dist: BuiltDist;
let api: TestServer;

beforeAll(async () => {
  dist = await builtDist();
  // Every request is answered with the credits of the organization it names.
  api = await startServer((req, res) =>
    json(200, { credits: req.headers.organization === "org-7" ? 7 : 1 })(req, res),
  );
});
afterAll(async () => {
  await api.close();
});

const launch = (...args: string[]) => ({
  args: ["--base-url", api.url, ...args],
  env: { STABILITY_API_KEY: KEY },
});

/** The requests that reached the API since `from`, by path and Organization header. */
const since = (from: number) =>
  api.received.slice(from).map((r) => [r.path, r.headers.organization]);

describe.each(API_VERSIONS)("on %s, over stdio", (version) => {
  it.each([
    ["a 2.x client, at revision 2026-07-28", spawnStable, MODERN],
    ["a 1.x client, at 2025-11-25", spawnLegacy, "2025-11-25"],
  ] as const)("%s lists the tools and calls balance for an organization", async (_, spawn, at) => {
    const client = await spawn(dist, launch("--api-version", version));
    try {
      const settled =
        "protocolVersion" in client
          ? client.protocolVersion
          : client.getNegotiatedProtocolVersion();
      expect(settled).toBe(at);
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(Object.keys(OPERATIONS));
      const from = api.received.length;
      const result = await client.callTool({
        name: "balance",
        arguments: { organization: "org-7" },
      });
      expect(result.structuredContent).toEqual({ credits: 7 });
      expect(since(from)).toEqual([[`/${version}/user/balance`, "org-7"]]);
    } finally {
      await client.close();
    }
  });
});

describe("raw lines over stdio, stdin closed at once", () => {
  it.each(["2025-11-25", "2025-06-18"])("at %s are answered at that revision", async (revision) => {
    const run = await spawnRaw(dist, launch(), [...opening(revision), toolCall(1, "balance", {})]);
    expect(run.code).toBe(0);
    expect(run.messages).toMatchObject([
      { id: 0, result: { protocolVersion: revision } },
      { id: 1, result: { structuredContent: { credits: 1 } } },
    ]);
  });

  it("at 2026-07-28 are answered, each request carrying its envelope", async () => {
    const run = await spawnRaw(dist, launch(), [
      modernRequest(1, "server/discover"),
      modernRequest(2, "tools/call", { name: "balance", arguments: {} }),
    ]);
    expect(run.code).toBe(0);
    expect(run.messages).toMatchObject([
      { id: 1, result: { supportedVersions: [MODERN] } },
      { id: 2, result: { structuredContent: { credits: 1 } } },
    ]);
  });
});
