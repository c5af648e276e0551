// Every string from the server passes through here before a terminal, a log or a metrics file.

// What a terminal obeys rather than prints: escape sequences (CSI, OSC, and two-character ones),
// control characters, and the Unicode line separators and bidi controls that reorder a line.
/* eslint-disable no-control-regex -- matching control characters is their purpose */
const ESCAPES = /\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-_])/g;
const OBEYED = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
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

/** Rows as aligned columns, two spaces apart, indented by two. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map(
      (r) =>
        `  ${r
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join("  ")
          .trimEnd()}`,
    )
    .join("\n");
}
