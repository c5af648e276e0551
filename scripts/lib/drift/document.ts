// The operation as a whole and the document around it, and compareSubsets, which puts every
// module together: normalise both subsets, walk them, then let the compiler judge what it must.
import { operationsOf, type ApiVersion, type OperationName } from "../../../src/operations.ts";
import { describeElsewhere, extractClientSubset, type ElsewhereHint } from "../upstream/extract.ts";
import type { OpenApiDocument } from "../upstream/parse.ts";
import type { ReadLimits } from "../upstream/read.ts";
import type { BrokenRef } from "../upstream/refs.ts";
import { parameterKey, sentParameters } from "./client.ts";
import { Collector, DOCUMENT, sortFindings, type Finding } from "./findings.ts";
import { judge, slots } from "./judge.ts";
import { normaliseSubset } from "./normalise.ts";
import { compareParameters, parametersOf } from "./parameters.ts";
import { bodySlot, compareResponses } from "./responses.ts";
import { compareRest } from "./rest.ts";
import { compareSecurity, sameMeaning } from "./security.ts";
import { otherPrefix, successorOf } from "./successor.ts";
import { asNode, brief, deepEqual, isNode, sortedKeys, type Node } from "./util.ts";

/** One side of a comparison: a client subset as extractClientSubset returns it. */
export interface Subset {
  /** Bundled, `$ref`s kept, extensions dropped: what openapi-typescript reads. */
  subset: OpenApiDocument;
  /** The client's operations the document lacks. */
  missing: string[];
  elsewhere?: ElsewhereHint;
  /** The whole parsed document, where missing operations are looked for. */
  document?: OpenApiDocument;
  /** References outside the client's operations that do not resolve (the extraction skips them). */
  brokenRefs?: BrokenRef[];
}

/** A parsed document → the subset drift compares (the same extraction as vendoring). */
export async function subsetOf(
  doc: OpenApiDocument,
  location: string,
  version: ApiVersion,
  limits?: Partial<ReadLimits>,
): Promise<Subset> {
  const extracted = await extractClientSubset(doc, {
    version,
    location,
    allowMissing: true,
    dropExtensions: true,
    ...(limits ? { limits } : {}),
  });
  return { ...extracted, document: doc };
}

/** The client's operations of a version in report order, then `document`. */
export const operationOrder = (version: ApiVersion) => [
  ...operationsOf(version).map((op) => op.key),
  DOCUMENT,
];

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

interface Side {
  item: Node;
  op: Node;
  doc: Node;
}

function compareOperation(
  out: Collector,
  spec: { name: OperationName; path: string; method: string },
  base: Side,
  revision: Side,
) {
  const { path, method } = spec;
  const b = base.op;
  const r = revision.op;
  compareParameters(
    out,
    parametersOf(base.item, b),
    parametersOf(revision.item, r),
    slots.operation(path, method, { old: ["parameters"], new: ["parameters"] }),
    new Set(sentParameters(spec.name).map(parameterKey)),
  );
  compareResponses(out, asNode(b.responses), asNode(r.responses), bodySlot(path, method));
  compareSecurity(out, base, revision);

  if (b.deprecated !== true && r.deprecated === true) {
    out.add("endpoint-deprecated", "deprecated", "the operation is now deprecated");
  } else if (b.deprecated === true && r.deprecated !== true) {
    out.add("endpoint-reactivated", "deprecated", "the operation is no longer deprecated");
  }

  if (!isNode(b.requestBody) && isNode(r.requestBody)) {
    const required = r.requestBody.required === true;
    out.add(
      required ? "request-body-added-required" : "request-body-added-optional",
      "requestBody",
      `the operation now ${required ? "requires" : "accepts an optional"} request body`,
    );
  } else if (!deepEqual(b.requestBody, r.requestBody)) {
    out.add(
      "unclassified-change",
      "requestBody",
      `the request body changed from ${brief(b.requestBody)} to ${brief(r.requestBody)}`,
    );
  }

  if (b.operationId !== r.operationId) {
    if (typeof b.operationId === "string") {
      out.add(
        "api-operation-id-removed",
        "operationId",
        `the operationId changed from ${brief(b.operationId)} to ${brief(r.operationId)}`,
      );
    } else {
      out.add(
        "api-operation-id-added",
        "operationId",
        `the operation now has the operationId ${brief(r.operationId)}`,
      );
    }
  }
  for (const key of ["summary", "description"] as const) {
    if (!deepEqual(b[key], r[key])) {
      out.add(
        key === "summary" ? "api-summary-changed" : "api-description-changed",
        key,
        `the operation's ${key} changed`,
      );
    }
  }
  const bTags = new Set(Array.isArray(b.tags) ? b.tags.map(String) : []);
  const rTags = new Set(Array.isArray(r.tags) ? r.tags.map(String) : []);
  for (const tag of [...rTags].filter((t) => !bTags.has(t)).sort()) {
    out.add("api-tag-added", `tags.${tag}`, `the operation gained the tag ${tag}`);
  }
  for (const tag of [...bTags].filter((t) => !rTags.has(t)).sort()) {
    out.add("api-tag-removed", `tags.${tag}`, `the operation lost the tag ${tag}`);
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
      `the API's server changed from ${origin(base) ?? "none"} to ${origin(revision) ?? "none"}`,
    );
  }
  if (base.openapi !== revision.openapi) {
    out.add(
      "api-info-changed",
      "openapi",
      `the document's OpenAPI version changed from ${brief(base.openapi)} to ${brief(revision.openapi)}`,
    );
  }
  const bInfo = asNode(base.info);
  const rInfo = asNode(revision.info);
  for (const key of sortedKeys(bInfo, rInfo)) {
    if (deepEqual(bInfo[key], rInfo[key])) continue;
    out.add(
      "api-info-changed",
      `info.${key}`,
      `the document's info.${key} changed from ${brief(bInfo[key])} to ${brief(rInfo[key])}`,
    );
  }
  const tags = (doc: Node) =>
    new Map(
      (Array.isArray(doc.tags) ? doc.tags : [])
        .filter(isNode)
        .map((t) => [String(t.name), t] as const),
    );
  const rTags = tags(revision);
  for (const [name, tag] of tags(base)) {
    const other = rTags.get(name);
    if (other) compareRest(out, `tags.${name}`, `the tag ${name}`, tag, other, ["name"]);
  }
  // Scheme documentation (the meaning is compared per operation, under security).
  const schemes = (doc: Node) => asNode(asNode(doc.components).securitySchemes);
  const rByMeaning = new Map(Object.values(schemes(revision)).map((s) => [sameMeaning(s), s]));
  for (const [name, s] of Object.entries(schemes(base)).sort(([x], [y]) => x.localeCompare(y))) {
    const match = rByMeaning.get(sameMeaning(s));
    if (!match) continue;
    compareRest(
      out,
      `securitySchemes.${name}`,
      `the security scheme ${name}`,
      asNode(s),
      asNode(match),
      ["type", "in", "name", "scheme", "flows", "openIdConnectUrl"],
    );
  }
}

