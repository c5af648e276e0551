// Security requirements, compared by what they mean on the wire, not by the schemes' names. The
// types cannot see any of it, so these are rules: what the client sends for its version (its
// default key prefix included) either meets the new requirements or it does not.
import type { ApiVersion } from "../../../src/operations.ts";
import { credentialOf, describeCredential } from "./client.ts";
import type { Collector } from "./findings.ts";
import { asNode, brief, isNode, type Node } from "./util.ts";

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

/** The meaning used for matching: only header names are case-insensitive. */
export const sameMeaning = (scheme: unknown) => {
  const s = asNode(scheme);
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

/** Whether what the client sends (its credential for `version`) meets one scheme. */
function meets(scheme: unknown, version: ApiVersion): boolean {
  const s = asNode(scheme);
  const { header, prefix } = credentialOf(version);
  if (s.type === "apiKey") {
    return s.in === "header" && String(s.name).toLowerCase() === header.toLowerCase();
  }
  if (s.type === "http") return String(s.scheme).toLowerCase() === prefix.toLowerCase();
  return false; // OAuth 2 and OpenID Connect want a token the client never obtains
}

/** A requirement list is met when one requirement's schemes are all met; none listed needs nothing. */
function met(operation: Node, doc: Node, version: ApiVersion): boolean {
  const schemes = asNode(asNode(doc.components).securitySchemes);
  const list = Array.isArray(operation.security)
    ? operation.security
    : Array.isArray(doc.security)
      ? doc.security
      : [];
  const requirements = list.filter(isNode);
  return (
    requirements.length === 0 ||
    requirements.some((req) => Object.keys(req).every((name) => meets(schemes[name], version)))
  );
}

export function compareSecurity(
  out: Collector,
  base: { op: Node; doc: Node },
  revision: { op: Node; doc: Node },
) {
  const b = requirementsOf(base.op, base.doc);
  const r = requirementsOf(revision.op, revision.doc);
  const bKeys = new Set(b.map((x) => x.key));
  const rKeys = new Set(r.map((x) => x.key));
  const changed = r.some((x) => !bKeys.has(x.key)) || b.some((x) => !rKeys.has(x.key));
  const list = (reqs: Requirement[]) => reqs.map((x) => x.meaning).join("; or ") || "none";
  const sends = `the client sends ${describeCredential(out.version)}`;

  if (changed && !met(revision.op, revision.doc, out.version)) {
    out.add(
      "api-security-not-met",
      "security",
      `authentication changed from ${list(b)} to ${list(r)}, and ${sends}, which meets none of it`,
    );
  } else if (changed && r.length === 0) {
    out.add("api-security-removed", "security", "the operation no longer lists authentication");
  } else if (changed) {
    out.add(
      "api-security-changed",
      "security",
      `authentication changed from ${list(b)} to ${list(r)}, and ${sends}, which meets it`,
    );
  } else {
    const names = (reqs: Requirement[]) => reqs.map((x) => x.names).join(", ");
    if (names(b) !== names(r)) {
      out.add(
        "security-scheme-renamed",
        "security",
        `the security scheme ${names(b)} is now called ${names(r)} with the same meaning (${list(r)})`,
      );
    }
  }
}
