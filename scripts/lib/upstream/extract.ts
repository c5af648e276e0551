// Extraction, shared by `vendor` and `drift`: upstream document → the client's subset. A fix here
// fixes both, which is the point of keeping it in one module.
import { bundle, createConfig, type NormalizedProblem } from "@redocly/openapi-core";
import { listing } from "../../../src/cli/text.ts";
import { API_VERSIONS, operationsOf, type ApiVersion } from "../../../src/operations.ts";
import { UpstreamError } from "./error.ts";
import { isObject, setOwn, type Json } from "./json.ts";
import type { OpenApiDocument } from "./parse.ts";
import { DEFAULT_LIMITS, type ReadLimits } from "./read.ts";
import { brokenRefsFrom, keepReferencedComponents, unresolvedIn, type BrokenRef } from "./refs.ts";
import { ScopedResolver } from "./resolver.ts";

/** The server's base path (`/v1alpha` in `https://api.stability.ai/v1alpha`), variables substituted. */
export function serverBase(doc: OpenApiDocument): { origin: string; basePath: string } {
  const servers = Array.isArray(doc.servers) ? doc.servers : [];
  const first = servers[0];
  if (!isObject(first) || typeof first.url !== "string") return { origin: "", basePath: "" };
  const variables = isObject(first.variables) ? first.variables : {};
  const url = first.url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const variable = variables[name];
    return isObject(variable) && typeof variable.default === "string" ? variable.default : whole;
  });
  const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
  const parsed = new URL(url, "http://relative.invalid");
  const basePath = parsed.pathname.replace(/\/+$/, "");
  return { origin: absolute ? parsed.origin : "", basePath };
}

const isCodeSamples = (key: string) => key === "x-codeSamples" || key === "x-code-samples";
const isExtension = (key: string) => key.startsWith("x-");

// A dereferenced circular schema is a cyclic object graph, and YAML aliases share nodes: copy each
// node once, keeping the cycles and the sharing (never expanding an alias graph).
const dropKeys = (
  value: Json,
  drop: (key: string) => boolean,
  copies = new Map<object, Json>(),
): Json => {
  if (value === null || typeof value !== "object") return value;
  const done = copies.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) {
    const out: Json[] = [];
    copies.set(value, out);
    for (const child of value) out.push(dropKeys(child, drop, copies));
    return out;
  }
  const out: { [key: string]: Json } = {};
  copies.set(value, out);
  for (const [key, child] of Object.entries(value)) {
    if (!drop(key)) setOwn(out, key, dropKeys(child, drop, copies));
  }
  return out;
};

// OpenAPI 3.0 §4.7.12.1: header parameters with these names SHALL be ignored (the security scheme
// and the media types say them). Keeping them would make raw callers pass Authorization by hand.
const IGNORED_HEADERS = new Set(["accept", "content-type", "authorization"]);
export const isIgnoredHeader = (p: unknown): boolean =>
  isObject(p) &&
  p.in === "header" &&
  typeof p.name === "string" &&
  IGNORED_HEADERS.has(p.name.toLowerCase());

export interface ExtractOptions {
  /** The API version whose operations to extract. */
  version: ApiVersion;
  /** Absolute file path or URL the document came from, so relative external `$ref`s resolve. */
  location: string;
  /** Inline every `$ref` (for comparison) instead of keeping the closure in `components`. */
  dereference?: boolean;
  /** Report missing operations instead of refusing; drift reports them as removed. */
  allowMissing?: boolean;
  /**
   * Drop every `x-` extension before resolving `$ref`s (drift: the client reads none), not only
   * the code samples (vendoring keeps the others).
   */
  dropExtensions?: boolean;
  /** Bounds on every `$ref` read (timeout per read; bytes for all of them together). */
  limits?: Partial<ReadLimits>;
}

/** The client's subset of an upstream, and what the document lacks or gets wrong around it. */
export interface Extracted {
  subset: OpenApiDocument;
  /** The client's operations the document lacks (only with `allowMissing`). */
  missing: string[];
  elsewhere?: ElsewhereHint;
  /** References outside the client's closure that could not be resolved (or were refused). */
  brokenRefs: BrokenRef[];
}

/**
 * Turns an upstream document into the client's subset: the operation table's operations under
 * their full URL paths (server base path folded in), every component they reference, the security
 * schemes and tags they use, `openapi`/`info`/`servers`, and no code samples. Deterministic for
 * equal input.
 */
