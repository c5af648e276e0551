// The drift decision: two resolved client subsets (vendored = base, upstream = revision) → findings.
// Pure and synchronous, so every rule is tested directly. Inputs are the output of
// extractClientSubset(…, { dereference: true }): no `$ref`s left, but possibly cyclic objects
// (a circular schema), so every walk below remembers the pairs it has already compared.
import { createHash } from "node:crypto";
import { operationsOf, type ApiVersion } from "../../src/operations.ts";
import { DEFAULT_API_VERSION, extractClientSubset, type OpenApiDocument } from "./upstream.ts";

export type Level = "ERR" | "WARN" | "INFO";
export const LEVELS: readonly Level[] = ["ERR", "WARN", "INFO"];

/**
 * Every rule this check knows, with its level. Ids follow oasdiff where oasdiff has the rule;
 * those marked `own` have no oasdiff counterpart (or a different level, noted).
 */
export const RULES = {
  "api-removed-without-deprecation": "ERR",
  "api-removed-with-deprecation": "ERR",
  "new-required-request-parameter": "ERR",
  "request-parameter-became-required": "ERR",
  "request-parameter-type-changed": "ERR",
  "request-body-added-required": "ERR",
  "response-success-status-removed": "ERR",
  "response-media-type-removed": "ERR",
  "response-required-property-removed": "ERR",
  "response-property-became-optional": "ERR",
  "response-property-type-changed": "ERR",
  "response-property-became-nullable": "ERR",
  // oasdiff reports security changes as INFO; a client that stops authenticating is broken.
  "api-security-added": "ERR",
  "api-security-updated": "ERR",
  "request-parameter-removed": "WARN",
  "response-optional-property-removed": "WARN",
  "response-body-schema-removed": "WARN", // own
  "response-property-enum-value-added": "WARN",
  "endpoint-deprecated": "WARN",
  "api-server-changed": "WARN", // own
  "unclassified-change": "WARN", // own: a difference no rule above understands
  "new-optional-request-parameter": "INFO",
  "request-parameter-became-optional": "INFO",
  "request-body-added-optional": "INFO",
  "response-success-status-added": "INFO",
  "response-non-success-status-added": "INFO",
  "response-non-success-status-removed": "INFO",
  "response-media-type-added": "INFO",
  "response-body-schema-added": "INFO", // own
  "response-optional-property-added": "INFO",
  "response-required-property-added": "INFO",
  "response-property-became-required": "INFO",
  "response-property-became-not-nullable": "INFO",
  "response-property-became-enum": "INFO", // own
  "response-property-enum-value-removed": "INFO",
  "response-property-type-compatible": "INFO", // own (oasdiff has the request-side twin)
  "api-security-removed": "INFO",
  "security-scheme-renamed": "INFO", // own
  "api-operation-id-removed": "INFO",
  "api-operation-id-added": "INFO",
  "api-tag-added": "INFO",
  "api-tag-removed": "INFO",
  "api-summary-changed": "INFO", // own
  "api-description-changed": "INFO", // own
  "description-changed": "INFO", // own
  "example-changed": "INFO", // own
  "extension-changed": "INFO", // own
  "api-info-changed": "INFO", // own
} as const satisfies Record<string, Level>;

export type RuleId = keyof typeof RULES;

export interface Finding {
  id: RuleId;
  level: Level;
  /** `GET /v1alpha/user/balance`, or `document` for what applies to the whole subset. */
  operation: string;
  /** Where in the operation, e.g. `responses.200.application/json.credits`. */
  path: string;
  /** One plain sentence about what the change means for this client. */
  text: string;
  /** Stable across runs and wording changes: sha256 of id, operation and path. */
  fingerprint: string;
}

export const DOCUMENT = "document";

type Node = { [key: string]: unknown };
const isNode = (value: unknown): value is Node =>
  value !== null && typeof value === "object" && !Array.isArray(value);
const asNode = (value: unknown): Node => (isNode(value) ? value : {});

export function fingerprint(id: string, operation: string, path: string): string {
  return createHash("sha256").update(`${id}\0${operation}\0${path}`).digest("hex");
}

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

