// Request parameters: the client sends the old ones, so the compiler asks whether the old
// parameters still fit the new ones. Header names are matched case-insensitively.
import { parameterKey } from "./client.ts";
import type { Collector } from "./findings.ts";
import { checks, slots, type Slot } from "./judge.ts";
import { compareRest } from "./rest.ts";
import { requestFormatConcern } from "./schema.ts";
import { asNode, deepEqual, isNode, type Node } from "./util.ts";

/** The parameters a client sees for an operation: path-level ones, overridden by the operation's. */
export function parametersOf(pathItem: Node, operation: Node): Map<string, Node> {
  const params = new Map<string, Node>();
  for (const list of [pathItem.parameters, operation.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const p of list) if (isNode(p)) params.set(parameterKey(p), p);
  }
  return params;
}

const SCHEMA_TYPE = [
  "type",
  "enum",
  "oneOf",
  "anyOf",
  "allOf",
  "not",
  "items",
  "nullable",
  "const",
];

export function compareParameters(
  out: Collector,
  base: Map<string, Node>,
  revision: Map<string, Node>,
  /** `paths[path][method]["parameters"]` in the old and new types. */
  parameters: Slot,
  /** The parameterKey()s of the parameters the client sends (when the caller asks). */
  sent: ReadonlySet<string>,
) {
  const group = (where: string) => slots.group(slots.property(parameters, where));
  const keys = [...new Set([...base.keys(), ...revision.keys()])].sort();
  for (const k of keys) {
    const b = base.get(k);
    const r = revision.get(k);
    const p = (b ?? r)!;
    const where = String(p.in);
    const [bName, rName] = [String(b?.name ?? r?.name), String(r?.name ?? b?.name)];
    const label = `${where} \`${bName}\``;
    const path = `parameters.${where}.${bName}`;
    const grp = group(where);
    const presence = checks.presence("request", grp, bName, rName);
    if (!r && sent.has(k)) {
      // On the wire a renamed header is a removed one: the API ignores what the client sends.
      const successors = [...revision.keys()].filter(
        (n) => !base.has(n) && n.startsWith(`${where}.`),
      );
      const successor =
        successors.length === 1
          ? `; a new ${where} \`${String(revision.get(successors[0]!)?.name)}\` is`
          : "";
      out.add(
        "request-parameter-sent-removed",
        path,
        `the ${label} is no longer documented${successor}`,
      );
      continue;
    }
    if (!r) {
      out.judge(
        path,
        presence,
        (v) => (v.fits ? "request-parameter-removed" : "request-parameter-type-changed"),
        () => `the ${label} is no longer documented`,
      );
      continue;
    }
    if (!b) {
      const required = r.required === true;
      out.judge(
        path,
        presence,
        (v) => (v.fits ? "new-optional-request-parameter" : "new-required-request-parameter"),
        () => `a new ${required ? "required" : "optional"} ${where} \`${rName}\` is documented`,
      );
      continue;
    }
    if (bName !== rName) {
      out.add(
        "request-header-case-changed",
        `${path}.name`,
        `the header name \`${bName}\` → \`${rName}\` (case only)`,
      );
    }
    if ((b.required === true) !== (r.required === true)) {
      const now = r.required === true;
      out.judge(
        `${path}.required`,
        presence,
        (v) =>
          now
            ? v.fits
              ? "request-parameter-type-generalized"
              : "request-parameter-became-required"
            : v.fits
              ? "request-parameter-became-optional"
              : "request-parameter-type-changed",
        () => `the ${label} is now ${now ? "required" : "optional"}`,
      );
    }
    compareParameterSchema(
      out,
      path,
      label,
      asNode(b.schema),
      asNode(r.schema),
      slots.property(grp, bName, rName),
    );
    compareRest(out, path, `the ${label}`, b, r, ["schema", "required", "in", "name"]);
  }
}

function compareParameterSchema(
  out: Collector,
  path: string,
  label: string,
  base: Node,
  revision: Node,
  slot: Slot,
) {
  const typeChanged = SCHEMA_TYPE.some((k) => !deepEqual(base[k], revision[k]));
  const format = (s: Node) => (typeof s.format === "string" ? s.format : undefined);
  const [bFormat, rFormat] = [format(base), format(revision)];
  if (typeChanged || bFormat !== rFormat) {
    const concern = requestFormatConcern(bFormat, rFormat);
    out.judge(
      path + ".schema",
      checks.value("request", slot),
      (v) =>
        !v.fits
          ? "request-parameter-type-changed"
          : concern
            ? "request-parameter-format-changed"
            : "request-parameter-type-generalized",
      (v) => {
        const formats =
          bFormat !== rFormat ? ` (format ${bFormat ?? "none"} → ${rFormat ?? "none"})` : "";
        if (v.old !== v.new) return `the ${label}: ${v.old} → ${v.new}${formats}`;
        return `the ${label}: format ${bFormat ?? "none"} → ${rFormat ?? "none"}${concern ? "" : `, \`${v.new}\` in TypeScript either way`}`;
      },
    );
  }
  compareRest(out, `${path}.schema`, `the ${label}`, base, revision, [...SCHEMA_TYPE, "format"]);
}
