// The vendored spec's example bodies, as `npm run generate` writes them to
// src/generated/<version>.examples.ts for the testing kit (src/testing.ts): each operation's 200
// body, and the 401 error body where the spec documents one. Read as a mock server reads them.
// Each is written with `satisfies` its body type, so an enum stays its literal and an example that
// no longer fits its schema fails to compile here.
import { operationsOf, type ApiVersion } from "../../src/operations.ts";

type Node = Record<string, unknown>;

/** Follows local `$ref`s (`#/components/...`) until it reaches a node. */
function deref(node: unknown, doc: Node): Node | undefined {
  let current = node as Node | undefined;
  for (let hops = 0; typeof current?.$ref === "string" && hops < 20; hops++) {
    current = current.$ref
      .slice(2)
      .split("/")
      .reduce<unknown>(
        (at, key) => (at as Node | undefined)?.[key.replaceAll("~1", "/").replaceAll("~0", "~")],
        doc,
      ) as Node | undefined;
  }
  return current;
}

/**
 * A schema's example: the schema's own `example`, else an object of its properties' examples, else
 * an array of one item's example; `undefined` when none exists. A schema met again on the way down
 * (one that refers to itself) gives none there, so a cycle ends.
 */
function exampleOf(schema: unknown, doc: Node, within = new Set<Node>()): unknown {
  const node = deref(schema, doc);
  if (node === undefined || within.has(node)) return undefined;
  if (node.example !== undefined) return node.example;
  const inner = new Set(within).add(node);
  if (node.properties) {
    const entries = Object.entries(node.properties as Node)
      .map(([key, property]) => [key, exampleOf(property, doc, inner)])
      .filter(([, value]) => value !== undefined);
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }
  if (node.type === "array") {
    const item = exampleOf(node.items, doc, inner);
    return item === undefined ? undefined : [item];
  }
  return undefined;
}

/** The JSON example of a response: the media type's `example`, its first `examples`, else its schema's. */
function responseExample(doc: Node, path: string, method: string, status: string): unknown {
  const paths = doc.paths as Record<string, Record<string, { responses?: Node }>> | undefined;
  const response = deref(paths?.[path]?.[method]?.responses?.[status], doc);
  const media = (response?.content as Node | undefined)?.["application/json"] as Node | undefined;
  if (media === undefined) return undefined;
  if (media.example !== undefined) return media.example;
  const [first] = Object.values((media.examples as Node | undefined) ?? {}) as Node[];
  if (first?.value !== undefined) return first.value;
  return exampleOf(media.schema, doc);
}

/** The generated type of an operation's JSON body for a status, as a type expression. */
const bodyType = (path: string, method: string, status: string) =>
  `paths[${JSON.stringify(path)}][${JSON.stringify(method)}]["responses"][${status}]["content"]["application/json"]`;

/**
 * The generated module's body: `examples` with each operation's 200 example by operation name, and
 * `unauthorized`, the first 401 example any operation documents; `null` where there is none (the
 * testing kit's types then fail to compile, naming what is missing).
 */
export function examplesModule(version: ApiVersion, doc: Node): string {
  const entries: string[] = [];
  let unauthorized = "null";
  for (const { name, method, path } of operationsOf(version)) {
    const m = method.toLowerCase();
    const ok = responseExample(doc, path, m, "200");
    entries.push(`  ${name}: ${ok === undefined ? "null" : typed(ok, bodyType(path, m, "200"))},`);
    const denied = responseExample(doc, path, m, "401");
    if (unauthorized === "null" && denied !== undefined)
      unauthorized = typed(denied, bodyType(path, m, "401"));
  }
  entries.push(`  unauthorized: ${unauthorized},`);
  return (
    `import type { paths } from "./${version}.js";\n\n` +
    "/** The spec's example bodies: each operation's 200, and the 401 error body where the spec documents one. */\n" +
    `export const examples = {\n${entries.join("\n")}\n};\n`
  );
}

const typed = (value: unknown, type: string) => `${literal(value, "  ")} satisfies ${type}`;

/**
 * A value as a TypeScript literal. Strings and keys are JSON-quoted (JSON escapes every character
 * that could end a string; U+2028 is a valid string character since ES2019), and `__proto__` is a
 * computed key, which an object literal keeps as an own property instead of setting the prototype.
 */
function literal(value: unknown, indent: string): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => `${inner}${literal(v, inner)}`).join(",\n")}\n${indent}]`;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return "{}";
  const key = (k: string) => (k === "__proto__" ? `["__proto__"]` : JSON.stringify(k));
  const lines = keys.map((k) => `${inner}${key(k)}: ${literal((value as Node)[k], inner)}`);
  return `{\n${lines.join(",\n")}\n${indent}}`;
}
