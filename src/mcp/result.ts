// What a tool call hands the model: the body with the API key redacted (src/redact.ts, as error
// bodies are) as structured content, and as JSON text escaped the way `--json` escapes it
// (src/line.ts); or a tool error of one clean line. Pure: no SDK and no client here.
import { clean, printable } from "../line.js";

/** What a tool call answers, as the SDK's CallToolResult has it (src/mcp/server.ts hands it over). */
export type ToolResult = {
  isError?: boolean;
  content: { type: "text"; text: string }[];
  structuredContent?: Record<string, unknown>;
};

/** A tool error: one line, without what a terminal would obey. */
export const toolError = (line: string): ToolResult => ({
  isError: true,
  content: [{ type: "text", text: clean(line, 500) }],
});

/**
 * A copy of a parsed JSON value with `redact` applied to every string and every property name: a
 * hostile server or proxy may echo the key in either. Property names are written as own
 * properties, so a `__proto__` name stays data.
 */
export function redactJson(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactJson(item, redact));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, item]) => [redact(name), redactJson(item, redact)]),
  );
}

/** A success: the redacted body as structured content, and as text that escapes C1, U+2028/2029 and bidi controls. */
export function toolSuccess(
  body: object,
  redact: (text: string) => string,
): ToolResult & { structuredContent: Record<string, unknown> } {
  const structuredContent = redactJson(body, redact) as Record<string, unknown>;
  return {
    content: [{ type: "text", text: printable(JSON.stringify(structuredContent)) }],
    structuredContent,
  };
}