class Collector {
  readonly findings: Finding[] = [];
  constructor(readonly operation: string) {}
  add(id: RuleId, path: string, text: string) {
    this.findings.push({
      id,
      level: RULES[id],
      operation: this.operation,
      path,
      text,
      fingerprint: fingerprint(id, this.operation, path),
    });
  }
}

const ANNOTATIONS: Record<string, RuleId> = {
  description: "description-changed",
  summary: "description-changed",
  title: "description-changed",
  externalDocs: "description-changed",
  example: "example-changed",
  examples: "example-changed",
};

/**
 * The keys of two objects that no specific rule looked at: documentation keys become INFO,
 * extensions INFO, anything else `unclassified-change`, so no difference goes unreported.
 */
function compareRest(
  out: Collector,
  path: string,
  what: string,
  base: Node,
  revision: Node,
  handled: readonly string[],
) {
  const keys = new Set([...Object.keys(base), ...Object.keys(revision)]);
  for (const key of [...keys].sort()) {
    if (handled.includes(key) || deepEqual(base[key], revision[key])) continue;
    const where = `${path}.${key}`;
    const annotation = ANNOTATIONS[key];
    if (annotation === "example-changed") {
      out.add(
        annotation,
        where,
        `The ${key} of ${what} changed; documentation only, behaviour does not change.`,
      );
    } else if (annotation) {
      out.add(
        annotation,
        where,
        `The ${key} of ${what} changed; only the generated doc comments change, not the client's behaviour.`,
      );
    } else if (key.startsWith("x-")) {
      out.add(
        "extension-changed",
        where,
        `The vendor extension ${key} of ${what} changed from ${brief(base[key])} to ${brief(revision[key])}; the client does not use extensions.`,
      );
    } else {
      out.add(
        "unclassified-change",
        where,
        `The ${key} of ${what} changed from ${brief(base[key])} to ${brief(revision[key])}; no rule covers it, so read it before regenerating.`,
      );
    }
  }
}

// ── schemas ──────────────────────────────────────────────────────────────────────────────

interface Shape {
  /** JSON types without "null"; undefined when the schema leaves the type open. */
  types: string[] | undefined;
  nullable: boolean;
}

function shapeOf(schema: Node): Shape {
  const type = schema.type;
  const list = typeof type === "string" ? [type] : Array.isArray(type) ? (type as unknown[]) : [];
  const named = list.filter((t): t is string => typeof t === "string");
  const types = named.filter((t) => t !== "null").sort();
  return {
    types: named.length === 0 ? undefined : types,
    nullable: schema.nullable === true || named.includes("null"),
  };
}

const typeLabel = (shape: Shape, format: unknown) =>
  `${shape.types?.join(" or ") ?? "any type"}${typeof format === "string" ? ` (${format})` : ""}`;

/**
 * Whether a response value typed `from` can also be read as `to` by this client. Every numeric
 * format is a JavaScript number, so float↔double and int32↔int64 change nothing here; a request
 * parameter may only widen (int32→int64, float→double).
 */
export function formatCompatible(
  from: string | undefined,
  to: string | undefined,
  side: "response" | "request",
): boolean {
  if (from === to) return true;
  const widening = (from === "float" && to === "double") || (from === "int32" && to === "int64");
  const narrowing = (from === "double" && to === "float") || (from === "int64" && to === "int32");
  return widening || (side === "response" && narrowing);
}

const SCHEMA_HANDLED = ["type", "nullable", "format", "enum", "properties", "required", "items"];

interface PropertyAt {
  /** `responses.200.application/json` */
  prefix: string;
  /** `` for the body, `organizations[].id` for a nested property */
  name: string;
  status: string;
}

const propertyPath = (at: PropertyAt) => (at.name ? `${at.prefix}.${at.name}` : at.prefix);
const propertyWhat = (at: PropertyAt) =>
  at.name ? `\`${at.name}\` in the ${at.status} response` : `the ${at.status} response body`;
const child = (at: PropertyAt, name: string): PropertyAt => ({
  ...at,
  name: at.name ? `${at.name}${name.startsWith("[") ? "" : "."}${name}` : name,
});

