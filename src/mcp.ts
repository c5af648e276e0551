// `stability-user mcp`: a Model Context Protocol server on stdin/stdout with one tool per
// operation (src/mcp/tools.ts). @modelcontextprotocol/sdk is an optional peer dependency, so it
// is imported only here, when the server starts, and its absence is one line saying what to install.
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
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
import { toolsFor, unknownArgument, type ToolDefinition } from "./mcp/tools.js";

/** The SDK range package.json's peerDependencies names; the missing-SDK line tells users to install it. */
export const MCP_SDK = { name: "@modelcontextprotocol/sdk", range: "^1.32.2" } as const;

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
    const [server, stdio, types, ajv] = await Promise.all([
      import("@modelcontextprotocol/sdk/server/index.js"),
      import("@modelcontextprotocol/sdk/server/stdio.js"),
      import("@modelcontextprotocol/sdk/types.js"),
      import("@modelcontextprotocol/sdk/validation/ajv"),
    ]);
    return { ...server, ...stdio, ...types, ...ajv };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === "ERR_MODULE_NOT_FOUND" && message.includes(MCP_SDK.name))
      throw new McpSdkMissingError({ cause: error });
    throw error;
  }
}

// console.info and console.debug write to stdout, which carries the protocol.
const TO_STDERR: Logger = {
  error: console.error,
  warn: console.error,
  info: console.error,
  debug: console.error,
};

type Validate = (args: unknown) => { valid: boolean; errorMessage?: string | undefined };

const failed = (text: string): CallToolResult => ({
  isError: true,
  content: [{ type: "text", text: clean(text, 500) }],
});

/** Calls a tool's operation: the body as structured content (and as JSON text), or a tool error. */
async function callTool(
  client: StabilityClient<ApiVersion>,
  tool: ToolDefinition,
  validate: Validate,
  args: Record<string, unknown>,
  signal: AbortSignal,
): Promise<CallToolResult> {
  const refusal = unknownArgument(tool, args);
  if (refusal !== undefined) return failed(refusal);
  const checked = validate(args);
  if (!checked.valid)
    return failed(
      `${tool.name}: ${(checked.errorMessage ?? "bad arguments").replace(/^data\//, "")}`,
    );
  // The arguments are the operation's call options (src/operations.ts names them), checked
  // against the spec's schema above and by the client again.

  const call = client[tool.name] as (options: Record<string, unknown>) => Promise<object>;
  try {
    const body = await call.call(client, { ...args, signal });
    return {
      content: [{ type: "text", text: JSON.stringify(body) }],
      structuredContent: body as Record<string, unknown>,
    };
  } catch (error) {
    // The library's messages carry no key (src/redact.ts); the CLI prints the same line.
    if (error instanceof StabilityError) return failed(error.message);
    throw error;
  }
}

/**
 * Serves the operations as MCP tools over stdio until the client closes stdin. Responses are
 * always validated against the spec; log lines go to stderr, since stdout carries the protocol.
 * Rejects with McpSdkMissingError when the SDK is not installed, and with StabilityInputError
 * (nothing served) when an option is refused.
 */
export async function serveMcp(options: StabilityClientOptions): Promise<void> {
  const sdk = await loadSdk();
  const client = createStabilityClient({
    ...options,
    logger: options.logger ?? TO_STDERR,
    validateResponses: true,
  });
  const tools = toolsFor(client.apiVersion);
  const validator = new sdk.AjvJsonSchemaValidator();
  const validators = new Map(tools.map((t) => [t.name, validator.getValidator(t.inputSchema)]));
  const server = new sdk.Server(
    { name: "stability-user", version: VERSION },
    { capabilities: { tools: {} } },
  );
  server.setRequestHandler(sdk.ListToolsRequestSchema, () => ({ tools }));
  server.setRequestHandler(sdk.CallToolRequestSchema, (request, extra) => {
    const tool = tools.find((t) => t.name === request.params.name);
    if (!tool)
      throw new sdk.McpError(
        sdk.ErrorCode.InvalidParams,
        `unknown tool ${JSON.stringify(clean(request.params.name, 40))}`,
      );
    const args = request.params.arguments ?? {};
    return callTool(client, tool, validators.get(tool.name)!, args, extra.signal);
  });
  const closed = new Promise<void>((resolve) => (server.onclose = resolve));
  const transport = new sdk.StdioServerTransport();
  await server.connect(transport);
  // The transport stops on a parse error only; a client that goes away ends stdin.
  process.stdin.once("end", () => void transport.close());
  await closed;
}
