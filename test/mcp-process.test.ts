// What only a process shows of `stability-user mcp`: the built bin started as the docs' entry says,
// speaking MCP on its real stdin and stdout; a scripted client that writes its lines and closes
// stdin at once getting every answer and exit 0, with nothing but JSON-RPC on stdout; and the
// built files without the optional SDK (where only openapi-fetch resolves). Everything else about
// the server runs in-process (test/mcp.test.ts, test/mcp-hostile.test.ts,
// test/mcp-install.test.ts); the full client matrix over stdio is test/tools/mcp.tools.ts.
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MCP_SDK } from "../src/mcp.ts";
import { OPERATIONS } from "../src/index.ts";
import { builtDist, type BuiltDist } from "./helpers/dist.ts";
import { MODERN, mcpKit, opening, spawnRaw, spawnStable, toolCall } from "./helpers/mcp.ts";
import { binArgs, jsonEntries } from "./helpers/mcp-snippets.ts";
import { delayed, json, type Run } from "./helpers/server.ts";

const KEY = "sk-mcp-process-test-0123456789";
// Local APIs that live until the file is done, so the tests (each a process) run side by side.
const { serve } = mcpKit(KEY);
let dist: BuiltDist;
const scratch: string[] = [];

beforeAll(async () => {
  dist = await builtDist();
}, 60_000);
afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe.concurrent("the built bin on stdio", () => {
  it("starts as the docs' mcpServers entry names it, and a 2.x client lists the tools and calls one", async () => {
    const entry = jsonEntries().find((e) => e.command === "stability-user")!;
    const [command, ...args] = binArgs(entry);
    expect(command, entry.where).toBe("mcp");
    const api = await serve(json(200, { credits: 5 }));
    const client = await spawnStable(dist, {
      args,
      env: { STABILITY_API_KEY: KEY, STABILITY_BASE_URL: api.url },
    });
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe(MODERN);
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(Object.keys(OPERATIONS));
      const result = await client.callTool({ name: "balance", arguments: {} });
      expect(result.structuredContent).toEqual({ credits: 5 });
      const version = args.includes("v1") ? "v1" : "v1alpha";
      expect(api.received.map((r) => r.path)).toEqual([`/${version}/user/balance`]);
      expect(api.received[0]?.headers.authorization).toContain(KEY);
    } finally {
      await client.close();
    }
  });

  it("answers every line of `printf '<initialize>\\n<initialized>\\n<tools/call>\\n' | stability-user mcp`, writes only JSON-RPC to stdout, and exits 0", async () => {
    // The call is still waiting on the API when stdin closes; debug logging writes to stderr.
    const api = await serve(delayed(200, json(200, { credits: 4 })));
    const run = await spawnRaw(
      dist,
      { args: ["--base-url", api.url], env: { STABILITY_API_KEY: KEY, STABILITY_LOG: "debug" } },
      [...opening("2025-11-25"), toolCall(1, "balance", {})],
    );
    expect(run.code).toBe(0);
    expect(run.messages).toMatchObject([
      { jsonrpc: "2.0", id: 0, result: { protocolVersion: "2025-11-25" } },
      { jsonrpc: "2.0", id: 1, result: { structuredContent: { credits: 4 } } },
    ]);
    // stdout is those two messages, one per line, and nothing else; the log went to stderr.
    expect(run.stdout).toBe(run.messages.map((m) => `${JSON.stringify(m)}\n`).join(""));
    expect(run.stderr).toMatch(/^stability: GET \/v1alpha\/user\/balance → 200 /m);
    expect(run.stdout + run.stderr).not.toContain(KEY);
  });
});

/** The built files in a fresh directory with openapi-fetch installed and nothing else, minus `leaveOut`. */
async function installWithoutSdk(...leaveOut: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "stability-user-no-sdk-"));
  scratch.push(dir);
  await cp(dist.dir, dir, { recursive: true, filter: (f) => !leaveOut.includes(path.basename(f)) });
  await writeFile(path.join(dir, "package.json"), JSON.stringify({ type: "module" }));
  await mkdir(path.join(dir, "node_modules"));
  await symlink(
    path.resolve("node_modules/openapi-fetch"),
    path.join(dir, "node_modules/openapi-fetch"),
    "dir",
  );
  return dir;
}

function cli(dir: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(dir, "cli.js"), ...args],
      { cwd: dir, env: { PATH: process.env.PATH ?? "", ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.concurrent("without the SDK installed", () => {
  it("`mcp` says in one line how to install it, and exits 1", async () => {
    const api = await serve();
    const run = await cli(await installWithoutSdk(), ["mcp", "--base-url", api.url], {
      STABILITY_API_KEY: KEY,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `stability-user: mcp needs the optional package ${MCP_SDK.name}: run npm install ${MCP_SDK.name}@"${MCP_SDK.range}" where stability-user-client is installed (add -g for a global install)\n`,
    );
    expect(api.received).toHaveLength(0);
  });

  it("balance runs and --help lists mcp, with dist/mcp.js left out too", async () => {
    const api = await serve(json(200, { credits: 5 }));
    const dir = await installWithoutSdk("mcp.js", "mcp.js.map");
    const run = await cli(dir, ["balance", "--base-url", api.url], { STABILITY_API_KEY: KEY });
    expect(run).toEqual({ code: 0, stdout: "credits: 5\n", stderr: "" });
    const help = await cli(dir, ["--help"], {});
    expect(help.stdout).toMatch(/^ {2}mcp {2,}/m);
  });
});