/**
 * Compares a version's vendored subset (`base`) with the upstream's (`revision`). Findings come in
 * report order: by operation, then level (ERR first), then path.
 */
export async function compareSubsets(
  base: Subset,
  revision: Subset,
  version: ApiVersion,
): Promise<Finding[]> {
  const b = normaliseSubset(base.subset);
  const r = normaliseSubset(revision.subset);
  const bPaths = asNode(b.paths);
  const rPaths = asNode(r.paths);
  const collectors: Collector[] = [];
  const doc = new Collector(version, DOCUMENT);

  const allMissing = revision.missing.length === operationsOf(version).length;
  const prefix =
    allMissing && revision.document ? otherPrefix(revision.document, version) : undefined;
  if (allMissing && (revision.elsewhere || prefix)) {
    // A document for another version: one finding that says so, not "removed" per operation.
    // Its info, tags and servers are another version's, so they are not compared either.
    doc.add(
      "api-under-other-version",
      "paths",
      revision.elsewhere
        ? describeElsewhere(revision.elsewhere, version)
        : `this upstream describes the client's operations under \`${prefix}\`, a version the client does not speak; the client targets \`/${version}\` here`,
    );
  } else {
    for (const spec of operationsOf(version)) {
      const method = spec.method.toLowerCase();
      const out = new Collector(version, spec.key);
      collectors.push(out);
      const bItem = asNode(bPaths[spec.path]);
      const rItem = asNode(rPaths[spec.path]);
      const bOp = bItem[method];
      const rOp = rItem[method];
      if (!isNode(bOp)) continue; // the vendored file lacks it: vendor refuses that, so never here
      if (!isNode(rOp)) {
        const deprecated = bOp.deprecated === true;
        const successor = revision.document && successorOf(revision.document, bOp, spec.key);
        out.add(
          deprecated ? "api-removed-with-deprecation" : "api-removed-without-deprecation",
          "",
          `the upstream no longer describes ${spec.key}${deprecated ? " (it was deprecated)" : ", and it was never deprecated"}` +
            (successor ? `; it likely moved to ${successor}` : ""),
        );
        continue;
      }
      compareOperation(
        out,
        { name: spec.name, path: spec.path, method },
        { item: bItem, op: bOp, doc: b },
        { item: rItem, op: rOp, doc: r },
      );
    }
    compareDocument(doc, b, r);
  }
  for (const broken of revision.brokenRefs ?? []) {
    doc.add(
      "broken-ref-outside-client",
      broken.at,
      `the reference ${brief(broken.ref, 120)} at ${brief(broken.at, 120)} does not resolve` +
        (broken.reason ? ` (${broken.reason.slice(0, 120)})` : ""),
    );
  }
  collectors.push(doc);

  const questions = collectors.map((c) => c.questions);
  const verdicts = await judge(base.subset, revision.subset, questions.flat());
  let at = 0;
  const findings = collectors.flatMap((c, i) => {
    const mine = verdicts.slice(at, (at += questions[i]!.length));
    return c.settle(mine);
  });
  return sortFindings(findings, operationOrder(version));
}
