// `stability-user mcp`: a Model Context Protocol server on stdin/stdout with one tool per
// operation (src/mcp/tools.ts). @modelcontextprotocol/server is an optional peer dependency, so it
// is imported only here, when the server starts, and its absence is one line saying what to install.
// The SDK serves clients of protocol revision 2026-07-28 and of the 2025 revisions from one factory.
import type {
  CallToolResult,
  JSONRPCRequest,
  Result,
  ServerContext,
} from "@modelcontextprotocol/server";
import {
  StabilityError,
  VERSION,
  createStabilityClient,
  type ApiVersion,
  type Logger,
  type StabilityClient,
  type StabilityClientOptions,
} from "./index.js";
import { clean } from "./line.js";
import { toolError, toolSuccess } from "./mcp/result.js";
import { LineTransport } from "./mcp/stdio.js";
import { argumentsProblem, toolsFor, type ToolDefinition } from "./mcp/tools.js";

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

// console.info and console.debug write to stdout, which carries the protocol.
const TO_STDERR: Logger = {
  error: console.error,
  warn: console.error,
  info: console.error,
  debug: console.error,
};

type Check = (data: unknown) => { valid: boolean; errorMessage?: string | undefined };
type Redact = (text: string) => string;

/** A tool with what serving it needs: the checks of its arguments and of its structured content. */
interface Served {
  tool: ToolDefinition;
  input: Check;
  output: Check | undefined;
}

/** Calls a tool's operation with arguments the tool takes: its body, redacted, or a tool error. */
async function callTool(
  client: StabilityClient<ApiVersion>,
  { tool, input, output }: Served,
  args: Record<string, unknown>,
  redact: () => Promise<Redact>,
  signal: AbortSignal,
): Promise<CallToolResult> {
  const checked = input(args);
  if (!checked.valid)
    return toolError(
      `${tool.name}: ${(checked.errorMessage ?? "bad arguments").replace(/^data\//, "")}`,
    );
  // The arguments are the operation's call options (src/operations.ts names them), checked
  // against the spec's schema above and by the client again.
  const call = client[tool.name] as (options: Record<string, unknown>) => Promise<object>;
  let result;
  try {
    result = toolSuccess(await call.call(client, { ...args, signal }), await redact());
  } catch (error) {
    // The library's messages carry no key (src/redact.ts); the CLI prints the same line.
    if (error instanceof StabilityError) return toolError(error.message);
    throw error;
  }
  // Redaction can break what the spec requires of a value (a name, an enum); the result says so
  // rather than hand a client structured content that does not match the schema it was promised.
  if (output !== undefined && !output(result.structuredContent).valid)
    return toolError(
      `${tool.name}: the response held the API key where the spec's schema does not allow [redacted]`,
    );
  return result;
}

/** The MCP server for one connection, as `serveStdio`'s factory makes it (one per era probed). */
function makeServer(
  sdk: Sdk,
  client: StabilityClient<ApiVersion>,
  served: Served[],
  redact: () => Promise<Redact>,
) {
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
        const problem = tool && argumentsProblem(tool, params?.arguments);
        return problem === undefined ? wrapped(request, ctx) : Promise.resolve(toolError(problem));
      };
    }
  }
  const server = new ToolServer(
    { name: "stability-user", version: VERSION },
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
    const result = await callTool(client, tool, args, redact, ctx.mcpReq.signal);
    return server.projectCallToolResult(result, tool.tool.outputSchema);
  });
  return server;
}

/**
 * Serves the operations as MCP tools over stdio until the client closes stdin and every request
 * received has its answer. Responses are always validated against the spec, and the API key is
 * redacted from what they hold; log lines go to stderr, since stdout carries the protocol.
 * Rejects with McpSdkMissingError when the SDK is not installed, and with StabilityInputError
 * (nothing served) when an option is refused.
 */
export async function serveMcp(options: StabilityClientOptions): Promise<void> {
  const client = createStabilityClient({
    ...options,
    logger: options.logger ?? TO_STDERR,
    validateResponses: true,
  });
  // The library's own redaction (dist/failure.js), imported on the first call as the client imports
  // it on the first failure: it defines a Headers subclass, and Headers loads Node's fetch.
  let redactor: Promise<Redact> | undefined;
  const redact = () =>
    (redactor ??= import("./failure.js").then((failure) =>
      failure.redactor((options.apiKey ?? "").trim()),
    ));
  const sdk = await loadSdk();
  // Each schema is compiled on the tool's first call, not before the first answer.
  const validator = new sdk.AjvJsonSchemaValidator();
  const compiled = (schema: Record<string, unknown>): Check => {
    let check: Check | undefined;
    return (data) => (check ??= validator.getValidator(schema))(data);
  };
  const served = toolsFor(client.apiVersion).map((tool) => ({
    tool,
    input: compiled(tool.inputSchema),
    output: tool.outputSchema && compiled(tool.outputSchema),
  }));
  const transport = new LineTransport(process.stdin, process.stdout, {
    parse: sdk.parseJSONRPCMessage,
    maxLineBytes: sdk.STDIO_DEFAULT_MAX_BUFFER_SIZE,
    drainMs: DRAIN_MS,
    streams: ["subscriptions/listen"],
  });
  const connection = sdk.serveStdio(() => makeServer(sdk, client, served, redact), {
    transport,
    onerror: (error) => console.error(`stability-user: mcp: ${clean(error.message, 300)}`),
  });
  // Ending the connection answers each open subscription, then closes the transport.
  transport.ondrained = () => void connection.close();
  await transport.closed;
}
