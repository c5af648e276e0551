// `stability-user mcp` as an MCP client meets it: the SDK's own Client over a real stdio child
// process running the built dist/cli.js, against a local server on 127.0.0.1.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { API_VERSIONS, OPERATIONS, VERSION, type ApiVersion } from "../src/index.ts";
import { builtDist, type BuiltDist } from "./helpers/dist.ts";
import { json, startServer, type Behaviour, type TestServer } from "./helpers/server.ts";

const KEY = "sk-mcp-test-0123456789abcdef";
let dist: BuiltDist;
// One server and one MCP server process per API version for the file; each test sets the answer.
let server: TestServer;
let answer: Behaviour;
const clients = {} as Record<ApiVersion, Client>;

beforeAll(async () => {
  dist = await builtDist();
  server = await startServer((req, res) => answer(req, res));
  for (const version of API_VERSIONS) clients[version] = await connect(version);
}, 60_000);
afterAll(async () => {
  await Promise.all(Object.values(clients).map((client) => client.close()));
  await server.close();
});
beforeEach(() => {
  answer = json(404, { id: "e0", name: "not_found", message: "this test set no answer" });
  server.received.length = 0;
});

/** An MCP client connected to `stability-user mcp` (initialize done) for the test server. */
async function connect(apiVersion: ApiVersion): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [`${dist.dir}/cli.js`, "mcp", "--base-url", server.url, "--api-version", apiVersion],
    env: { STABILITY_API_KEY: KEY },
    stderr: "pipe",
  });
  const client = new Client({ name: "mcp-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

interface SpecParameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema: Record<string, unknown>;
}

interface SpecDocument {
  paths: Record<
    string,
    { get: { description: string; parameters?: (SpecParameter | { $ref: string })[] } }
  >;
  components: { parameters?: Record<string, SpecParameter> };
}

/** What the vendored spec says of an operation, read here independently of src/. */
function specOf(version: ApiVersion, name: keyof typeof OPERATIONS) {
  const text = readFileSync(`openapi/${version}.openapi.json`, "utf8");
  const doc = JSON.parse(text) as SpecDocument;
  const operation = doc.paths[`/${version}${OPERATIONS[name].path}`]!.get;
  const parameters = (operation.parameters ?? []).map((p) =>
    "$ref" in p ? doc.components.parameters![p.$ref.split("/").pop()!]! : p,
  );
  return { description: operation.description, parameters };
}

/** Each call option of an operation (the table's `params`) with the spec parameter it is sent as. */
function optionsOf(version: ApiVersion, name: keyof typeof OPERATIONS) {
  const { parameters } = specOf(version, name);
  return Object.entries(OPERATIONS[name].params).map(([option, binding]) => {
    const parameter = parameters.find((p) => p.in === binding.in && p.name === binding.name);
    if (!parameter) throw new Error(`${version} ${name}: the spec has no ${binding.name}`);
    return { option, parameter };
  });
}

const ACCOUNT = {
  id: "user-1",
  email: "ada@example.com",
  organizations: [{ id: "org-1", name: "Ada's", role: "OWNER", is_default: true }],
};

describe("initialize", () => {
  it("names the server stability-user at the package's version, with tools", () => {
    const client = clients.v1alpha;
    expect(client.getServerVersion()).toEqual({ name: "stability-user", version: VERSION });
    expect(client.getServerCapabilities()?.tools).toBeDefined();
  });
});

describe.each(API_VERSIONS)("tools/list on %s", (version) => {
  it("lists one tool per operation, described and parameterised as the spec says", async () => {
    const { tools } = await clients[version].listTools();
    expect(tools.map((t) => t.name)).toEqual(Object.keys(OPERATIONS));
    for (const tool of tools) {
      const spec = specOf(version, tool.name as keyof typeof OPERATIONS);
      expect(tool.description).toBe(spec.description);
      const options = optionsOf(version, tool.name as keyof typeof OPERATIONS);
      const properties = Object.fromEntries(
        options.map(({ option, parameter: p }) => [
          option,
          { ...p.schema, description: p.description },
        ]),
      );
      expect(tool.inputSchema.properties ?? {}).toEqual(properties);
      const required = options.filter(({ parameter }) => parameter.required).map((o) => o.option);
      expect(tool.inputSchema.required ?? []).toEqual(required);
      expect(tool.annotations?.readOnlyHint).toBe(true);
    }
  });

  it("gives balance an organization argument, the spec's Organization header", async () => {
    const { tools } = await clients[version].listTools();
    const balance = tools.find((t) => t.name === "balance");
    expect(balance?.inputSchema.properties).toHaveProperty("organization.type", "string");
    expect(tools.find((t) => t.name === "account")?.inputSchema.properties ?? {}).toEqual({});
  });
});

describe("tools/call", () => {
  it("account returns the served body as structured content, and as JSON text", async () => {
    answer = json(200, ACCOUNT);
    const result = await clients.v1alpha.callTool({ name: "account", arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual(ACCOUNT);
    expect(result.content).toEqual([{ type: "text", text: JSON.stringify(ACCOUNT) }]);
    expect(server.received.map((r) => r.path)).toEqual(["/v1alpha/user/account"]);
    expect(server.received[0]?.headers.authorization).toBe(KEY);
    expect(server.received[0]?.headers).not.toHaveProperty("organization");
  });

  it("balance sends the organization as the Organization header on v1", async () => {
    answer = json(200, { credits: 12.5 });
    const result = await clients.v1.callTool({
      name: "balance",
      arguments: { organization: "org-42" },
    });
    expect(result.structuredContent).toEqual({ credits: 12.5 });
    expect(server.received[0]?.path).toBe("/v1/user/balance");
    expect(server.received[0]?.headers.organization).toBe("org-42");
    expect(server.received[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("balance without an organization sends no Organization header", async () => {
    answer = json(200, { credits: 3 });
    const result = await clients.v1alpha.callTool({ name: "balance" });
    expect(result.structuredContent).toEqual({ credits: 3 });
    expect(server.received[0]?.headers).not.toHaveProperty("organization");
  });

  it("a body that breaks the schema is a tool error, not structured content", async () => {
    answer = json(200, { credits: "lots" });
    const result = await clients.v1alpha.callTool({ name: "balance" });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
  });
});

describe("cancellation", () => {
  it("a call the client cancels ends its request to the API", async () => {
    let arrived!: () => void;
    let ended!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const end = new Promise<void>((resolve) => (ended = resolve));
    // Never answers; without the cancellation the request would stay open for the 60 s timeout.
    answer = (req) => {
      req.socket.once("close", ended);
      arrived();
    };
    const controller = new AbortController();
    const call = clients.v1alpha.callTool({ name: "balance" }, undefined, {
      signal: controller.signal,
    });
    await arrival;
    controller.abort();
    await expect(call).rejects.toThrow();
    await end;
  });
});

describe("tool errors", () => {
  it("a 401 is one line, the CLI's own, without the key (even when the server echoes it)", async () => {
    const body = { id: "e1", name: "unauthorized", message: `bad key ${KEY}` };
    answer = json(401, body);
    const result = await clients.v1alpha.callTool({ name: "balance" });
    expect(result.isError).toBe(true);
    const content = result.content as { type: string; text: string }[];
    expect(content).toHaveLength(1);
    const line = content[0]!.text;
    expect(line).toContain("401");
    expect(line).not.toMatch(/\n/);
    expect(JSON.stringify(result)).not.toContain(KEY);
    const cli = await dist.cli(["balance", "--base-url", server.url], { STABILITY_API_KEY: KEY });
    expect(cli.stderr).toBe(`stability-user: ${line}\n`);
  });

  it("an unknown argument is refused by name, and nothing is sent", async () => {
    const result = await clients.v1alpha.callTool({
      name: "account",
      arguments: { organization: "org-1" },
    });
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([
      {
        type: "text",
        text: 'account: unknown argument "organization" (account takes no arguments)',
      },
    ]);
    expect(server.received).toHaveLength(0);
  });

  it("an argument of the wrong type is refused by name, and nothing is sent", async () => {
    const result = await clients.v1alpha.callTool({
      name: "balance",
      arguments: { organization: 42 },
    });
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([
      { type: "text", text: "balance: organization must be string" },
    ]);
    expect(server.received).toHaveLength(0);
  });

  it("an unknown tool is a protocol error naming it", async () => {
    const client = clients.v1alpha;
    await expect(client.callTool({ name: "engines" })).rejects.toThrow(/unknown tool "engines"/);
  });
});

describe("the server process", () => {
  it("answers on stdout and exits 0 when its client closes stdin", async () => {
    const child = spawn(process.execPath, [`${dist.dir}/cli.js`, "mcp", "--base-url", server.url], {
      env: { PATH: process.env.PATH ?? "", STABILITY_API_KEY: KEY },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    const initialize = {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "raw", version: "1" },
      },
    };
    child.stdin.end(`${JSON.stringify(initialize)}\n`);
    const [code] = (await once(child, "close")) as [number | null];
    expect(code).toBe(0);
    const [reply] = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as unknown);
    expect(reply).toMatchObject({ id: 1, result: { serverInfo: { name: "stability-user" } } });
  });

  it("refuses to start without an API key, as the CLI's other commands do", async () => {
    const run = await dist.cli(["mcp", "--base-url", server.url]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^stability-user: no API key/);
  });
});
