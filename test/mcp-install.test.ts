// The MCP SDK is an optional peer dependency: installing the client does not bring it, the CLI's
// other commands run without it (and without dist/mcp.js), and `stability-user mcp` without it says
// in one line what to install. The built files run from a scratch directory outside the
// repository, where only openapi-fetch resolves.
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
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

  it("pins the SDK the tests run against", async () => {
    expect((await pkg).devDependencies?.[MCP_SDK.name]).toMatch(/^\d+\.\d+\.\d+$/);
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
