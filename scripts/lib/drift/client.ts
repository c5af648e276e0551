// What the client puts on the wire, read from src/ rather than restated: the parameters each
// operation sends (src/operations.ts) and the credential each version sends (src/options.ts).
// The wire rules compare the upstream's requirements with these facts.
import { DEFAULTS } from "../../../src/options.ts";
import { OPERATIONS, type ApiVersion, type OperationName } from "../../../src/operations.ts";
import { ORGANIZATION_HEADER } from "../../../src/spec.ts";

export interface SentParameter {
  in: string;
  name: string;
}

type WithParams = { params?: Record<string, SentParameter> };

/**
 * The spec parameters an operation sends when the caller asks: the table's `params` map once
 * src/operations.ts has one, else the Organization header balance sends today (src/spec.ts).
 */
export function sentParameters(name: OperationName): SentParameter[] {
  const params = (OPERATIONS[name] as WithParams).params;
  if (params) return Object.values(params);
  return name === "balance" ? [{ in: "header", name: ORGANIZATION_HEADER }] : [];
}

/** The key drift matches parameters by: header names are case-insensitive. */
export const parameterKey = (p: { in?: unknown; name?: unknown }) =>
  `${String(p.in)}.${p.in === "header" ? String(p.name).toLowerCase() : String(p.name)}`;

/** The credential a version sends by default: `Authorization: Bearer <key>` on v1, the bare key on v1alpha. */
export function credentialOf(version: ApiVersion): { header: string; prefix: string } {
  return { header: "Authorization", prefix: DEFAULTS.apiKeyPrefix[version] };
}

export const describeCredential = (version: ApiVersion) => {
  const { header, prefix } = credentialOf(version);
  return `\`${header}: ${prefix ? `${prefix} ` : ""}<key>\``;
};
