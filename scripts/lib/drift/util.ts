// Small helpers every drift module uses: the node type of a parsed document, cycle-safe equality
// and short JSON for sentences.

export type Node = { [key: string]: unknown };
export const isNode = (value: unknown): value is Node =>
  value !== null && typeof value === "object" && !Array.isArray(value);
export const asNode = (value: unknown): Node => (isNode(value) ? value : {});

/** Structural equality that terminates on cyclic graphs (a pair seen before counts as equal). */
export function deepEqual(a: unknown, b: unknown, seen = new Map<object, Set<object>>()): boolean {
  if (Object.is(a, b)) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  let pairs = seen.get(a);
  if (pairs?.has(b)) return true;
  if (!pairs) seen.set(a, (pairs = new Set()));
  pairs.add(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i], seen));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Node)[k], (b as Node)[k], seen))
  );
}

/** Short JSON for a sentence; cycles and long values are cut. */
export function brief(value: unknown, max = 60): string {
  if (value === undefined) return "nothing";
  const stack: unknown[] = [];
  let text: string;
  try {
    text = JSON.stringify(value, function (this: unknown, _key, child: unknown) {
      while (stack.length > 0 && stack.at(-1) !== this) stack.pop();
      if (child !== null && typeof child === "object") {
        if (stack.includes(child)) return "[circular]";
        stack.push(child);
      }
      return child;
    });
  } catch {
    text = "(unprintable)";
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const sortedKeys = (...nodes: Node[]) =>
  [...new Set(nodes.flatMap((n) => Object.keys(n)))].sort();
