// Server-provided text made safe to show: the CLI's output lines and the MCP server's tool errors
// (src/cli.ts, src/mcp.ts) both pass through clean, so both say the same one line; `--json` and
// the MCP server's tool text and stdout pass through printable, so both escape the same characters.

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

/**
 * A JSON body as received, but with each character a terminal would obey inside a string written
 * as a JSON escape, which keeps the JSON value the same. Parsed JSON holds such characters only
 * inside strings; a CR between tokens is whitespace and is dropped.
 */
export const printable = (json: string): string =>
  json
    .replace(/\r/g, "")
    .replace(OBEYED, (c) =>
      c === "\n" || c === "\t" ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
