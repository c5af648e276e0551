// The one extraction shared by `vendor` and `drift`: upstream document → the client's subset.
// A fix here fixes both, which is the point of keeping it in one module.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  BaseResolver,
  bundle,
  createConfig,
  makeDocumentFromString,
  parseYaml,
  type Document,
  type Source,
} from "@redocly/openapi-core";
import {
  API_VERSIONS,
  operationPath,
  operationsOf,
  type ApiVersion,
} from "../../src/operations.ts";

/** The version `--upstream` means when no `--api-version` is given (the seed's version). */
export const DEFAULT_API_VERSION: ApiVersion = "v1alpha";

/** Per API version: its default upstream, its vendored subset and its generated files (from the repo root). */
export const PIPELINE: Record<
  ApiVersion,
  { upstream: string; vendored: string; types: string; validators: string; examples: string }
> = Object.fromEntries(
  API_VERSIONS.map((version) => [
    version,
    {
      // Stability's own repository (see ../shared/upstream/README.md); needs a network.
      upstream: `https://raw.githubusercontent.com/Stability-AI/rest-api-support/main/generated/spec/${version}.json`,
      vendored: `openapi/${version}.openapi.json`,
      types: `src/generated/${version}.ts`,
      validators: `src/generated/${version}.validators.ts`,
      examples: `src/generated/${version}.examples.ts`,
    },
  ]),
) as never;

/** Reads `--api-version`: one version, or every version when absent. */
export function versionsFrom(flag: string | undefined): readonly ApiVersion[] {
  if (flag === undefined) return API_VERSIONS;
  if ((API_VERSIONS as readonly string[]).includes(flag)) return [flag as ApiVersion];
  throw new UpstreamError(`--api-version must be one of ${API_VERSIONS.join(", ")}, got ${flag}`);
}

/** Thrown for every reason the upstream cannot be read or used; the message is one line. */
export class UpstreamError extends Error {
  override name = "UpstreamError";
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type OpenApiDocument = { [key: string]: Json };

export interface LoadedUpstream {
  /** What the caller asked for: a URL, or a file path as given. */
  source: string;
  /** sha256 of the exact bytes read. */
  sha256: string;
  text: string;
}

const isUrl = (source: string) => /^https?:\/\//i.test(source);

export async function loadUpstream(
  source: string,
  { timeoutMs = 30_000 }: { timeoutMs?: number } = {},
): Promise<LoadedUpstream> {
  let bytes: Uint8Array;
  if (isUrl(source)) {
    let response: Response;
    try {
      response = await fetch(source, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) throw new UpstreamError(`${source}: HTTP ${response.status}`);
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      const e = error as Error & { cause?: { code?: string; message?: string } };
      const reason =
        e.name === "TimeoutError"
          ? `no complete response within ${timeoutMs} ms`
          : (e.cause?.code ?? e.cause?.message ?? e.message);
      throw new UpstreamError(`${source}: unreachable (${reason})`);
    }
  } else {
    try {
      bytes = await readFile(source);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "read failed";
      throw new UpstreamError(`${source}: cannot read file (${code})`);
    }
  }
  return {
    source,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    text: new TextDecoder().decode(bytes),
  };
}

/** JSON when it looks like JSON (so a broken JSON file is reported as such), YAML otherwise. */
export function parseDocument(text: string, source: string): OpenApiDocument {
  let parsed: unknown;
  const json = /^\s*[{[]/.test(text);
  try {
    parsed = json ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const detail = (error as Error).message.split("\n")[0];
    throw new UpstreamError(`${source}: not valid ${json ? "JSON" : "YAML"} (${detail})`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new UpstreamError(`${source}: not an OpenAPI document (not an object)`);
  }
  const doc = parsed as OpenApiDocument;
  if (typeof doc.openapi !== "string" || !/^3\.\d+/.test(doc.openapi)) {
    const found = doc.swagger
      ? `swagger ${typeof doc.swagger === "string" ? doc.swagger : JSON.stringify(doc.swagger)}`
      : `openapi: ${JSON.stringify(doc.openapi ?? null)}`;
    throw new UpstreamError(`${source}: not an OpenAPI 3.x document (${found})`);
  }
  if (!isObject(doc.paths)) throw new UpstreamError(`${source}: OpenAPI document has no paths`);
  return doc;
}

function isObject(value: unknown): value is { [key: string]: Json } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

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

// A dereferenced circular schema is a cyclic object graph: copy each node once, keeping the cycles.
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
    if (!drop(key)) out[key] = dropKeys(child, drop, copies);
  }
  return out;
};

/**
 * Reads external documents with the same keys dropped as the root, so a `$ref` inside a dropped
 * key (Stability's code samples point at ../examples/… files) is never followed.
 */
class PruningResolver extends BaseResolver {
  constructor(private readonly drop: (key: string) => boolean) {
    super();
  }
  override parseDocument(source: Source, isRoot?: boolean): Document {
    const document = super.parseDocument(source, isRoot);
    const parsed = document.parsed as Json;
    return typeof parsed === "object"
      ? { ...document, parsed: dropKeys(parsed, this.drop) }
      : document;
  }
}

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
}

/**
 * Turns an upstream document into the client's subset: the two operations under their full URL
 * paths (server base path folded in), every component they reference, the security schemes and
 * tags they use, `openapi`/`info`/`servers`, and no code samples. Deterministic for equal input.
 */
export async function extractClientSubset(
  doc: OpenApiDocument,
  {
    version,
    location,
    dereference = false,
    allowMissing = false,
    dropExtensions = false,
  }: ExtractOptions,
): Promise<{ subset: OpenApiDocument; missing: string[]; elsewhere?: ElsewhereHint }> {
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
  const bundled = await bundleDocument(pruned, location, dereference, drop);
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
  };
}

