// Findings: what the report lists. A Collector gathers them for one operation; a judged finding
// waits for the compiler's verdict, which picks its rule (and so its level) and its wording.
import { createHash } from "node:crypto";
import type { ApiVersion } from "../../../src/operations.ts";
import type { Check, Verdict } from "./judge.ts";
import { LEVELS, RULES, type Level, type RuleId } from "./rules.ts";
import { capital } from "./util.ts";

export interface Finding {
  id: RuleId;
  level: Level;
  /** The API version whose vendored file was compared. */
  version: ApiVersion;
  /** `GET /v1alpha/user/balance`, or `document` for what applies to the whole subset. */
  operation: string;
  /** Where in the operation, e.g. `responses.200.application/json.schema.credits`. */
  path: string;
  /** What changed, then what it means for the client (the rule's explanation). */
  text: string;
  /** Stable across runs and wording changes: sha256 of id, version, operation and path. */
  fingerprint: string;
}

export const DOCUMENT = "document";

export function fingerprint(id: string, version: string, operation: string, path: string): string {
  return createHash("sha256").update(`${id}\0${version}\0${operation}\0${path}`).digest("hex");
}

interface Pending {
  path: string;
  check: Check;
  /** The rule for a verdict: usually one id when it fits, another when it does not. */
  pick: (verdict: Verdict) => RuleId;
  fact: (verdict: Verdict) => string;
}

/** A last check over a whole body: reported only when it fails and nothing under it already says so (WARN or ERR). */
interface Net {
  path: string;
  check: Check;
  id: RuleId;
  fact: (verdict: Verdict) => string;
}

export class Collector {
  private readonly ready: Finding[] = [];
  private readonly pending: Pending[] = [];
  private readonly nets: Net[] = [];
  constructor(
    readonly version: ApiVersion,
    readonly operation: string,
  ) {}

  /** A finding whose rule does not depend on types. `fact` says what changed. */
  add(id: RuleId, path: string, fact: string) {
    this.ready.push(this.finding(id, path, fact));
  }

  /** A finding the compiler decides: `pick` maps its verdict on `check` to a rule. */
  judge(path: string, check: Check, pick: Pending["pick"], fact: Pending["fact"]) {
    this.pending.push({ path, check, pick, fact });
  }

  /** Whether a judged change waits under `prefix` (documentation alone changes no type). */
  touched(prefix: string): boolean {
    const under = (p: string) => p === prefix || p.startsWith(`${prefix}.`);
    return this.pending.some((p) => under(p.path));
  }

  net(path: string, check: Check, id: RuleId, fact: Net["fact"]) {
    this.nets.push({ path, check, id, fact });
  }

  /** Every check still waiting for the compiler, in order. */
  get questions(): Check[] {
    return [...this.pending.map((p) => p.check), ...this.nets.map((n) => n.check)];
  }

  /** The findings, given one verdict per question (in the order of `questions`). */
  settle(verdicts: readonly Verdict[]): Finding[] {
    const out = [...this.ready];
    this.pending.forEach((p, i) => {
      const verdict = verdicts[i] ?? { fits: false, old: "", new: "" };
      out.push(this.finding(p.pick(verdict), p.path, p.fact(verdict)));
    });
    this.nets.forEach((n, i) => {
      const verdict = verdicts[this.pending.length + i] ?? { fits: false, old: "", new: "" };
      const under = (p: string) => p === n.path || p.startsWith(`${n.path}.`);
      if (verdict.fits || out.some((f) => f.level !== "INFO" && under(f.path))) return;
      out.push(this.finding(n.id, n.path, n.fact(verdict)));
    });
    return out;
  }

  private finding(id: RuleId, path: string, fact: string): Finding {
    const rule = RULES[id];
    return {
      id,
      level: rule.level,
      version: this.version,
      operation: this.operation,
      path,
      text: `${capital(fact)}; ${rule.explanation}.`,
      fingerprint: fingerprint(id, this.version, this.operation, path),
    };
  }
}

/** Report order: by operation (in `order`), then level (ERR first), then path and rule. */
export function sortFindings(findings: Finding[], order: readonly string[]): Finding[] {
  const rank = (f: Finding) => {
    const i = order.indexOf(f.operation);
    return i === -1 ? order.length : i;
  };
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