export async function extractClientSubset(
  doc: OpenApiDocument,
  {
    version,
    location,
    dereference = false,
    allowMissing = false,
    dropExtensions = false,
    limits,
  }: ExtractOptions,
): Promise<Extracted> {
  const { origin, basePath } = serverBase(doc);
  const operations = operationsOf(version);
  const picked: { [key: string]: Json } = {};
  const missing: string[] = [];
  for (const { method: upper, path: fullPath, key: label } of operations) {
    const method = upper.toLowerCase();
    const [item, operation] = findOperation(doc, basePath, fullPath, method);
    if (item && !operation && typeof item.$ref === "string") {
      // A path item kept in another file: its operations are known once it is resolved.
      picked[fullPath] = { $ref: item.$ref };
      continue;
    }
    if (!item || !operation) {
      missing.push(label);
      continue;
    }
    // Path-level parameters and $ref'd path items belong to the operation as seen by a client.
    const pathItem: { [key: string]: Json } = { [method]: operation };
    if (Array.isArray(item.parameters)) pathItem.parameters = item.parameters;
    if (typeof item.$ref === "string") pathItem.$ref = item.$ref;
    picked[fullPath] = pathItem;
  }

  // Code samples (or, for drift, every extension) go before $refs are resolved: Stability's
  // multi-file spec points them at example files the client never reads, and a missing one must
  // not stop vendoring or drift.
  const drop = dropExtensions ? isExtension : isCodeSamples;
  const pruned = dropKeys({ ...doc, paths: picked }, drop) as OpenApiDocument;
  const resolver = new ScopedResolver(location, { ...DEFAULT_LIMITS, ...limits }, (parsed) =>
    dropKeys(parsed, drop),
  );
  const { bundled, problems } = await bundleDocument(pruned, resolver, dereference);
  missing.push(...keepClientMethods(bundled, operations));
  const elsewhere = missing.length > 0 ? findElsewhere(doc, version) : undefined;
  if (missing.length > 0 && !allowMissing) {
    throw new UpstreamError(
      `${location}: operation${missing.length > 1 ? "s" : ""} missing: ${missing.join(", ")}` +
        (elsewhere ? `; ${describeElsewhere(elsewhere, version)}` : ""),
    );
  }
  dropIgnoredHeaders(bundled);
  if (!dereference) keepReferencedComponents(bundled);
  const brokenRefs = brokenRefsFrom(problems, resolver.parsed, location);
  refuseBrokenClosure(bundled, brokenRefs, location);

  const bundledOperations = Object.values(
    bundled.paths as { [key: string]: { [key: string]: Json } },
  )
    .map((item) => Object.entries(item).find(([k]) => k !== "parameters" && k !== "$ref")?.[1])
    .filter(isObject);

  const usedSchemes = new Set<string>();
  const usedTags = new Set<string>();
  for (const op of bundledOperations) {
    const security = Array.isArray(op.security)
      ? op.security
      : Array.isArray(doc.security)
        ? doc.security
        : [];
    for (const requirement of security)
      if (isObject(requirement)) Object.keys(requirement).forEach((n) => usedSchemes.add(n));
    if (Array.isArray(op.tags)) op.tags.forEach((t) => typeof t === "string" && usedTags.add(t));
  }

  const components = isObject(bundled.components) ? { ...bundled.components } : {};
  const schemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
  const keptSchemes = Object.fromEntries(
    Object.keys(schemes)
      .filter((name) => usedSchemes.has(name))
      .sort()
      .map((name) => [name, schemes[name] as Json]),
  );
  delete components.securitySchemes;
  const sortedComponents: { [key: string]: Json } = {};
  for (const kind of Object.keys(components).sort()) {
    const group = components[kind];
    if (!isObject(group) || Object.keys(group).length === 0) continue;
    sortedComponents[kind] = Object.fromEntries(
      Object.keys(group)
        .sort()
        .map((n) => [n, group[n] as Json]),
    );
  }
  if (Object.keys(keptSchemes).length > 0) sortedComponents.securitySchemes = keptSchemes;

  const subset: OpenApiDocument = {
    openapi: doc.openapi as Json,
    info: doc.info ?? {},
    servers: origin ? [{ url: origin }] : [],
    ...(Array.isArray(doc.security) ? { security: doc.security } : {}),
    tags: (Array.isArray(doc.tags) ? doc.tags : []).filter(
      (t) => isObject(t) && typeof t.name === "string" && usedTags.has(t.name),
    ),
    paths: Object.fromEntries(
      operations
        .filter((op) => op.path in (bundled.paths as object))
        .map((op) => [op.path, (bundled.paths as { [key: string]: Json })[op.path] as Json]),
    ),
    ...(Object.keys(sortedComponents).length > 0 ? { components: sortedComponents } : {}),
  };
  return {
    subset: dropKeys(subset, drop) as OpenApiDocument,
    missing,
    ...(elsewhere ? { elsewhere } : {}),
    brokenRefs,
  };
}

