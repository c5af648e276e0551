// The keys no specific rule looked at: documentation becomes INFO, anything else
// `unclassified-change`, so no difference goes unreported. Inside a schema the compiler still
// judges it: a keyword no rule knows may change the generated type.
import type { Collector } from "./findings.ts";
import { checks, type Side, type Slot } from "./judge.ts";
import type { RuleId } from "./rules.ts";
import { brief, deepEqual, sortedKeys, type Node } from "./util.ts";

const ANNOTATIONS: Record<string, RuleId> = {
  description: "description-changed",
  summary: "description-changed",
  title: "description-changed",
  externalDocs: "description-changed",
  example: "example-changed",
  examples: "example-changed",
};

export const BREAKING: Record<Side, RuleId> = {
  response: "response-property-type-changed",
  request: "request-parameter-type-changed",
};

export function compareRest(
  out: Collector,
  path: string,
  what: string,
  base: Node,
  revision: Node,
  handled: readonly string[],
  judged?: { side: Side; slot: Slot },
) {
  for (const key of sortedKeys(base, revision)) {
    if (handled.includes(key) || deepEqual(base[key], revision[key])) continue;
    const where = `${path}.${key}`;
    const annotation = ANNOTATIONS[key];
    const change = `the ${key} of ${what} changed from ${brief(base[key])} to ${brief(revision[key])}`;
    if (annotation) {
      out.add(annotation, where, `the ${key} of ${what} changed`);
    } else if (judged) {
      out.judge(
        where,
        checks.whole(judged.side, judged.slot),
        (v) => (v.fits ? "unclassified-change" : BREAKING[judged.side]),
        (v) => (v.fits ? change : `${what}: ${v.old} → ${v.new} (its ${key} changed)`),
      );
    } else {
      out.add("unclassified-change", where, change);
    }
  }
}
