// The vendored specs' examples: what the testing kit (src/testing.ts) answers by default. Under tsx
// and vitest this module reads the specs and derives them on load; every bundle replaces it with
// the derived data (scripts/lib/bundle.ts), so dist/testing.js carries a few hundred bytes of JSON,
// not the specs, and never reads a file.
import v1 from "../openapi/v1.openapi.json" with { type: "json" };
import v1alpha from "../openapi/v1alpha.openapi.json" with { type: "json" };
import type { Account, Balance } from "./client.js";
import { API_VERSIONS, OPERATIONS, operationPath, type ApiVersion } from "./operations.js";

/** The API's error JSON as the spec shows it (v1's `Error` example). */
export interface ErrorExample {
  id?: string;
  name: string;
  message: string;
}

/** Per API version: each operation's 200 body, and the body of a 401. */
export type Examples = Record<
  ApiVersion,
  { account: Account; balance: Balance; unauthorized: ErrorExample }
>;

type Node = Record<string, unknown>;
const SPECS: Record<ApiVersion, Node> = { v1alpha, v1 };

/** Follows a local `$ref` (`#/components/...`) until it reaches a node. */
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
 * A schema's example, as a mock server would build one: the schema's own `example`, else an object
 * of its properties' examples, else an array of one item's example. `undefined` when none exists.
 */
export function exampleOf(schema: unknown, doc: Node): unknown {
  const node = deref(schema, doc);
  if (node === undefined) return undefined;
  if (node.example !== undefined) return node.example;
  if (node.properties) {
    const entries = Object.entries(node.properties as Node)
      .map(([key, property]) => [key, exampleOf(property, doc)])
      .filter(([, value]) => value !== undefined);
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }
  if (node.type === "array") {
    const item = exampleOf(node.items, doc);
    return item === undefined ? undefined : [item];
  }
  return undefined;
}

/** The JSON example of a response (`GET path`, `status`): the media type's, else its schema's. */
export function responseExample(doc: Node, path: string, status: string): unknown {
  const paths = doc.paths as Record<string, { get?: { responses?: Node } }> | undefined;
  const response = deref(paths?.[path]?.get?.responses?.[status], doc);
  const media = (response?.content as Node | undefined)?.["application/json"] as Node | undefined;
  if (media === undefined) return undefined;
  if (media.example !== undefined) return media.example;
  const [first] = Object.values((media.examples as Node | undefined) ?? {}) as Node[];
  if (first?.value !== undefined) return first.value;
  return exampleOf(media.schema, doc);
}

function derive(): Examples {
  const find = (version: ApiVersion, name: keyof typeof OPERATIONS, status: string) =>
    responseExample(SPECS[version], operationPath(version, name), status);
  // The API answers a missing key the same way under every prefix, and only v1 documents it.
  const unauthorized = API_VERSIONS.flatMap((version) =>
    (Object.keys(OPERATIONS) as (keyof typeof OPERATIONS)[]).map((name) =>
      find(version, name, "401"),
    ),
  ).find((body) => body !== undefined);
  const examples = Object.fromEntries(
    API_VERSIONS.map((version) => {
      const account = find(version, "account", "200");
      const balance = find(version, "balance", "200");
      if (!account || !balance || !unauthorized)
        throw new Error(`the vendored ${version} spec has no example for every response`);
      return [version, { account, balance, unauthorized }];
    }),
  );
  return examples as Examples;
}

/** The spec's examples for every API version (see the top of this file). */
export const EXAMPLES: Examples = derive();
