// Every string from the server passes through clean (src/line.ts, shared with the MCP server) or
// printable before a terminal, a log or a metrics file.
export { OBEYED, clean, printable } from "../line.js";

/** Words as a sentence lists them, for any number of them: `a`, `a and b`, `a, b and c`. */
export const listing = (words: readonly string[]): string =>
  words.length < 2 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;

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
