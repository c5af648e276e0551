// `stability-user mcp` as the clients of each protocol generation meet it: the stable SDK's client
// (@modelcontextprotocol/client 2.x) at revision 2026-07-28, the legacy SDK's client
// (@modelcontextprotocol/sdk 1.x) at 2025-11-25, and raw JSON-RPC lines. In-process (mcpKit): the
// CLI's main() serving over a pair of streams, each client on a transport of JSON lines over them,
// so what runs is the real SDK, stdio transport, client and redaction, with no process to start.
// Over a real stdio child process of the built bin (spawnStable, spawnLegacy, spawnRaw): for the
// few tests whose behaviour is the process itself (test/mcp-process.test.ts, test/tools/).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface, type Interface } from "node:readline";
import { PassThrough, type Readable, type Writable } from "node:stream";
import {
  Client as StableClient,
  type JSONRPCMessage as StableMessage,
} from "@modelcontextprotocol/client";
import { StdioClientTransport as StableStdio } from "@modelcontextprotocol/client/stdio";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as LegacyStdio } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Transport as LegacyTransport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage as LegacyMessage } from "@modelcontextprotocol/sdk/types.js";
import { afterAll } from "vitest";
import { runCli } from "./cli.ts";
import type { BuiltDist } from "./dist.ts";
import { startServer, type Behaviour, type Run, type TestServer } from "./server.ts";

/** The protocol revision of the stable SDK line. */
export const MODERN = "2026-07-28";

/** How the server is started: `stability-user mcp ...args` with exactly `env`. */
export interface Launch {
  args: string[];
  env: Record<string, string>;
}

export interface RawRun extends Run {
  /** Each protocol line, parsed (the protocol stream carries JSON-RPC only, so each must parse). */
  messages: Record<string, unknown>[];
}

const parsed = (stdout: string) =>
  stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/**
 * A client's transport over a server's stdin and stdout: one JSON-RPC message per line, as the
 * SDKs' stdio transports write them. It records the protocol revision the client settled on.
 */
class LinesTransport<Message extends object> {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: Message) => void;
  protocolVersion: string | undefined;
  private lines: Interface | undefined;

  constructor(
    private readonly toServer: Writable,
    private readonly fromServer: Readable,
  ) {}

  start(): Promise<void> {
    this.lines = createInterface({ input: this.fromServer });
    this.lines.on("line", (line) => {
      try {
        this.onmessage?.(JSON.parse(line) as Message);
      } catch (error) {
        this.onerror?.(error as Error);
      }
    });
    return Promise.resolve();
  }

  send(message: Message): Promise<void> {
    this.toServer.write(`${JSON.stringify(message)}\n`);
    return Promise.resolve();
  }

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
  }

  /** Closes the server's stdin, as a client closing its stdio transport does. */
  close(): Promise<void> {
    this.toServer.end();
    this.lines?.close();
    this.onclose?.();
    return Promise.resolve();
  }
}

/** `stability-user mcp ...args` through main(), speaking the protocol over fresh streams. */
function serveInProcess({ args, env }: Launch) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const exited = runCli(["mcp", ...args], env, { stdin, stdout }).finally(() => stdout.end());
  return { stdin, stdout, exited };
}

const stableClient = () =>
  new StableClient(
    { name: "mcp-test-stable", version: "1.0.0" },
    { versionNegotiation: { mode: { pin: MODERN } } },
  );
const legacyClient = () => new LegacyClient({ name: "mcp-test-legacy", version: "1.0.0" });

/**
 * For one test file: the in-process server on local APIs, each client connected through its own
 * server. `serve` starts an API on 127.0.0.1; `stable` and `legacy` connect a 2.x client (pinned to
 * 2026-07-28) or a 1.x client (2025-11-25) to `mcp --base-url <api> ...args`; `raw` writes lines to
 * a server, ends its stdin at once (`printf ... | mcp`) and waits for main() to return. Clients,
 * servers and APIs are closed once the file is done. Call it at the top level of a file.
 */
