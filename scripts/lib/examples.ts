// The vendored spec's example bodies, as `npm run generate` writes them to
// src/generated/<version>.examples.ts for the testing kit (src/testing.ts): each operation's 200
// body, and the 401 error body where the spec documents one. Read as a mock server reads them.
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

/**
 * The generated module's body: `examples` with each operation's 200 example by operation name, and
 * `unauthorized`, the first 401 example any operation documents; `null` where there is none (the
 * testing kit's types then fail to compile, naming what is missing).
 */
export function examplesModule(version: ApiVersion, doc: Node): string {
  const examples: Record<string, unknown> = {};
  let unauthorized: unknown = null;
  for (const { name, method, path } of operationsOf(version)) {
    examples[name] = responseExample(doc, path, method.toLowerCase(), "200") ?? null;
    unauthorized ??= responseExample(doc, path, method.toLowerCase(), "401") ?? null;
  }
  examples.unauthorized = unauthorized;
  return (
    "/** The spec's example bodies: each operation's 200, and the 401 error body where the spec documents one. */\n" +
    `export const examples = ${JSON.stringify(examples, null, 2)};\n`
  );
}
