// `stability-user mcp`: a Model Context Protocol server on stdin/stdout with one tool per
// operation (src/mcp/tools.ts). This module brings the client and the spec; the SDK's side, loaded
// only when the server starts, is src/mcp/server.ts. The SDK serves clients of protocol revision
// 2026-07-28 and of the 2025 revisions from one factory.
import {
  StabilityError,
  VERSION,
  createStabilityClient,
  type ApiVersion,
  type Logger,
  type StabilityClient,
  type StabilityClientOptions,
} from "./index.js";
import { toolError, toolSuccess, type ToolResult } from "./mcp/result.js";
import { serveTools, type ListedTool, type McpStdio } from "./mcp/server.js";
import { argumentsProblem, toolsFor, type ToolDefinition } from "./mcp/tools.js";

export { MCP_SDK, McpSdkMissingError, type McpStdio } from "./mcp/server.js";

// console.info and console.debug write to stdout, which carries the protocol.
const TO_STDERR: Logger = {
  error: console.error,
  warn: console.error,
  info: console.error,
  debug: console.error,
};

type Redact = (text: string) => string;

/** Calls a tool's operation with arguments its schema accepted: its body, redacted, or a tool error. */
async function callTool(
  client: StabilityClient<ApiVersion>,
  tool: ToolDefinition,
  args: Record<string, unknown>,
  redact: () => Promise<Redact>,
  signal: AbortSignal,
): Promise<ToolResult> {
  // The arguments are the operation's call options (src/operations.ts names them), checked
  // against the spec's schema by the server and by the client again.
  const call = client[tool.name] as (options: Record<string, unknown>) => Promise<object>;
  try {
    return toolSuccess(await call.call(client, { ...args, signal }), await redact());
  } catch (error) {
    // The library's messages carry no key (src/redact.ts); the CLI prints the same line.
    if (error instanceof StabilityError) return toolError(error.message);
    throw error;
  }
}

/**
 * Serves the operations as MCP tools over stdio (the process's, unless `stdio` names other streams)
 * until the client closes stdin and every request received has its answer. Responses are always
 * validated against the spec, and the API key is redacted from what they hold; log lines go to
 * stderr, since stdout carries the protocol.
 * Rejects with McpSdkMissingError when the SDK is not installed, and with StabilityInputError
 * (nothing served) when an option is refused.
 */
export async function serveMcp(options: StabilityClientOptions, stdio?: McpStdio): Promise<void> {
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
  // The server hands back the tools it was given, so each is one of these definitions.
  const definition = (tool: ListedTool) => tool as ToolDefinition;
  await serveTools(
    {
      name: "stability-user",
      version: VERSION,
      tools: toolsFor(client.apiVersion),
      argumentsProblem: (tool, args) => argumentsProblem(definition(tool), args),
      call: (tool, args, signal) => callTool(client, definition(tool), args, redact, signal),
    },
    stdio,
  );
}
