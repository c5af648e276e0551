// "Did you mean": the one rule that names the known name nearest an unknown one, for the library's
// options (src/resolve.ts), the CLI's flags (src/cli/args.ts) and the MCP server's arguments.

/** How names compare: without case, `_` or `-` (`api_key`, `API-version`, `baseURL`). */
const plain = (name: string) => name.toLowerCase().replace(/[-_]/g, "");

/** The fewest edits (insert, delete or replace a letter) that turn `a` into `b`. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + +(a[i - 1] !== b[j - 1]));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * The known name nearest `name`, or undefined when none is near. Near is the same name without
 * case, `_` or `-`; or at most a third of the known name's length in edits (`orgnization` →
 * organization, `maxRetry` → maxRetries); or a known name that holds it (`timeout` → timeoutMs).
 * The fewest edits win, then the first known. A name far longer than any known one costs no more
 * than a length comparison.
 */
export function nearest(name: string, known: readonly string[]): string | undefined {
  const typed = plain(name);
  let best: string | undefined;
  let fewest = Infinity;
  for (const candidate of known) {
    const k = plain(candidate);
    const limit = Math.floor(k.length / 3);
    const holds = typed.length > 3 && k.includes(typed);
    if (!holds && Math.abs(k.length - typed.length) > limit) continue;
    const edits = distance(typed, k);
    if ((edits <= limit || holds) && edits < fewest) [best, fewest] = [candidate, edits];
  }
  return best;
}
