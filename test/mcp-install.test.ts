// The MCP SDK is an optional peer dependency, and the docs' install snippets start the server they
// name. Each snippet is parsed as its client reads it, its command checked to be the package's bin,
// and its command line served by the CLI's main() in-process (test/helpers/mcp.ts), where a 2.x
// client calls a tool with the key from the snippet's env. test/mcp-process.test.ts starts the
// bin's own entry as a process, and runs the built files without the SDK.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { MCP_SDK } from "../src/mcp.ts";
import { mcpKit } from "./helpers/mcp.ts";
import { binArgs, claudeEntries, jsonEntries, snippetEntries } from "./helpers/mcp-snippets.ts";
import { json } from "./helpers/server.ts";

const KEY = "sk-mcp-install-test-0123456789";
const { serve, stableAs } = mcpKit(KEY);

describe("package.json", () => {
  const pkg = readFile("package.json", "utf8").then(
    (text) => JSON.parse(text) as Record<string, Record<string, unknown>>,
  );

  it("names the SDK as an optional peer only, in the range the install line gives", async () => {
    const { dependencies, peerDependencies, peerDependenciesMeta } = await pkg;
    expect(dependencies).not.toHaveProperty(MCP_SDK.name);
    expect(peerDependencies?.[MCP_SDK.name]).toBe(MCP_SDK.range);
    expect(peerDependenciesMeta?.[MCP_SDK.name]).toEqual({ optional: true });
  });

  it("pins the SDK the tests run against, and the clients of both generations they drive it with", async () => {
    const { devDependencies } = await pkg;
    for (const name of [MCP_SDK.name, "@modelcontextprotocol/client", "@modelcontextprotocol/sdk"])
      expect(devDependencies?.[name], name).toMatch(/^\d+\.\d+\.\d+$/);
    expect(devDependencies?.["@modelcontextprotocol/sdk"]).toMatch(/^1\./);
  });
});

describe("the install snippets in the docs", () => {
  it("give an mcpServers entry for the bin and for npx, and a `claude mcp add` line", () => {
    const commands = jsonEntries().map((e) => e.command);
    expect(commands).toContain("stability-user");
    expect(commands).toContain("npx");
    expect(claudeEntries().length).toBeGreaterThan(0);
  });

  it.concurrent.each(snippetEntries().map((entry) => [entry.where, entry] as const))(
    "%s names the bin and a server that answers with the key from its env",
    async (where, entry) => {
      expect(Object.keys(entry.env), where).toEqual(["STABILITY_API_KEY"]);
      const [command, ...args] = binArgs(entry);
      expect(command, where).toBe("mcp");
      const api = await serve(json(200, { credits: 5 }));
      const client = await stableAs({
        args,
        env: { STABILITY_API_KEY: KEY, STABILITY_BASE_URL: api.url },
      });
      const result = await client.callTool({ name: "balance", arguments: {} });
      expect(result.structuredContent, where).toEqual({ credits: 5 });
      const version = args.includes("v1") ? "v1" : "v1alpha";
      expect(
        api.received.map((r) => r.path),
        where,
      ).toEqual([`/${version}/user/balance`]);
      expect(api.received[0]?.headers.authorization, where).toContain(KEY);
    },
  );
});
