// One normaliser for both documents, so the comparison sees meaning, not spelling. Input: a client
// subset from extractClientSubset (extensions already dropped before `$ref`s were resolved, and the
// header parameters OpenAPI says to ignore already gone). Output: the same subset with every local
// `$ref` inlined (a circular schema stays a cyclic graph) and:
// - OpenAPI's defaults and no-op keywords removed (`style: simple`/`explode: false` on a header,
//   `allowEmptyValue` off query, `required: false`, `nullable: false`, …);
// - `Accept`, `Content-Type` and `Authorization` header parameters dropped (OpenAPI 3.0: SHALL be
//   ignored), again, in case a parameter reached the subset some other way;
// - an `allOf` of one schema folded into its parent, and `type: object` inferred from `properties`.
import { isIgnoredHeader } from "../upstream/extract.ts";
import type { OpenApiDocument } from "../upstream/parse.ts";
import { asNode, deepEqual, isNode, type Node } from "./util.ts";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

// Per `in`: the default style; `explode` defaults to true only for style form.
const DEFAULT_STYLE: Record<string, string> = {
  query: "form",
  cookie: "form",
  path: "simple",
  header: "simple",
};

/** Schema keywords whose value here is the default, so writing it out changes nothing. */
const SCHEMA_DEFAULTS: [string, unknown][] = [
  ["nullable", false],
  ["readOnly", false],
  ["writeOnly", false],
  ["deprecated", false],
  ["uniqueItems", false],
  ["exclusiveMinimum", false],
  ["exclusiveMaximum", false],
  ["minItems", 0],
  ["minLength", 0],
  ["minProperties", 0],
];

const SUBSCHEMA = ["items", "not", "additionalProperties"];
const SUBSCHEMA_LISTS = ["allOf", "oneOf", "anyOf"];
// Literal data: never a place for `$ref`, copied as it is.
const LITERAL = ["example", "examples", "enum", "default", "const"];

export function normaliseSubset(subset: OpenApiDocument): Node {
  return new Normaliser(subset).document();
}

class Normaliser {
  private readonly schemas = new Map<object, Node>();
  private readonly building = new Set<Node>();
  // One result per `$ref` object, so a circular schema reached through a `$ref` with siblings
  // meets the same node again and the walk ends.
  private readonly merged = new Map<object, unknown>();
  private readonly copying = new Set<object>();
  constructor(private readonly root: Node) {}

  document(): Node {
    const { paths, components, ...rest } = this.root;
    const out: Node = this.plain(rest) as Node;
    out.paths = Object.fromEntries(
      Object.entries(isNode(paths) ? paths : {}).map(([p, item]) => [p, this.pathItem(item)]),
    );
    const schemes = isNode(components) ? components.securitySchemes : undefined;
    if (isNode(schemes)) out.components = { securitySchemes: this.plain(schemes) };
    return out;
  }

  /** Follows local `$ref`s; siblings of a `$ref` (OpenAPI 3.1) are laid over its target. */
  private deref(value: unknown, depth = 0): unknown {
    if (!isNode(value) || typeof value.$ref !== "string" || !value.$ref.startsWith("#/")) {
      return value;
    }
    if (depth > 32) return {};
    let target: unknown = this.root;
    for (const part of value.$ref.slice(2).split("/")) {
      const key = decodeURIComponent(part).replaceAll("~1", "/").replaceAll("~0", "~");
      target = isNode(target) ? target[key] : undefined;
    }
    const { $ref: _ref, ...siblings } = value;
    const resolved = this.deref(target ?? {}, depth + 1);
    if (Object.keys(siblings).length === 0) return resolved;
    if (!this.merged.has(value)) this.merged.set(value, { ...asNode(resolved), ...siblings });
    return this.merged.get(value);
  }