function compareResponseSchema(
  out: Collector,
  at: PropertyAt,
  base: Node,
  revision: Node,
  seen: Map<object, Set<object>>,
) {
  let pairs = seen.get(base);
  if (pairs?.has(revision)) return;
  if (!pairs) seen.set(base, (pairs = new Set()));
  pairs.add(revision);

  const path = propertyPath(at);
  const what = propertyWhat(at);
  const b = shapeOf(base);
  const r = shapeOf(revision);
  const sameTypes = deepEqual(b.types, r.types);
  const bFormat = typeof base.format === "string" ? base.format : undefined;
  const rFormat = typeof revision.format === "string" ? revision.format : undefined;
  const numberToInteger = deepEqual(b.types, ["number"]) && deepEqual(r.types, ["integer"]);
  if (!sameTypes && !numberToInteger) {
    out.add(
      "response-property-type-changed",
      path,
      `${capital(what)} changed from ${typeLabel(b, bFormat)} to ${typeLabel(r, rFormat)}: code that uses it as ${typeLabel(b, undefined)} would misbehave, and the generated type changes.`,
    );
  } else if (numberToInteger || bFormat !== rFormat) {
    if (numberToInteger || formatCompatible(bFormat, rFormat, "response")) {
      out.add(
        "response-property-type-compatible",
        path,
        `${capital(what)} changed from ${typeLabel(b, bFormat)} to ${typeLabel(r, rFormat)}; it is still a JavaScript number, so nothing changes for the client.`,
      );
    } else {
      out.add(
        "response-property-type-changed",
        path,
        `${capital(what)} changed format from ${bFormat ?? "none"} to ${rFormat ?? "none"}: code that relies on the old format (parsing, validation) would misbehave.`,
      );
    }
  }

  if (!b.nullable && r.nullable) {
    out.add(
      "response-property-became-nullable",
      path,
      `${capital(what)} can now be null: code that uses it without a null check would fail.`,
    );
  } else if (b.nullable && !r.nullable) {
    out.add(
      "response-property-became-not-nullable",
      path,
      `${capital(what)} is no longer nullable; existing null checks become unnecessary, nothing breaks.`,
    );
  }

  compareEnum(out, path, what, base.enum, revision.enum);

  const bProps = asNode(base.properties);
  const rProps = asNode(revision.properties);
  const bRequired = new Set(Array.isArray(base.required) ? base.required : []);
  const rRequired = new Set(Array.isArray(revision.required) ? revision.required : []);
  for (const name of Object.keys(bProps).sort()) {
    const sub = child(at, name);
    const subWhat = propertyWhat(sub);
    if (!(name in rProps)) {
      if (bRequired.has(name)) {
        out.add(
          "response-required-property-removed",
          propertyPath(sub),
          `${capital(subWhat)} was required and is gone: code that reads it would get undefined.`,
        );
      } else {
        out.add(
          "response-optional-property-removed",
          propertyPath(sub),
          `${capital(subWhat)} (optional) is gone: code that reads it would always get undefined.`,
        );
      }
      continue;
    }
    if (bRequired.has(name) && !rRequired.has(name)) {
      out.add(
        "response-property-became-optional",
        propertyPath(sub),
        `${capital(subWhat)} is now optional: code that assumes it is always present would fail on undefined.`,
      );
    } else if (!bRequired.has(name) && rRequired.has(name)) {
      out.add(
        "response-property-became-required",
        propertyPath(sub),
        `${capital(subWhat)} is now always present; nothing breaks.`,
      );
    }
    compareResponseSchema(out, sub, asNode(bProps[name]), asNode(rProps[name]), seen);
  }
  for (const name of Object.keys(rProps).sort()) {
    if (name in bProps) continue;
    const sub = child(at, name);
    const required = rRequired.has(name);
    out.add(
      required ? "response-required-property-added" : "response-optional-property-added",
      propertyPath(sub),
      `${capital(propertyWhat(sub))} is new (${required ? "required" : "optional"}); the client ignores it until you regenerate.`,
    );
  }

  if (isNode(base.items) || isNode(revision.items)) {
    if (isNode(base.items) && isNode(revision.items)) {
      compareResponseSchema(out, child(at, "[]"), base.items, revision.items, seen);
    } else if (!deepEqual(base.items, revision.items)) {
      out.add(
        "unclassified-change",
        `${path}.items`,
        `The items of ${what} changed from ${brief(base.items)} to ${brief(revision.items)}; no rule covers it, so read it before regenerating.`,
      );
    }
  }

  compareRest(out, path, what, base, revision, SCHEMA_HANDLED);
}