export function mcpKit(key: string) {
  const apis: TestServer[] = [];
  const clients: { close(): Promise<void> }[] = [];
  const exits: Promise<Run>[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    // A call still waiting on an API fails when the API closes, so every server can drain.
    await Promise.all(apis.map((api) => api.close()));
    await Promise.all(exits);
  });
  const launch = (api: TestServer, args: string[], env?: Record<string, string>): Launch => ({
    args: ["--base-url", api.url, ...args],
    env: env ?? { STABILITY_API_KEY: key },
  });
  /**
   * Starts an in-process server as `server` says and runs `connecting` (a client's connect) on a
   * transport over its streams; fails at once, with the server's stderr, when the server ends
   * first (a refused option, a missing key).
   */
  const connect = async <Message extends object>(
    server: Launch,
    connecting: (transport: LinesTransport<Message>) => Promise<void>,
  ) => {
    const { stdin, stdout, exited } = serveInProcess(server);
    exits.push(exited);
    const transport = new LinesTransport<Message>(stdin, stdout);
    const ended = exited.then(({ code, stderr }) => {
      throw new Error(`mcp ended before the client connected, exit ${code}: ${stderr.trim()}`);
    });
    await Promise.race([connecting(transport), ended]);
    return transport;
  };
  const stableAs = async (server: Launch) => {
    const client = stableClient();
    clients.push(client);
    await connect<StableMessage>(server, (transport) => client.connect(transport));
    return client;
  };
  return {
    serve: async (...script: Behaviour[]) => {
      const api = await startServer(...script);
      apis.push(api);
      return api;
    },
    stable: (api: TestServer, ...args: string[]) => stableAs(launch(api, args)),
    /** A 2.x client of the server `launch` names exactly (no --base-url added). */
    stableAs,
    /** A 1.x client, and the revision it settled on. */
    legacy: async (api: TestServer, ...args: string[]) => {
      const client = legacyClient();
      clients.push(client);
      const transport = await connect<LegacyMessage>(launch(api, args), (t) => client.connect(t));
      return Object.assign(client, { protocolVersion: transport.protocolVersion });
    },
    raw: async (
      api: TestServer,
      messages: object[],
      { args = [], env }: { args?: string[]; env?: Record<string, string> } = {},
    ): Promise<RawRun> => {
      const { stdin, stdout, exited } = serveInProcess(launch(api, args, env));
      exits.push(exited);
      const protocol = (async () => {
        let text = "";
        for await (const chunk of stdout.setEncoding("utf8")) text += chunk as string;
        return text;
      })();
      stdin.end(messages.map((m) => `${JSON.stringify(m)}\n`).join(""));
      const run = await exited;
      const text = await protocol;
      return { ...run, stdout: text, messages: parsed(text) };
    },
  };
}

/** The command line of `node <dist>/cli.js mcp ...args`, with exactly `env` (and PATH). */
const command = (dist: BuiltDist, { args, env }: Launch) => ({
  command: process.execPath,
  args: [`${dist.dir}/cli.js`, "mcp", ...args],
  env: { PATH: process.env.PATH ?? "", ...env },
  stderr: "pipe" as const,
});

/** The built bin as a child process, and a 2.x client at revision 2026-07-28 on its stdio. */
export async function spawnStable(dist: BuiltDist, launch: Launch): Promise<StableClient> {
  const client = stableClient();
  await client.connect(new StableStdio(command(dist, launch)));
  return client;
}

/** The built bin as a child process, a 1.x client on its stdio, and the revision it settled on. */
export async function spawnLegacy(dist: BuiltDist, launch: Launch) {
  const client = legacyClient();
  const transport: LegacyTransport = new LegacyStdio(command(dist, launch));
  let settled: string | undefined;
  transport.setProtocolVersion = (version) => void (settled = version);
  await client.connect(transport);
  return Object.assign(client, { protocolVersion: settled });
}

/**
 * The built bin as a child process: writes `messages` to its stdin as lines, closes stdin at once
 * (`printf ... | stability-user mcp`), and waits for the process to exit.
 */
export async function spawnRaw(
  dist: BuiltDist,
  launch: Launch,
  messages: object[],
): Promise<RawRun> {
  const { command: node, args, env } = command(dist, launch);
  const child = spawn(node, args, { env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdin.end(messages.map((m) => `${JSON.stringify(m)}\n`).join(""));
  const [code] = (await once(child, "close")) as [number | null];
  return { code, messages: parsed(stdout), stdout, stderr };
}

/** A 2025-era opening: `initialize` at `protocolVersion`, then `notifications/initialized`. */
export const opening = (protocolVersion: string): object[] => [
  {
    jsonrpc: "2.0",
    id: 0,
    method: "initialize",
    params: { protocolVersion, capabilities: {}, clientInfo: { name: "raw", version: "1" } },
  },
  { jsonrpc: "2.0", method: "notifications/initialized" },
];

/** The per-request envelope of revision 2026-07-28, which every request carries in `_meta`. */
export const modernMeta = {
  "io.modelcontextprotocol/protocolVersion": MODERN,
  "io.modelcontextprotocol/clientInfo": { name: "raw", version: "1" },
  "io.modelcontextprotocol/clientCapabilities": {},
};

/** A 2026-07-28 request as raw JSON-RPC: `params` with the envelope in `_meta`. */
export const modernRequest = (id: number, method: string, params: object = {}): object => ({
  jsonrpc: "2.0",
  id,
  method,
  params: { ...params, _meta: modernMeta },
});

/** A `tools/call` request as raw JSON-RPC, with `args` as given (any JSON). */
export const toolCall = (id: number, name: string, args?: unknown): object => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name, ...(args === undefined ? {} : { arguments: args }) },
});