async function bundleDocument(
  doc: OpenApiDocument,
  location: string,
  dereference: boolean,
  drop: (key: string) => boolean,
): Promise<OpenApiDocument> {
  try {
    const config = await createConfig({});
    const result = await bundle({
      doc: makeDocumentFromString(JSON.stringify(doc), location),
      config,
      externalRefResolver: new PruningResolver(drop),
      dereference,
      removeUnusedComponents: !dereference,
    });
    const unresolved = result.problems.find((p) => p.severity === "error");
    if (unresolved) throw new UpstreamError(`${location}: ${unresolved.message.split("\n")[0]}`);
    return result.bundle.parsed as OpenApiDocument;
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    throw new UpstreamError(
      `${location}: cannot resolve references (${(error as Error).message.split("\n")[0]})`,
    );
  }
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
 * Keeps only the components the paths reach through local `$ref`s, transitively. Redocly's
 * removeUnusedComponents keeps some unreachable schemas (Stability's v1 request bodies), and the
 * ignored headers dropped after bundling leave their parameter components behind.
 */
function keepReferencedComponents(doc: OpenApiDocument): void {
  if (!isObject(doc.components)) return;
  const components = doc.components;
  const reached = new Set<string>();
  const visit = (node: Json): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObject(node)) return;
    const ref = node.$ref;
    if (typeof ref === "string" && ref.startsWith("#/components/") && !reached.has(ref)) {
      reached.add(ref);
      const [kind = "", name = ""] = ref.slice("#/components/".length).split("/");
      const group = components[kind];
      if (isObject(group)) visit(group[name.replaceAll("~1", "/").replaceAll("~0", "~")] ?? null);
    }
    Object.values(node).forEach(visit);
  };
  visit(doc.paths as Json);
  for (const [kind, group] of Object.entries(components)) {
    // Security schemes are chosen by the operations' requirements, below.
    if (kind === "securitySchemes" || !isObject(group)) continue;
    for (const name of Object.keys(group)) {
      const ref = `#/components/${kind}/${name.replaceAll("~", "~0").replaceAll("/", "~1")}`;
      if (!reached.has(ref)) delete group[name];
    }
  }
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

/** "this upstream describes `/v1/user/account` and `/v1/user/balance`; the client targets `/v1alpha`" */
export function describeElsewhere(hint: ElsewhereHint, version: ApiVersion): string {
  const paths = hint.paths.map((p) => `\`${p}\``).join(" and ");
  return `this upstream describes ${paths}; the client targets \`/${version}\` here (use --api-version ${hint.version} for that version)`;
}

/** The full path the client calls for an operation name, for messages. */
export const clientPath = operationPath;

/** Resolves a CLI `--upstream` value: URLs as they are, files relative to the working directory. */
export function locationOf(source: string): string {
  return isUrl(source) ? source : path.resolve(source);
}