function compareEnum(out: Collector, path: string, what: string, base: unknown, revision: unknown) {
  if (deepEqual(base, revision)) return;
  const values = (list: unknown) =>
    Array.isArray(list) ? new Map(list.map((v) => [JSON.stringify(v), v])) : undefined;
  const b = values(base);
  const r = values(revision);
  if (b && !r) {
    out.add(
      "response-property-enum-value-added",
      `${path}.enum`,
      `${capital(what)} is no longer limited to ${[...b.keys()].join(", ")}: code that switches over those values would meet others.`,
    );
  } else if (!b && r) {
    out.add(
      "response-property-became-enum",
      `${path}.enum`,
      `${capital(what)} is now limited to ${[...r.keys()].join(", ")}; nothing breaks.`,
    );
  } else if (b && r) {
    for (const [key, value] of r) {
      if (!b.has(key)) {
        out.add(
          "response-property-enum-value-added",
          `${path}.enum.${String(value)}`,
          `${capital(what)} may now be ${key}: code that switches over the known values would not handle it.`,
        );
      }
    }
    for (const [key, value] of b) {
      if (!r.has(key)) {
        out.add(
          "response-property-enum-value-removed",
          `${path}.enum.${String(value)}`,
          `${capital(what)} is no longer ${key}; code handling it is now dead, nothing breaks.`,
        );
      }
    }
  }
}

// ── parameters ───────────────────────────────────────────────────────────────────────────

const parameterKey = (p: Node) =>
  `${String(p.in)}.${p.in === "header" ? String(p.name).toLowerCase() : String(p.name)}`;

function parametersOf(pathItem: Node, operation: Node): Map<string, Node> {
  const params = new Map<string, Node>();
  // Operation-level parameters override path-level ones with the same name and location.
  for (const list of [pathItem.parameters, operation.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const p of list) if (isNode(p)) params.set(parameterKey(p), p);
  }
  return params;
}

function compareParameters(out: Collector, base: Map<string, Node>, revision: Map<string, Node>) {
  for (const [key, b] of [...base].sort(([x], [y]) => x.localeCompare(y))) {
    const label = `${String(b.in)} \`${String(b.name)}\``;
    const path = `parameters.${String(b.in)}.${String(b.name)}`;
    const r = revision.get(key);
    if (!r) {
      out.add(
        "request-parameter-removed",
        path,
        `The ${label} is no longer documented: the client still sends it when asked, and the API may ignore or reject it.`,
      );
      continue;
    }
    if (b.required !== true && r.required === true) {
      out.add(
        "request-parameter-became-required",
        path,
        `The ${label} is now required, but the client sends it only when the caller asks, so calls without it would be rejected.`,
      );
    } else if (b.required === true && r.required !== true) {
      out.add(
        "request-parameter-became-optional",
        path,
        `The ${label} is now optional; calls that send it keep working.`,
      );
    }
    const bSchema = asNode(b.schema);
    const rSchema = asNode(r.schema);
    const bShape = shapeOf(bSchema);
    const rShape = shapeOf(rSchema);
    const bFormat = typeof bSchema.format === "string" ? bSchema.format : undefined;
    const rFormat = typeof rSchema.format === "string" ? rSchema.format : undefined;
    if (!deepEqual(bShape.types, rShape.types) || !formatCompatible(bFormat, rFormat, "request")) {
      out.add(
        "request-parameter-type-changed",
        path,
        `The ${label} changed from ${typeLabel(bShape, bFormat)} to ${typeLabel(rShape, rFormat)}: values the client sends may no longer be accepted.`,
      );
    }
    compareRest(out, `${path}.schema`, `the ${label}`, bSchema, rSchema, ["type", "format"]);
    compareRest(out, path, `the ${label}`, b, r, ["schema", "required", "in", "name"]);
  }
  for (const [key, r] of [...revision].sort(([x], [y]) => x.localeCompare(y))) {
    if (base.has(key)) continue;
    const label = `${String(r.in)} \`${String(r.name)}\``;
    const path = `parameters.${String(r.in)}.${String(r.name)}`;
    if (r.required === true) {
      out.add(
        "new-required-request-parameter",
        path,
        `A new required ${label} is not sent by the client, so every call would be rejected until it is.`,
      );
    } else {
      out.add(
        "new-optional-request-parameter",
        path,
        `A new optional ${label} exists; the client works without it.`,
      );
    }
  }
}

