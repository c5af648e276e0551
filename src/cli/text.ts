// Every string from the server passes through clean (src/line.ts, shared with the MCP server) or
// printable before a terminal, a log or a metrics file.
export { OBEYED, clean, printable } from "../line.js";

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
