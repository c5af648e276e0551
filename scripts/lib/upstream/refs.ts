// The `$ref`s of a bundled subset: which components the client's operations reach, and which
// references could not be resolved. Only the client's closure must resolve; a broken reference
// elsewhere in the document is reported (drift shows it) but does not stop vendoring.
import path from "node:path";
import type { NormalizedProblem } from "@redocly/openapi-core";
import { UpstreamError } from "./error.ts";
import { atPointer, isObject, parsePointer, pointerOf, type Json } from "./json.ts";
import type { OpenApiDocument } from "./parse.ts";

/** A reference that could not be resolved: as written, where it stands, and why. */
export interface BrokenRef {
  ref: string;
  /** A JSON pointer into the upstream document (`#/components/...`), or `file.json#/...`. */
  at: string;
  reason: string;
}

/** Every reference in `node`: each `$ref`, and each discriminator mapping, with its pointer. */
function* references(
  node: Json,
  at: string[] = [],
  seen = new Set<object>(),
): Generator<[string, string[]]> {
  if (node === null || typeof node !== "object" || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const [i, child] of node.entries()) yield* references(child, [...at, String(i)], seen);
    return;
  }
  if (typeof node.$ref === "string") yield [node.$ref, at];
  const mapping = isObject(node.discriminator) ? node.discriminator.mapping : undefined;
  if (isObject(mapping))
    for (const [name, ref] of Object.entries(mapping))
      if (typeof ref === "string") yield [ref, [...at, "discriminator", "mapping", name]];
  for (const [key, child] of Object.entries(node)) yield* references(child, [...at, key], seen);
}

/**
 * Keeps only the components the paths reach through local references, transitively. Redocly's
 * removeUnusedComponents keeps some unreachable schemas (Stability's v1 request bodies), and the
 * ignored headers dropped after bundling leave their parameter components behind.
 */
export function keepReferencedComponents(doc: OpenApiDocument): void {
  if (!isObject(doc.components)) return;
  const components = doc.components;
  // Reached components as [kind, name] keys, names decoded (a `$ref` may percent-encode them).
  const reached = new Set<string>();
  const visit = (node: Json): void => {
    for (const [ref] of references(node)) {
      const [kind, name] = componentOf(ref) ?? [];
      if (kind === undefined || name === undefined || reached.has(`${kind}/${name}`)) continue;
      reached.add(`${kind}/${name}`);
      const group = components[kind];
      visit(isObject(group) && Object.hasOwn(group, name) ? (group[name] ?? null) : null);
    }
  };
  visit(doc.paths as Json);
  for (const [kind, group] of Object.entries(components)) {
    // Security schemes are chosen by the operations' requirements (extract.ts).
    if (kind === "securitySchemes" || !isObject(group)) continue;
    for (const name of Object.keys(group)) if (!reached.has(`${kind}/${name}`)) delete group[name];
  }
}

/** The component kind and name a local `$ref` points into (`#/components/schemas/X/...`). */
function componentOf(ref: string): [string, string] | undefined {
  const parts = parsePointer(ref);
  return parts?.[0] === "components" && parts.length >= 3 ? [parts[1]!, parts[2]!] : undefined;
}

/** Refuses the first `$ref` in `doc` that points outside it (generate reads nothing else). */
export function refuseExternalRefs(doc: Json, source: string): void {
  for (const [ref, at] of references(doc))
    if (!ref.startsWith("#") && at.at(-3) !== "discriminator")
      throw new UpstreamError(
        `${source}: $ref ${ref} at ${pointerOf(at)}: generate reads only references inside the spec`,
      );
}

/** The references left in a bundled subset that do not resolve inside it, with their pointers. */
export function unresolvedIn(subset: OpenApiDocument): { ref: string; at: string }[] {
  return [...references(subset)]
    .filter(([ref]) => atPointer(subset, ref) === undefined)
    .map(([ref, at]) => ({ ref, at: pointerOf(at) }));
}

/**
 * The bundler's "Can't resolve $ref" problems as broken references. `parsed` holds each document
 * read, by location, to read the reference as written; `root` is the upstream's location.
 */
export function brokenRefsFrom(
  problems: readonly NormalizedProblem[],
  parsed: ReadonlyMap<string, Json>,
  root: string,
): BrokenRef[] {
  const broken: BrokenRef[] = [];
  for (const problem of problems) {
    const [where] = problem.location;
    if (problem.severity !== "error" || where === undefined || !("pointer" in where)) continue;
    const source = where.source.absoluteRef;
    const node = atPointer(parsed.get(source) ?? null, where.pointer ?? "#");
    const ref = typeof node === "string" ? node : isObject(node) ? node.$ref : undefined;
    if (typeof ref !== "string") continue;
    const file = source === root ? "" : relativeTo(root, source);
    const at = `${file}${where.pointer ?? "#"}`;
    if (broken.some((b) => b.ref === ref && b.at === at)) continue;
    broken.push({
      ref,
      at,
      reason: problem.message.replace(/^Can't resolve \$ref:?\s*/, "") || "not found",
    });
  }
  return broken;
}

const relativeTo = (root: string, source: string) =>
  /^https?:/i.test(root) ? new URL(source).pathname : path.relative(path.dirname(root), source);