// ── responses ────────────────────────────────────────────────────────────────────────────

const isSuccess = (status: string) => /^2(\d\d|XX)$/i.test(status);

function compareResponses(out: Collector, base: Node, revision: Node) {
  for (const status of Object.keys(base).sort()) {
    const path = `responses.${status}`;
    if (!(status in revision)) {
      if (isSuccess(status)) {
        out.add(
          "response-success-status-removed",
          path,
          `The ${status} response the client reads its data from is no longer documented, so the generated types no longer describe a successful call.`,
        );
      } else {
        out.add(
          "response-non-success-status-removed",
          path,
          `The ${status} response is no longer documented; the client still turns it into an error.`,
        );
      }
      continue;
    }
    compareResponse(out, status, asNode(base[status]), asNode(revision[status]));
  }
  for (const status of Object.keys(revision).sort()) {
    if (status in base) continue;
    const success = isSuccess(status);
    out.add(
      success ? "response-success-status-added" : "response-non-success-status-added",
      `responses.${status}`,
      success
        ? `A ${status} success response is now documented; the client's types only describe the statuses it was generated from.`
        : `A ${status} response is now documented; the client already turns it into an error, nothing breaks.`,
    );
  }
}

function compareResponse(out: Collector, status: string, base: Node, revision: Node) {
  const bContent = asNode(base.content);
  const rContent = asNode(revision.content);
  for (const media of Object.keys(bContent).sort()) {
    const prefix = `responses.${status}.${media}`;
    if (!(media in rContent)) {
      out.add(
        "response-media-type-removed",
        prefix,
        `The ${status} response no longer offers ${media}, the body the client parses.`,
      );
      continue;
    }
    const b = asNode(bContent[media]);
    const r = asNode(rContent[media]);
    if (isNode(b.schema) && isNode(r.schema)) {
      compareResponseSchema(out, { prefix, name: "", status }, b.schema, r.schema, new Map());
    } else if (isNode(b.schema)) {
      out.add(
        "response-body-schema-removed",
        prefix,
        `The ${status} ${media} response no longer has a schema: the generated types would lose the body's shape.`,
      );
    } else if (isNode(r.schema)) {
      out.add(
        "response-body-schema-added",
        prefix,
        `The ${status} ${media} response now has a schema; regenerating gives it a type.`,
      );
    }
    compareRest(out, prefix, `the ${status} ${media} response`, b, r, ["schema"]);
  }
  for (const media of Object.keys(rContent).sort()) {
    if (media in bContent) continue;
    out.add(
      "response-media-type-added",
      `responses.${status}.${media}`,
      `The ${status} response may now be ${media}; the client asks for and parses JSON only.`,
    );
  }
  compareRest(out, `responses.${status}`, `the ${status} response`, base, revision, ["content"]);
}

// ── security ─────────────────────────────────────────────────────────────────────────────

/**
 * What a scheme means on the wire, in words; two schemes whose meanings are equal ignoring case
 * (header names are case-insensitive) are the same to the client, whatever they are called.
 */
export function schemeMeaning(scheme: unknown): string {
  const s = asNode(scheme);
  switch (s.type) {
    case "apiKey":
      return s.in === "header"
        ? `API key in the ${String(s.name)} header`
        : `API key in the ${String(s.in)} parameter ${String(s.name)}`;
    case "http":
      return `HTTP ${String(s.scheme).toLowerCase()} authentication`;
    case "oauth2":
      return `OAuth 2 ${brief(s.flows, 400)}`;
    case "openIdConnect":
      return `OpenID Connect ${String(s.openIdConnectUrl)}`;
    default:
      return `an undefined scheme ${brief(s)}`;
  }
}

