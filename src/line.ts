// Server-provided text made safe to show: the CLI's output lines and the MCP server's tool errors
// (src/cli.ts, src/mcp.ts) both pass through clean, so both say the same one line.

// What a terminal obeys rather than prints: escape sequences (CSI, OSC, and two-character ones),
// control characters, and the Unicode line separators and bidi controls that reorder a line.
/* eslint-disable no-control-regex -- matching control characters is their purpose */
const ESCAPES = /\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-_])/g;
export const OBEYED = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

/** A server-provided string as one printable line of at most `max` characters. */
export function clean(text: string, max = 200): string {
  const line = String(text).replace(ESCAPES, "").replace(OBEYED, " ");
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
