// What the client puts on the wire, read from src/ rather than restated: the parameters each
// operation sends (src/operations.ts) and the credential each version sends (src/options.ts).
// The wire rules compare the upstream's requirements with these facts.
import { DEFAULTS } from "../../../src/options.ts";
import {
  OPERATIONS,
  type ApiVersion,
  type OperationEntry,
  type OperationName,
  type ParamBinding,
} from "../../../src/operations.ts";

/** The spec parameters an operation sends when the caller asks: the table's `params` bindings. */
export function sentParameters(name: OperationName): ParamBinding[] {
  return Object.values((OPERATIONS[name] as OperationEntry).params);
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