const sameMeaning = (scheme: unknown) => {
  const s = asNode(scheme);
  // Only header names are case-insensitive; query and cookie names are not.
  return s.type === "apiKey" && s.in !== "header"
    ? schemeMeaning(s)
    : schemeMeaning(s).toLowerCase();
};

interface Requirement {
  /** Canonical meaning, for comparing: sorted scheme meanings with scopes. */
  key: string;
  /** The same, as written for people. */
  meaning: string;
  /** The scheme names the document uses for it. */
  names: string;
}

function requirementsOf(operation: Node, doc: Node): Requirement[] {
  const schemes = asNode(asNode(doc.components).securitySchemes);
  const list = Array.isArray(operation.security)
    ? operation.security
    : Array.isArray(doc.security)
      ? doc.security
      : [];
  return list.filter(isNode).map((req) => {
    const entries = Object.entries(req).sort(([a], [b]) => a.localeCompare(b));
    const parts = entries
      .map(([name, scopes]) => {
        const list = Array.isArray(scopes)
          ? (scopes as unknown[]).map((s) => (typeof s === "string" ? s : brief(s))).sort()
          : [];
        const scheme = schemes[name] ?? { name };
        const withScopes = (m: string) => (list.length ? `${m} (scopes ${list.join(", ")})` : m);
        return { key: withScopes(sameMeaning(scheme)), meaning: withScopes(schemeMeaning(scheme)) };
      })
      .sort((a, b) => a.key.localeCompare(b.key));
    return {
      key: parts.map((p) => p.key).join(" + "),
      meaning: parts.length === 0 ? "no authentication" : parts.map((p) => p.meaning).join(" + "),
      names: entries.map(([name]) => name).join(" + ") || "(none)",
    };
  });
}

function compareSecurity(out: Collector, baseOp: Node, baseDoc: Node, revOp: Node, revDoc: Node) {
  const b = requirementsOf(baseOp, baseDoc);
  const r = requirementsOf(revOp, revDoc);
  const bKeys = new Set(b.map((x) => x.key));
  const rKeys = new Set(r.map((x) => x.key));
  const added = r.filter((x) => !bKeys.has(x.key));
  const removed = b.filter((x) => !rKeys.has(x.key));
  const list = (reqs: Requirement[]) => reqs.map((x) => x.meaning).join("; or ") || "none";

  if (added.length > 0 && removed.length > 0) {
    out.add(
      "api-security-updated",
      "security",
      `Authentication changed from ${list(b)} to ${list(r)}: the client sends only its API key in the Authorization header, so calls would be rejected.`,
    );
  } else if (added.length > 0) {
    out.add(
      "api-security-added",
      "security",
      b.length === 0
        ? `The operation now requires ${list(added)}, which it did not before: calls without it would be rejected.`
        : `A new security requirement (${list(added)}) is listed beside ${list(b)}: the client satisfies only the old one, so check that the API still accepts it.`,
    );
  } else if (removed.length > 0) {
    if (r.length === 0) {
      out.add(
        "api-security-removed",
        "security",
        `The operation no longer lists authentication; the client still sends its key, nothing breaks.`,
      );
    } else {
      out.add(
        "api-security-updated",
        "security",
        `The security requirement ${list(removed)} was dropped, leaving ${list(r)}: the client sends only its API key in the Authorization header, so calls would be rejected.`,
      );
    }
  } else {
    const names = (reqs: Requirement[]) => reqs.map((x) => x.names).join(", ");
    if (names(b) !== names(r)) {
      out.add(
        "security-scheme-renamed",
        "security",
        `The security scheme ${names(b)} is now called ${names(r)} with the same meaning (${list(r)}); nothing changes on the wire.`,
      );
    }
  }
}

// ── operations and the document ──────────────────────────────────────────────────────────

const OPERATION_HANDLED = [
  "parameters",
  "responses",
  "security",
  "operationId",
  "summary",
  "description",
  "tags",
  "deprecated",
  "requestBody",
];

