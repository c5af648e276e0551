// Where a missing operation went: the version prefix a document describes the client's operations
// under (`/v1beta`), and the likely new place of one operation (same operationId, or the same tags
// and summary). Both only make reports say more; neither changes a level.
import { OPERATIONS, operationKey, type ApiVersion } from "../../../src/operations.ts";
import { serverBase } from "../upstream/extract.ts";
import type { OpenApiDocument } from "../upstream/parse.ts";
import { asNode, isNode, type Node } from "./util.ts";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

interface Described {
  key: string;
  path: string;
  op: Node;
}

/** Every operation a document describes, under its full URL path (server base path folded in). */
function operationsIn(doc: OpenApiDocument): Described[] {
  const { basePath } = serverBase(doc);
  const out: Described[] = [];
  for (const [p, item] of Object.entries(asNode(doc.paths))) {
    if (!isNode(item)) continue;
    const full = basePath + p.replace(/\/+$/, "");
    for (const method of METHODS) {
      const op = item[method];
      if (isNode(op)) out.push({ key: operationKey(method, full), path: full, op });
    }
  }
  return out;
}

/**
 * The prefix other than `/<version>` under which the document describes every one of the client's
 * operations (`/v1beta`), or undefined.
 */
export function otherPrefix(doc: OpenApiDocument, version: ApiVersion): string | undefined {
  const described = operationsIn(doc).map((d) => d.key);
  let found: string | undefined;
  for (const { method, path } of Object.values(OPERATIONS)) {
    const pattern = new RegExp(
      `^${method} (/[^/]+)${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`,
    );
    const prefixes = described
      .map((k) => pattern.exec(k)?.[1])
      .filter((p): p is string => p !== undefined && p !== `/${version}`);
    if (prefixes.length === 0 || (found !== undefined && !prefixes.includes(found)))
      return undefined;
    found ??= prefixes[0];
  }
  return found;
}

const tagsOf = (op: Node) =>
  (Array.isArray(op.tags) ? op.tags.map(String) : []).sort().join("\u0000");

/**
 * The one operation of `doc` that is likely `gone`'s new place: the same operationId, else the
 * same non-empty tags and summary. Undefined when there is none or more than one.
 */
export function successorOf(doc: OpenApiDocument, gone: Node, goneKey: string): string | undefined {
  const candidates = operationsIn(doc).filter((d) => d.key !== goneKey);
  const byId =
    typeof gone.operationId === "string"
      ? candidates.filter((d) => d.op.operationId === gone.operationId)
      : [];
  if (byId.length === 1) return byId[0]!.key;
  if (typeof gone.summary !== "string" || tagsOf(gone) === "") return undefined;
  const bySummary = candidates.filter(
    (d) => d.op.summary === gone.summary && tagsOf(d.op) === tagsOf(gone),
  );
  return bySummary.length === 1 ? bySummary[0]!.key : undefined;
}
