// The MCP SDK is an optional peer dependency: installing the client does not bring it, the CLI's
// other commands run without it (and without dist/mcp.js), and `stability-user mcp` without it says
// in one line what to install. The built files run from a scratch directory outside the
// repository, where only openapi-fetch resolves.
import { execFile } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MCP_SDK } from "../src/mcp.ts";
import { builtDist, type BuiltDist } from "./helpers/dist.ts";
import { json, serverPerTest, type Run } from "./helpers/server.ts";

const KEY = "sk-mcp-install-test-0123456789";
const serve = serverPerTest();
let dist: BuiltDist;
const scratch: string[] = [];

beforeAll(async () => {
  dist = await builtDist();
}, 60_000);
afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
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

/** A server as an MCP client's configuration names it. */
interface Entry {
  where: string;
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** The docs: README.md, and the pages under docs/ where there are any. */
const DOCS = [
  "README.md",
  ...(existsSync("docs") ? readdirSync("docs").filter((f) => f.endsWith(".md")) : []).map(
    (f) => `docs/${f}`,
  ),
];
const blocks = (lang: string) =>
  DOCS.flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/^```(\w+)\n([\s\S]*?)^```/gm)]
      .filter((m) => m[1] === lang)
      .map((m) => ({ file, code: m[2]! })),
  );

/** Every `mcpServers` entry of the docs' JSON blocks (Claude Desktop's shape, which most clients read). */
const jsonEntries = (): Entry[] =>
  blocks("json").flatMap(({ file, code }) =>
    Object.entries(
      (JSON.parse(code) as { mcpServers?: Record<string, Omit<Entry, "where">> }).mcpServers ?? {},
    ).map(([name, entry]) => ({ where: `${file} mcpServers.${name}`, ...entry })),
  );

/** Every `claude mcp add` line of the docs' shell blocks, as the entry Claude Code would store. */
const claudeEntries = (): Entry[] =>
  blocks("sh").flatMap(({ file, code }) =>
    code
      .split("\n")
      .filter((line) => line.startsWith("claude mcp add "))
      .map((line) => {
        const words = line.split(/\s+/).slice(3);
        const env: Record<string, string> = {};
        while (words[0]?.startsWith("-")) {
          const [flag, value = ""] = words.splice(0, 2);
          if (flag === "--env" || flag === "-e")
            env[value.split("=")[0]!] = value.slice(value.indexOf("=") + 1);
          else expect([flag, value], line).toEqual(["--transport", "stdio"]);
        }
        const [name, separator, command = "", ...args] = words;
        expect(separator, line).toBe("--");
        return { where: `${file} claude mcp add ${name}`, command, args, env };
      }),
  );

/**
 * The command an entry names, run from this build: `stability-user` is the package's bin, and
 * `npx -y -p <package> -p <sdk> stability-user` fetches this package and the SDK to run it.
 */
function localLaunch({ where, command, args }: Entry): string[] {
  const bin = Object.keys(
    (JSON.parse(readFileSync("package.json", "utf8")) as { bin: object }).bin,
  );
  let rest = args;
  if (command === "npx") {
    const name = (JSON.parse(readFileSync("package.json", "utf8")) as { name: string }).name;
    expect(args.slice(0, 6), where).toEqual(["-y", "-p", name, "-p", MCP_SDK.name, bin[0]]);
    rest = args.slice(6);
  } else expect([command], where).toEqual(bin);
  return [path.join(dist.dir, "cli.js"), ...rest];
}

/** The docs' entries, each distinct one once (the README's quick start repeats docs/mcp.md's). */
const entries = (): Entry[] => {
  const seen = new Set<string>();
  return [...jsonEntries(), ...claudeEntries()].filter(({ command, args, env }) => {
    const key = JSON.stringify([command, args, env]);
    return !seen.has(key) && !!seen.add(key);
  });
};

describe("the install snippets in the docs", () => {
  it("give an mcpServers entry for the bin and for npx, and a `claude mcp add` line", () => {
    const commands = jsonEntries().map((e) => e.command);
    expect(commands).toContain("stability-user");
    expect(commands).toContain("npx");
    expect(claudeEntries().length).toBeGreaterThan(0);
  });

  it("each start the server they name, which answers with the key from its env", async () => {
    for (const entry of entries()) {
      expect(Object.keys(entry.env), entry.where).toEqual(["STABILITY_API_KEY"]);
      const server = await serve(json(200, { credits: 5 }));
      const client = new Client({ name: "install-test", version: "1" });
      await client.connect(
        new StdioClientTransport({
          command: process.execPath,
          args: localLaunch(entry),
          env: {
            PATH: process.env.PATH ?? "",
            STABILITY_API_KEY: KEY,
            STABILITY_BASE_URL: server.url,
          },
          stderr: "pipe",
        }),
      );
      try {
        const result = await client.callTool({ name: "balance", arguments: {} });
        expect(result.structuredContent, entry.where).toEqual({ credits: 5 });
        const version = entry.args.includes("v1") ? "v1" : "v1alpha";
        expect(
          server.received.map((r) => r.path),
          entry.where,
        ).toEqual([`/${version}/user/balance`]);
        expect(server.received[0]?.headers.authorization, entry.where).toContain(KEY);
      } finally {
        await client.close();
      }
    }
  });
});

describe("without the SDK installed", () => {
  it("`mcp` says in one line how to install it, and exits 1", async () => {
    const server = await serve();
    const run = await cli(await installWithoutSdk(), ["mcp", "--base-url", server.url], {
      STABILITY_API_KEY: KEY,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `stability-user: mcp needs the optional package ${MCP_SDK.name}: run npm install ${MCP_SDK.name}@"${MCP_SDK.range}" where stability-user-client is installed (add -g for a global install)\n`,
    );
    expect(server.received).toHaveLength(0);
  });

  it("balance runs and --help lists mcp, with dist/mcp.js left out too", async () => {
    const server = await serve(json(200, { credits: 5 }));
    const dir = await installWithoutSdk("mcp.js", "mcp.js.map");
    const run = await cli(dir, ["balance", "--base-url", server.url], { STABILITY_API_KEY: KEY });
    expect(run).toEqual({ code: 0, stdout: "credits: 5\n", stderr: "" });
    const help = await cli(dir, ["--help"], {});
    expect(help.stdout).toMatch(/^ {2}mcp {2,}/m);
  });
});