function compareOperation(
  out: Collector,
  method: string,
  base: { item: Node; op: Node; doc: Node },
  revision: { item: Node; op: Node; doc: Node },
) {
  const b = base.op;
  const r = revision.op;
  compareParameters(out, parametersOf(base.item, b), parametersOf(revision.item, r));
  compareResponses(out, asNode(b.responses), asNode(r.responses));
  compareSecurity(out, b, base.doc, r, revision.doc);

  if (b.deprecated !== true && r.deprecated === true) {
    out.add(
      "endpoint-deprecated",
      "deprecated",
      `The operation is now deprecated: plan for its removal before the API drops it.`,
    );
  } else if (b.deprecated === true && r.deprecated !== true) {
    out.add("unclassified-change", "deprecated", "The operation is no longer deprecated.");
  }

  if (!isNode(b.requestBody) && isNode(r.requestBody)) {
    const required = r.requestBody.required === true;
    out.add(
      required ? "request-body-added-required" : "request-body-added-optional",
      "requestBody",
      required
        ? "The operation now requires a request body, which the client never sends: calls would be rejected."
        : "The operation now accepts an optional request body; the client sends none, nothing breaks.",
    );
  } else if (!deepEqual(b.requestBody, r.requestBody)) {
    out.add(
      "unclassified-change",
      "requestBody",
      `The request body changed from ${brief(b.requestBody)} to ${brief(r.requestBody)}; no rule covers it, so read it before regenerating.`,
    );
  }

  if (b.operationId !== r.operationId) {
    if (typeof b.operationId === "string") {
      out.add(
        "api-operation-id-removed",
        "operationId",
        `The operationId changed from ${brief(b.operationId)} to ${brief(r.operationId)}; the client addresses operations by path, so nothing breaks.`,
      );
    } else {
      out.add(
        "api-operation-id-added",
        "operationId",
        `The operation now has the operationId ${brief(r.operationId)}; the client addresses operations by path, so nothing breaks.`,
      );
    }
  }
  for (const key of ["summary", "description"] as const) {
    if (!deepEqual(b[key], r[key])) {
      out.add(
        key === "summary" ? "api-summary-changed" : "api-description-changed",
        key,
        `The operation's ${key} changed; only the generated doc comments change, not the client's behaviour.`,
      );
    }
  }
  const bTags = new Set(Array.isArray(b.tags) ? b.tags.map(String) : []);
  const rTags = new Set(Array.isArray(r.tags) ? r.tags.map(String) : []);
  for (const tag of [...rTags].filter((t) => !bTags.has(t)).sort()) {
    out.add("api-tag-added", `tags.${tag}`, `The operation gained the tag ${tag}; grouping only.`);
  }
  for (const tag of [...bTags].filter((t) => !rTags.has(t)).sort()) {
    out.add("api-tag-removed", `tags.${tag}`, `The operation lost the tag ${tag}; grouping only.`);
  }
  compareRest(out, "operation", "the operation", b, r, OPERATION_HANDLED);
  compareRest(out, "pathItem", "the path item", base.item, revision.item, ["parameters", method]);
}