async function bundleDocument(
  doc: OpenApiDocument,
  resolver: ScopedResolver,
  dereference: boolean,
): Promise<{ bundled: OpenApiDocument; problems: NormalizedProblem[] }> {
  try {
    const result = await bundle({
      doc: resolver.rootDocument(doc),
      config: await createConfig({}),
      externalRefResolver: resolver,
      dereference,
      removeUnusedComponents: !dereference,
    });
    return { bundled: result.bundle.parsed as OpenApiDocument, problems: result.problems };
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    throw new UpstreamError(
      `${resolver.root}: cannot resolve references (${(error as Error).message.split("\n")[0]})`,
    );
  }
}

/** The closure must resolve: the first reference in it that does not is the refusal. */
function refuseBrokenClosure(bundled: OpenApiDocument, broken: BrokenRef[], location: string) {
  const [first] = unresolvedIn(bundled);
  if (first === undefined) return;
  const known = broken.find((b) => b.ref === first.ref);
  const at = known?.at ?? first.at;
  throw new UpstreamError(
    `${location}: $ref ${first.ref} at ${at} cannot be resolved (${known?.reason ?? "not found"})`,
  );
}

/**
 * After bundling, a path item that came from another file holds every method it has there: keep
 * the client's method and the path-level parameters, and name the operations it lacks.
 */
function keepClientMethods(
  doc: OpenApiDocument,
  operations: ReturnType<typeof operationsOf>,
): string[] {
  const paths = doc.paths as { [key: string]: Json };
  const missing: string[] = [];
  for (const { method: upper, path: fullPath, key: label } of operations) {
    const item = paths[fullPath];
    if (item === undefined) continue;
    const method = upper.toLowerCase();
    if (!isObject(item) || !isObject(item[method])) {
      delete paths[fullPath];
      missing.push(label);
      continue;
    }
    for (const key of Object.keys(item)) {
      if (key !== method && key !== "parameters" && key !== "$ref") delete item[key];
    }
  }
  return missing;
}

/**
 * Drops the header parameters OpenAPI says to ignore from every kept path item and operation,
 * resolving local `$ref`s to read their names; the caller re-bundles to drop what only they used.
 */
function dropIgnoredHeaders(doc: OpenApiDocument): void {
  const resolve = (p: Json): Json => {
    if (!isObject(p) || typeof p.$ref !== "string" || !p.$ref.startsWith("#/")) return p;
    let node: Json = doc;
    for (const part of p.$ref.slice(2).split("/")) {
      const key = part.replaceAll("~1", "/").replaceAll("~0", "~");
      node = isObject(node) ? (node[key] ?? null) : null;
    }
    return node;
  };
  for (const item of Object.values(doc.paths as { [key: string]: Json })) {
    if (!isObject(item)) continue;
    for (const holder of [item, ...Object.values(item).filter(isObject)]) {
      if (!Array.isArray(holder.parameters)) continue;
      const kept = holder.parameters.filter((p) => !isIgnoredHeader(resolve(p)));
      if (kept.length === holder.parameters.length) continue;
      if (kept.length > 0) holder.parameters = kept;
      else delete holder.parameters;
    }
  }
}

/** The path item and operation an upstream has for a full URL path, its server base folded in. */
function findOperation(
  doc: OpenApiDocument,
  basePath: string,
  fullPath: string,
  method: string,
): [{ [key: string]: Json } | undefined, { [key: string]: Json } | undefined] {
  const paths = doc.paths as { [key: string]: Json };
  const key = Object.keys(paths).find((p) => basePath + p.replace(/\/+$/, "") === fullPath);
  const item = key === undefined ? undefined : paths[key];
  if (!isObject(item)) return [undefined, undefined];
  const operation = item[method];
  return [item, isObject(operation) ? operation : undefined];
}

/** Another API version whose operations this upstream does describe, with their full paths. */
export interface ElsewhereHint {
  version: ApiVersion;
  paths: string[];
}

/** When a version's operations are missing: does the document describe them under another version? */
export function findElsewhere(
  doc: OpenApiDocument,
  version: ApiVersion,
): ElsewhereHint | undefined {
  const { basePath } = serverBase(doc);
  for (const other of API_VERSIONS) {
    if (other === version) continue;
    const found = operationsOf(other).filter(
      ({ method, path: fullPath }) =>
        findOperation(doc, basePath, fullPath, method.toLowerCase())[1] !== undefined,
    );
    if (found.length > 0) return { version: other, paths: found.map((op) => op.path) };
  }
  return undefined;
}

/** "this upstream describes `/v1/user/account` and `/v1/user/balance`; the client targets `/v1alpha`" (any number of paths) */
export function describeElsewhere(hint: ElsewhereHint, version: ApiVersion): string {
  const paths = listing(hint.paths.map((p) => `\`${p}\``));
  return `this upstream describes ${paths}; the client targets \`/${version}\` here (use --api-version ${hint.version} for that version)`;
}
