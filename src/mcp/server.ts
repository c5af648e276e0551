// The MCP SDK's side of `stability-user mcp`: the server, its handlers and its stdio connection,
// over tools it is handed. @modelcontextprotocol/server is an optional peer dependency, so it is
// imported only here, when the server starts, and its absence is one line saying what to install.
// This module imports neither the client nor the spec (src/mcp.ts brings them): its types cannot
// change with src/generated/, so drift's compile verdict never has to check the SDK's.
import type { Readable, Writable } from "node:stream";
import type { JSONRPCRequest, Result, ServerContext } from "@modelcontextprotocol/server";
import { clean } from "../line.js";
import { toolError, type ToolResult } from "./result.js";
import { LineTransport } from "./stdio.js";

/** The SDK range package.json's peerDependencies names; the missing-SDK line tells users to install it. */
export const MCP_SDK = { name: "@modelcontextprotocol/server", range: "^2.4.0" } as const;

/** Once stdin closes, how long calls still running may take before they are answered with an error. */
const DRAIN_MS = 120_000;

/** The MCP SDK is not installed where the CLI runs. */
export class McpSdkMissingError extends Error {
  override name = "McpSdkMissingError";
  constructor(options?: { cause?: unknown }) {
    super(
      `mcp needs the optional package ${MCP_SDK.name}: run npm install ${MCP_SDK.name}@"${MCP_SDK.range}" where stability-user-client is installed (add -g for a global install)`,
      options,
    );
  }
}

/** The SDK's modules the server uses, or McpSdkMissingError when the package cannot be found. */
async function loadSdk() {
  try {
    const [server, stdio, ajv] = await Promise.all([
      import("@modelcontextprotocol/server"),
      import("@modelcontextprotocol/server/stdio"),
      import("@modelcontextprotocol/server/validators/ajv"),
    ]);
    return { ...server, ...stdio, ...ajv };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === "ERR_MODULE_NOT_FOUND" && message.includes(MCP_SDK.name))
      throw new McpSdkMissingError({ cause: error });
    throw error;
  }
}
type Sdk = Awaited<ReturnType<typeof loadSdk>>;

/** A tool as `tools/list` lists it: its name, its schemas, and whatever else it describes. */
export interface ListedTool {
  name: string;
  inputSchema: { type: "object"; [key: string]: unknown };
  outputSchema?: { type: "object"; [key: string]: unknown } | undefined;
}

/** What the server serves: the tools, and the two decisions that need the client or the spec. */
export interface ToolHost {
  name: string;
  version: string;
  tools: readonly ListedTool[];
  /** A one-line problem with a tool's arguments as the client sent them, or undefined. */
  argumentsProblem(tool: ListedTool, args: unknown): string | undefined;
  /** Calls the tool's operation with arguments its input schema accepted. */
  call(tool: ListedTool, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolResult>;
}

/** The streams the protocol runs over: the process's stdin and stdout, or a test's. */
export interface McpStdio {
  stdin: Readable;
  stdout: Writable;
}

type Check = (data: unknown) => { valid: boolean; errorMessage?: string | undefined };
interface Served {
  tool: ListedTool;
  input: Check;
  output: Check | undefined;
}

/** Checks the arguments against the input schema, calls, and holds the result to the output schema. */
async function callChecked(
  host: ToolHost,
  { tool, input, output }: Served,
  args: Record<string, unknown>,
  signal: AbortSignal,
): Promise<ToolResult> {
  const checked = input(args);
  if (!checked.valid)
    return toolError(
      `${tool.name}: ${(checked.errorMessage ?? "bad arguments").replace(/^data\//, "")}`,
    );
  const result = await host.call(tool, args, signal);
  // Redaction can break what the spec requires of a value (a name, an enum); the result says so
  // rather than hand a client structured content that does not match the schema it was promised.
  if (!result.isError && output !== undefined && !output(result.structuredContent).valid)
    return toolError(
      `${tool.name}: the response held the API key where the spec's schema does not allow [redacted]`,
    );
  return result;
}

/** The MCP server for one connection, as `serveStdio`'s factory makes it (one per era probed). */
function makeServer(sdk: Sdk, host: ToolHost, served: Served[]) {
  const find = (name: unknown) => served.find((s) => s.tool.name === name);
  type Handler = (request: JSONRPCRequest, ctx: ServerContext) => Promise<Result>;
  // Arguments are judged as the client sent them, before the SDK's schema copies them: that copy
  // drops a `__proto__` key, and answers a non-object with a multi-line validation dump.
  class ToolServer extends sdk.Server {
    protected override _wrapHandler(method: string, handler: Handler): Handler {
      const wrapped = super._wrapHandler(method, handler);
      if (method !== "tools/call") return wrapped;
      return (request, ctx) => {
        const params = request.params as { name?: unknown; arguments?: unknown } | undefined;
        const tool = find(params?.name)?.tool;
        const problem = tool && host.argumentsProblem(tool, params?.arguments);
        return problem === undefined ? wrapped(request, ctx) : Promise.resolve(toolError(problem));
      };
    }
  }
  const server = new ToolServer(
    { name: host.name, version: host.version },
    { capabilities: { tools: {} } },
  );
  server.setRequestHandler("tools/list", () => ({ tools: served.map((s) => s.tool) }));
  server.setRequestHandler("tools/call", async (request, ctx) => {
    const tool = find(request.params.name);
    if (!tool)
      throw new sdk.ProtocolError(
        sdk.ProtocolErrorCode.InvalidParams,
        `unknown tool ${JSON.stringify(clean(request.params.name, 40))}`,
      );
    const args = { ...request.params.arguments };
    const result = await callChecked(host, tool, args, ctx.mcpReq.signal);
    return server.projectCallToolResult(result, tool.tool.outputSchema);
  });
  return server;
}

/**
 * Serves `host`'s tools over stdio (the process's, unless `stdio` names other streams) until the
 * client closes stdin and every request received has its answer. Rejects with McpSdkMissingError
 * when the SDK is not installed.
 */
export async function serveTools(
  host: ToolHost,
  stdio: McpStdio = { stdin: process.stdin, stdout: process.stdout },
): Promise<void> {
  const sdk = await loadSdk();
  // Each schema is compiled on the tool's first call, not before the first answer.
  const validator = new sdk.AjvJsonSchemaValidator();
  const compiled = (schema: Record<string, unknown>): Check => {
    let check: Check | undefined;
    return (data) => (check ??= validator.getValidator(schema))(data);
  };
  const served = host.tools.map((tool) => ({
    tool,
    input: compiled(tool.inputSchema),
    output: tool.outputSchema && compiled(tool.outputSchema),
  }));
  const transport = new LineTransport(stdio.stdin, stdio.stdout, {
    parse: sdk.parseJSONRPCMessage,
    maxLineBytes: sdk.STDIO_DEFAULT_MAX_BUFFER_SIZE,
    drainMs: DRAIN_MS,
    streams: ["subscriptions/listen"],
  });
  const connection = sdk.serveStdio(() => makeServer(sdk, host, served), {
    transport,
    onerror: (error) => console.error(`stability-user: mcp: ${clean(error.message, 300)}`),
  });
  // Ending the connection answers each open subscription, then closes the transport.
  transport.ondrained = () => void connection.close();
  await transport.closed;
}
