// `stability-user mcp` over a real stdio child process, as the clients of each protocol generation
// meet it: the stable SDK's client (@modelcontextprotocol/client 2.x) at revision 2026-07-28, the
// legacy SDK's client (@modelcontextprotocol/sdk 1.x) at 2025-11-25, and raw JSON-RPC lines.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { Client as StableClient } from "@modelcontextprotocol/client";
import { StdioClientTransport as StableStdio } from "@modelcontextprotocol/client/stdio";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as LegacyStdio } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { BuiltDist } from "./dist.ts";

/** The protocol revision of the stable SDK line. */
export const MODERN = "2026-07-28";

/** How to start the server: `node <dist>/cli.js mcp ...args`, with exactly `env` (and PATH). */
export interface Launch {
  dist: BuiltDist;
  args: string[];
  env: Record<string, string>;
}

const params = ({ dist, args, env }: Launch) => ({
  command: process.execPath,
  args: [`${dist.dir}/cli.js`, "mcp", ...args],
  env: { PATH: process.env.PATH ?? "", ...env },
  stderr: "pipe" as const,
});

/** A 2.x client connected at revision 2026-07-28 (no fallback to the 2025 handshake). */
export async function connectStable(launch: Launch): Promise<StableClient> {
  const client = new StableClient(
    { name: "mcp-test-stable", version: "1.0.0" },
    { versionNegotiation: { mode: { pin: MODERN } } },
  );
  await client.connect(new StableStdio(params(launch)));
  return client;
}

/** A 1.x client, which opens with `initialize` at 2025-11-25. */
export async function connectLegacy(launch: Launch): Promise<LegacyClient> {
  const client = new LegacyClient({ name: "mcp-test-legacy", version: "1.0.0" });
  await client.connect(new LegacyStdio(params(launch)));
  return client;
}

export interface RawRun {
  code: number | null;
  /** Each stdout line, parsed (stdout carries JSON-RPC only, so each must parse). */
  messages: Record<string, unknown>[];
  stdout: string;
  stderr: string;
}

/**
 * Writes `messages` to the server's stdin as lines, closes stdin at once (`printf ... | mcp`), and
 * waits for the process to exit.
 */
export async function rawSession(launch: Launch, messages: object[]): Promise<RawRun> {
  const { command, args, env } = params(launch);
  const child = spawn(command, args, { env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdin.end(messages.map((m) => `${JSON.stringify(m)}\n`).join(""));
  const [code] = (await once(child, "close")) as [number | null];
  const lines = stdout.split("\n").filter(Boolean);
  return {
    code,
    messages: lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    stdout,
    stderr,
  };
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

/** A `tools/call` request as raw JSON-RPC, with `args` as given (any JSON). */
export const toolCall = (id: number, name: string, args?: unknown): object => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name, ...(args === undefined ? {} : { arguments: args }) },
});