  /** A copy with every `$ref` inlined and every `schema` normalised. */
  private plain(value: unknown): unknown {
    const node = this.deref(value);
    if (node === null || typeof node !== "object") return node;
    // Outside schemas a cycle has nothing the client reads: cut it.
    if (this.copying.has(node)) return {};
    this.copying.add(node);
    const out = Array.isArray(node)
      ? node.map((v) => this.plain(v))
      : Object.fromEntries(
          Object.entries(node).map(([k, v]) => [
            k,
            k === "schema" ? this.schema(v) : LITERAL.includes(k) ? v : this.plain(v),
          ]),
        );
    this.copying.delete(node);
    return out;
  }

  private pathItem(value: unknown): Node {
    const item = this.deref(value);
    if (!isNode(item)) return {};
    const out: Node = {};
    for (const [key, child] of Object.entries(item)) {
      if (key === "parameters") {
        const list = this.parameters(child);
        if (list.length > 0) out.parameters = list;
      } else if (METHODS.includes(key)) out[key] = this.operation(child);
      else out[key] = this.plain(child);
    }
    return out;
  }

  private operation(value: unknown): Node {
    const op = this.deref(value);
    if (!isNode(op)) return {};
    const out: Node = {};
    for (const [key, child] of Object.entries(op)) {
      if (key === "parameters") {
        const list = this.parameters(child);
        if (list.length > 0) out.parameters = list;
      } else if (key === "deprecated" && child === false) continue;
      else out[key] = this.plain(child);
    }
    return out;
  }

  private parameters(value: unknown): Node[] {
    if (!Array.isArray(value)) return [];
    return value
      .map((p) => this.deref(p))
      .filter((p): p is Node => isNode(p) && !isIgnoredHeader(p))
      .map((p) => {
        const out = this.plain(p) as Node;
        const where = String(out.in);
        const style = out.style ?? DEFAULT_STYLE[where];
        if (out.style === DEFAULT_STYLE[where]) delete out.style;
        if (out.explode === (style === "form")) delete out.explode;
        // allowEmptyValue and allowReserved apply to query parameters only.
        for (const key of ["allowEmptyValue", "allowReserved"]) {
          if (key in out && (where !== "query" || out[key] === false)) delete out[key];
        }
        if (out.required === false) delete out.required;
        if (out.deprecated === false) delete out.deprecated;
        return out;
      });
  }

  private schema(value: unknown): unknown {
    const node = this.deref(value);
    if (!isNode(node)) return node;
    const done = this.schemas.get(node);
    if (done) return done;
    const out: Node = {};
    this.schemas.set(node, out);
    this.building.add(out);
    for (const [key, child] of Object.entries(node)) {
      if (key === "properties" && isNode(child)) {
        out.properties = Object.fromEntries(
          Object.entries(child).map(([name, s]) => [name, this.schema(s)]),
        );
      } else if (SUBSCHEMA.includes(key)) out[key] = this.schema(child);
      else if (SUBSCHEMA_LISTS.includes(key) && Array.isArray(child)) {
        out[key] = child.map((s) => this.schema(s));
      } else if (LITERAL.includes(key)) out[key] = child;
      else out[key] = this.plain(child);
    }
    this.foldAllOf(out);
    if (
      isNode(out.properties) &&
      out.type === undefined &&
      !SUBSCHEMA_LISTS.some((k) => k in out)
    ) {
      out.type = "object";
    }
    for (const [key, fallback] of SCHEMA_DEFAULTS) if (out[key] === fallback) delete out[key];
    if (Array.isArray(out.required) && out.required.length === 0) delete out.required;
    this.building.delete(out);
    return out;
  }

  /** `{ allOf: [S], …rest }` is S with rest, when no keyword of rest contradicts S. */
  private foldAllOf(out: Node) {
    const list = out.allOf;
    if (!Array.isArray(list) || list.length !== 1) return;
    const [only] = list as unknown[];
    if (!isNode(only) || this.building.has(only)) return; // a cycle through itself: leave it
    const { allOf: _allOf, ...rest } = out;
    if (Object.entries(rest).some(([k, v]) => k in only && !deepEqual(only[k], v))) return;
    delete out.allOf;
    for (const [k, v] of Object.entries(only)) if (!(k in out)) out[k] = v;
  }
}
