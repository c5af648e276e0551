// Responses: statuses, media types, and each body through the schema walker. The compiler checks
// every body the walker found a change in, so a change no rule describes still gets its verdict.
// Only a success body the client can no longer read as JSON is ERR here; whether src/ still
// compiles with the new types, the maintainer loop decides (scripts/lib/drift/loop.ts).
import type { Collector } from "./findings.ts";
import { checks, slots, type Slot } from "./judge.ts";
import { compareRest } from "./rest.ts";
import { compareResponseSchema } from "./schema.ts";
import { asNode, isNode, type Node } from "./util.ts";

const isSuccess = (status: string) => /^2(\d\d|XX)$/i.test(status);
const JSON_MEDIA = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;
const CLIENT_MEDIA = "application/json";

/** Builds the slot of a status's body under a media type, in the old and the new types. */
export type BodySlot = (status: string, media: { old: string; new: string }) => Slot;

export function compareResponses(out: Collector, base: Node, revision: Node, body: BodySlot) {
  for (const status of [...new Set([...Object.keys(base), ...Object.keys(revision)])].sort()) {
    const path = `responses.${status}`;
    const success = isSuccess(status);
    if (!(status in revision)) {
      if (success) {
        out.add(
          "response-success-status-removed",
          path,
          `the ${status} response is no longer documented`,
        );
      } else {
        out.add(
          "response-non-success-status-removed",
          path,
          `the ${status} response is no longer documented`,
        );
      }
    } else if (!(status in base)) {
      out.add(
        success ? "response-success-status-added" : "response-non-success-status-added",
        path,
        `a ${status} response is now documented`,
      );
    } else {
      compareResponse(out, status, asNode(base[status]), asNode(revision[status]), body);
    }
  }
}

/**
 * Pairs the client's `application/json` with the one JSON variant that replaced it
 * (`application/json; charset=utf-8`), so a renamed media type is one finding, not two.
 */
function pairMedia(base: Node, revision: Node): [string, string][] {
  const pairs: [string, string][] = Object.keys(base)
    .filter((m) => m in revision)
    .map((m) => [m, m]);
  if (CLIENT_MEDIA in base && !(CLIENT_MEDIA in revision)) {
    const replacements = Object.keys(revision).filter((m) => !(m in base) && JSON_MEDIA.test(m));
    if (replacements.length === 1) pairs.push([CLIENT_MEDIA, replacements[0]!]);
  }
  return pairs.sort(([a], [b]) => a.localeCompare(b));
}

function compareResponse(
  out: Collector,
  status: string,
  base: Node,
  revision: Node,
  body: BodySlot,
) {
  const bContent = asNode(base.content);
  const rContent = asNode(revision.content);
  const pairs = pairMedia(bContent, rContent);
  const paired = (side: 0 | 1, media: string) => pairs.some((pair) => pair[side] === media);

  // The client reads a success body as JSON; an error body it reads whatever its media type.
  const success = isSuccess(status);
  const jsonLeft = Object.keys(rContent).some((m) => JSON_MEDIA.test(m));
  for (const media of Object.keys(bContent).sort()) {
    if (paired(0, media)) continue;
    out.add(
      !success
        ? "response-error-media-type-changed"
        : JSON_MEDIA.test(media) && !jsonLeft
          ? "response-media-type-removed"
          : "response-media-type-dropped",
      `responses.${status}.${media}`,
      `the ${status} response no longer offers ${media}`,
    );
  }
  for (const [bMedia, rMedia] of pairs) {
    const prefix = `responses.${status}.${bMedia}`;
    if (bMedia !== rMedia) {
      out.add(
        success ? "response-media-type-changed" : "response-error-media-type-changed",
        prefix,
        `the ${status} media type is now \`${rMedia}\` (still JSON); the generated validator looks up \`${bMedia}\``,
      );
    }
    const slot = body(status, { old: bMedia, new: rMedia });
    const b = asNode(bContent[bMedia]);
    const r = asNode(rContent[rMedia]);
    const schemaPath = `${prefix}.schema`;
    if (isNode(b.schema) && isNode(r.schema)) {
      compareResponseSchema(out, { path: schemaPath, name: "", status, slot }, b.schema, r.schema);
      if (out.touched(schemaPath)) {
        out.net(
          schemaPath,
          checks.whole("response", slot),
          "response-property-type-changed",
          (v) => `the ${status} response body: ${v.old} → ${v.new}`,
        );
      }
    } else if (isNode(b.schema) || isNode(r.schema)) {
      const removed = isNode(b.schema);
      out.judge(
        schemaPath,
        checks.whole("response", slot),
        (v) =>
          removed
            ? v.fits
              ? "response-property-type-compatible"
              : "response-body-schema-removed"
            : v.fits
              ? "response-body-schema-added"
              : "response-property-type-changed",
        () => `the ${status} ${rMedia} response ${removed ? "no longer has" : "now has"} a schema`,
      );
    }
    compareRest(out, prefix, `the ${status} ${bMedia} response`, b, r, ["schema"]);
  }
  for (const media of Object.keys(rContent).sort()) {
    if (paired(1, media)) continue;
    out.add(
      "response-media-type-added",
      `responses.${status}.${media}`,
      `the ${status} response may now be ${media}`,
    );
  }
  compareRest(out, `responses.${status}`, `the ${status} response`, base, revision, ["content"]);
}

export const bodySlot =
  (path: string, method: string): BodySlot =>
  (status, media) =>
    slots.operation(path, method, {
      old: ["responses", status, "content", media.old],
      new: ["responses", status, "content", media.new],
    });