function compareDocument(out: Collector, base: Node, revision: Node) {
  const origin = (doc: Node) => {
    const first = Array.isArray(doc.servers) ? asNode(doc.servers[0]) : {};
    return typeof first.url === "string" ? first.url : undefined;
  };
  if (origin(base) !== origin(revision)) {
    out.add(
      "api-server-changed",
      "servers",
      `The API's server changed from ${origin(base) ?? "none"} to ${origin(revision) ?? "none"}: the client's default base URL points at the old one.`,
    );
  }
  if (base.openapi !== revision.openapi) {
    out.add(
      "api-info-changed",
      "openapi",
      `The document's OpenAPI version changed from ${brief(base.openapi)} to ${brief(revision.openapi)}; regenerate and check the generated types.`,
    );
  }
  const bInfo = asNode(base.info);
  const rInfo = asNode(revision.info);
  for (const key of [...new Set([...Object.keys(bInfo), ...Object.keys(rInfo)])].sort()) {
    if (deepEqual(bInfo[key], rInfo[key])) continue;
    out.add(
      "api-info-changed",
      `info.${key}`,
      `The document's info.${key} changed from ${brief(bInfo[key])} to ${brief(rInfo[key])}; metadata only.`,
    );
  }
  const tags = (doc: Node) =>
    new Map(
      (Array.isArray(doc.tags) ? doc.tags : [])
        .filter(isNode)
        .map((t) => [String(t.name), t] as const),
    );
  const bTags = tags(base);
  const rTags = tags(revision);
  for (const [name, tag] of bTags) {
    const other = rTags.get(name);
    if (other) compareRest(out, `tags.${name}`, `the tag ${name}`, tag, other, ["name"]);
  }
  // Scheme documentation (the meaning is compared per operation, under security).
  const schemes = (doc: Node) => asNode(asNode(doc.components).securitySchemes);
  const rByMeaning = new Map(
    Object.entries(schemes(revision)).map(([name, s]) => [sameMeaning(s), { name, s }]),
  );
  for (const [name, s] of Object.entries(schemes(base)).sort(([x], [y]) => x.localeCompare(y))) {
    const match = rByMeaning.get(sameMeaning(s));
    if (!match) continue;
    compareRest(
      out,
      `securitySchemes.${name}`,
      `the security scheme ${name}`,
      asNode(s),
      asNode(match.s),
      ["type", "in", "name", "scheme", "flows", "openIdConnectUrl"],
    );
  }
}

/** The client's operations in report order, then `document`. */
export const OPERATION_ORDER = [...operationsOf(DEFAULT_API_VERSION).map((op) => op.key), DOCUMENT];

/**
 * Compares the vendored subset (`base`) with the upstream's (`revision`), both resolved by
 * extractClientSubset with `dereference: true`. Returns findings in report order: by operation,
 * then level (ERR first), then path.
 */
export function compareSubsets(base: Node, revision: Node): Finding[] {
  const findings: Finding[] = [];
  const bPaths = asNode(base.paths);
  const rPaths = asNode(revision.paths);
  for (const spec of operationsOf(DEFAULT_API_VERSION)) {
    const method = spec.method.toLowerCase();
    const out = new Collector(spec.key);
    const bItem = asNode(bPaths[spec.path]);
    const rItem = asNode(rPaths[spec.path]);
    const bOp = bItem[method];
    const rOp = rItem[method];
    if (!isNode(bOp)) continue; // the vendored file lacks it: vendor refuses that, so never here
    if (!isNode(rOp)) {
      const deprecated = bOp.deprecated === true;
      out.add(
        deprecated ? "api-removed-with-deprecation" : "api-removed-without-deprecation",
        "",
        `The upstream no longer describes ${out.operation}${deprecated ? "" : " (it was never deprecated)"}: the client's calls to it would fail.`,
      );
    } else {
      compareOperation(
        out,
        method,
        { item: bItem, op: bOp, doc: base },
        { item: rItem, op: rOp, doc: revision },
      );
    }
    findings.push(...out.findings);
  }
  const doc = new Collector(DOCUMENT);
  compareDocument(doc, base, revision);
  findings.push(...doc.findings);
  return sortFindings(findings);
}

export function sortFindings(findings: Finding[]): Finding[] {
  const rank = (f: Finding) => OPERATION_ORDER.indexOf(f.operation);
  return [...findings].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level) ||
      a.path.localeCompare(b.path) ||
      a.id.localeCompare(b.id),
  );
}

/** Findings at or above `failOn` (ERR ⊂ WARN ⊂ INFO). */
export function atOrAbove(findings: Finding[], failOn: Level): Finding[] {
  const limit = LEVELS.indexOf(failOn);
  return findings.filter((f) => LEVELS.indexOf(f.level) <= limit);
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A parsed document → its client subset, resolved for comparison (the one impure helper here). */
export async function resolveSubset(
  doc: OpenApiDocument,
  location: string,
  version: ApiVersion = DEFAULT_API_VERSION,
): Promise<Node> {
  const { subset } = await extractClientSubset(doc, {
    version,
    location,
    dereference: true,
    allowMissing: true,
  });
  return subset;
}
