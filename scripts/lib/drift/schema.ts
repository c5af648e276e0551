// The schema walker: two normalised response schemas → findings, property by property. Type facts
// go to the compiler (is the new value still assignable to the client's type?); formats, which
// TypeScript cannot see, are judged by the table below.
import type { Collector } from "./findings.ts";
import { checks, slots, type Slot } from "./judge.ts";
import { compareRest } from "./rest.ts";
import { asNode, deepEqual, isNode, type Node } from "./util.ts";

/** The keywords that make up a schema's type, apart from null, enum, format and the properties. */
const TYPE_KEYWORDS = ["type", "oneOf", "anyOf", "allOf", "not", "additionalProperties", "const"];
const HANDLED = [...TYPE_KEYWORDS, "format", "nullable", "enum", "properties", "required", "items"];

export interface SchemaAt {
  /** `responses.200.application/json.schema.organizations[].role` */
  path: string;
  /** `` for the body, `organizations[].role` for a nested property */
  name: string;
  status: string;
  slot: Slot;
}

export const what = (at: SchemaAt) =>
  at.name ? `\`${at.name}\` in the ${at.status} response` : `the ${at.status} response body`;

const child = (at: SchemaAt, name: string, slot: Slot): SchemaAt => ({
  ...at,
  path: name === "[]" ? `${at.path}[]` : `${at.path}.${name}`,
  name: name === "[]" ? `${at.name}[]` : at.name ? `${at.name}.${name}` : name,
  slot,
});

const typeList = (schema: Node): string[] => {
  const t = schema.type;
  return (typeof t === "string" ? [t] : Array.isArray(t) ? t : []).filter(
    (x): x is string => typeof x === "string",
  );
};

/** The type keywords, with `null` taken out of `type` (it is judged on its own). */
function typeShape(schema: Node): Node {
  const shape: Node = {};
  for (const key of TYPE_KEYWORDS) if (key in schema) shape[key] = schema[key];
  const types = typeList(schema)
    .filter((t) => t !== "null")
    .sort();
  if (types.length === 1) shape.type = types[0];
  else if (types.length > 1) shape.type = types;
  else delete shape.type;
  return shape;
}

const isNullable = (schema: Node) => schema.nullable === true || typeList(schema).includes("null");
const formatOf = (schema: Node) => (typeof schema.format === "string" ? schema.format : undefined);

/** `number (double)`, for sentences about schemas whose TypeScript type does not change. */
const label = (schema: Node) => {
  const types = typeList(schema).filter((t) => t !== "null");
  const format = formatOf(schema);
  return `${types.join(" or ") || "any type"}${format ? ` (${format})` : ""}`;
};

const NUMERIC = new Set(["float", "double", "int32", "int64"]);

/**
 * Why a response format change may break a consumer although TypeScript sees the same type, or
 * undefined when it cannot: every numeric format is a JavaScript number, but one that holds
 * integers exactly only up to 2^53.
 */
export function responseFormatConcern(from?: string, to?: string): string | undefined {
  if (from === to) return undefined;
  const numeric = (f?: string) => f === undefined || NUMERIC.has(f);
  if (numeric(from) && numeric(to)) {
    return to === "int64"
      ? "integers beyond 2^53 lose precision in a JavaScript number"
      : undefined;
  }
  if (from === undefined) return undefined; // a new format only narrows what arrives
  return to === undefined
    ? `it is no longer promised to be ${from}`
    : `it is now ${to}, not ${from}`;
}

/** Whether a request parameter's format change may reject what the client sends: only widening is safe. */
export function requestFormatConcern(from?: string, to?: string): boolean {
  if (from === to || to === undefined) return false;
  return !((from === "int32" && to === "int64") || (from === "float" && to === "double"));
}

export function compareResponseSchema(
  out: Collector,
  at: SchemaAt,
  base: Node,
  revision: Node,
  seen = new Map<object, Set<object>>(),
) {
  let pairs = seen.get(base);
  if (pairs?.has(revision)) return;
  if (!pairs) seen.set(base, (pairs = new Set()));
  pairs.add(revision);

  const subject = what(at);
  const typeChanged = !deepEqual(typeShape(base), typeShape(revision));
  const [bFormat, rFormat] = [formatOf(base), formatOf(revision)];
  if (typeChanged || bFormat !== rFormat) {
    const concern = responseFormatConcern(bFormat, rFormat);
    out.judge(
      at.path,
      checks.value("response", at.slot),
      (v) =>
        !v.fits
          ? "response-property-type-changed"
          : concern
            ? "response-property-format-changed"
            : "response-property-type-compatible",
      (v) => {
        const formats =
          bFormat !== rFormat ? ` (format ${bFormat ?? "none"} → ${rFormat ?? "none"})` : "";
        if (v.old !== v.new) return `${subject}: ${v.old} → ${v.new}${formats}`;
        return concern
          ? `${subject}: ${label(base)} → ${label(revision)} (${concern})`
          : `${subject}: ${label(base)} → ${label(revision)}, \`${v.new}\` in TypeScript either way`;
      },
    );
  }
  if (!typeChanged) compareEnum(out, at, base.enum, revision.enum);

  if (isNullable(base) !== isNullable(revision)) {
    const now = isNullable(revision);
    out.judge(
      `${at.path}.nullable`,
      checks.null("response", at.slot),
      (v) =>
        v.fits
          ? now
            ? "response-property-type-compatible"
            : "response-property-became-not-nullable"
          : now
            ? "response-property-became-nullable"
            : "response-property-type-changed",
      (v) =>
        `${subject} ${now ? "can now be null" : "is no longer nullable"}${v.old !== v.new ? ` (${v.old} → ${v.new})` : ""}`,
    );
  }

  if (!typeChanged) {
    compareProperties(out, at, base, revision, seen);
    if (isNode(base.items) && isNode(revision.items)) {
      compareResponseSchema(
        out,
        child(at, "[]", slots.items(at.slot)),
        base.items,
        revision.items,
        seen,
      );
    }
  }
  compareRest(out, at.path, subject, base, revision, HANDLED, { side: "response", slot: at.slot });
}

function compareProperties(
  out: Collector,
  at: SchemaAt,
  base: Node,
  revision: Node,
  seen: Map<object, Set<object>>,
) {
  const bProps = asNode(base.properties);
  const rProps = asNode(revision.properties);
  const bRequired = new Set(Array.isArray(base.required) ? base.required : []);
  const rRequired = new Set(Array.isArray(revision.required) ? revision.required : []);
  const names = [...new Set([...Object.keys(bProps), ...Object.keys(rProps)])].sort();
  for (const name of names) {
    const sub = child(at, name, slots.property(at.slot, name));
    const subject = what(sub);
    const presence = checks.presence("response", at.slot, name);
    const [inBase, inRevision] = [name in bProps, name in rProps];
    const [wasRequired, isRequired] = [bRequired.has(name), rRequired.has(name)];
    if (inBase && !inRevision) {
      out.judge(
        sub.path,
        presence,
        (v) =>
          v.fits ? "response-optional-property-removed" : "response-required-property-removed",
        () => `${subject} (${wasRequired ? "required" : "optional"}) is gone`,
      );
      continue;
    }
    if (!inBase) {
      out.judge(
        sub.path,
        presence,
        (v) =>
          !v.fits
            ? "response-property-type-changed"
            : isRequired
              ? "response-required-property-added"
              : "response-optional-property-added",
        () => `${subject} is new (${isRequired ? "required" : "optional"})`,
      );
      continue;
    }
    if (wasRequired !== isRequired) {
      out.judge(
        `${sub.path}.required`,
        presence,
        (v) =>
          isRequired
            ? v.fits
              ? "response-property-became-required"
              : "response-property-type-changed"
            : v.fits
              ? "response-property-type-compatible"
              : "response-property-became-optional",
        () => `${subject} is now ${isRequired ? "always present" : "optional"}`,
      );
    }
    compareResponseSchema(out, sub, asNode(bProps[name]), asNode(rProps[name]), seen);
  }
}

function compareEnum(out: Collector, at: SchemaAt, base: unknown, revision: unknown) {
  if (deepEqual(base, revision)) return;
  const subject = what(at);
  const check = checks.value("response", at.slot);
  const values = (list: unknown) =>
    Array.isArray(list) ? new Map(list.map((v) => [JSON.stringify(v), v])) : undefined;
  const b = values(base);
  const r = values(revision);
  if (b && !r) {
    out.judge(
      `${at.path}.enum`,
      check,
      (v) => (v.fits ? "response-property-type-compatible" : "response-property-enum-value-added"),
      (v) => `${subject} is no longer limited to ${[...b.keys()].join(", ")} (${v.old} → ${v.new})`,
    );
  } else if (!b && r) {
    out.judge(
      `${at.path}.enum`,
      check,
      (v) => (v.fits ? "response-property-became-enum" : "response-property-type-changed"),
      () => `${subject} is now limited to ${[...r.keys()].join(", ")}`,
    );
  } else if (b && r) {
    for (const [key, value] of r) {
      if (b.has(key)) continue;
      out.judge(
        `${at.path}.enum.${String(value)}`,
        check,
        (v) =>
          v.fits ? "response-property-type-compatible" : "response-property-enum-value-added",
        () => `${subject} may now be ${key}`,
      );
    }
    for (const [key, value] of b) {
      if (r.has(key)) continue;
      out.judge(
        `${at.path}.enum.${String(value)}`,
        check,
        (v) => (v.fits ? "response-property-enum-value-removed" : "response-property-type-changed"),
        () => `${subject} is no longer ${key}`,
      );
    }
  }
}
