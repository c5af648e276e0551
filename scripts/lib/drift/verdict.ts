// The maintainer loop's verdict as findings: the compile's diagnostics (ERR), a refusal by vendor
// or generate (ERR), and the exported type names users lose (WARN).
import type { ApiVersion } from "../../../src/operations.ts";
import { PIPELINE } from "../pipeline.ts";
import { describeError } from "./compile.ts";
import { Collector, DOCUMENT, type Finding } from "./findings.ts";
import type { LoopVerdict } from "./loop.ts";
import { keyChanges } from "./type-keys.ts";

/** How many diagnostics a finding lists before it says how many more there are, and how long each. */
const SHOWN = 8;
const brief = (line: string, max = 200) =>
  line.length > max ? `${line.slice(0, max - 1)}…` : line;

export function verdictFindings(verdict: LoopVerdict, version: ApiVersion): Finding[] {
  const out = new Collector(version, DOCUMENT);
  const refused = verdict.refused;
  if (refused && !refused.missing) {
    out.add(
      refused.step === "generate" ? "generate-refused" : "vendor-refused",
      refused.step,
      `\`npm run ${refused.step}\` refuses the upstream: ${refused.reason}`,
    );
  }
  if (verdict.errors.length > 0) {
    const listed = verdict.errors.slice(0, SHOWN).map((e) => brief(describeError(e)));
    const more = verdict.errors.length - listed.length;
    out.add(
      "compile-failed",
      "typecheck",
      `after vendor and generate, src/ does not compile (${verdict.errors.length} error${verdict.errors.length === 1 ? "" : "s"}): ${listed.join("; ")}${more > 0 ? `; and ${more} more` : ""}`,
    );
  }
  const types = verdict.generated && typesFile(verdict.generated, version);
  if (types) {
    const { removed, added } = keyChanges(types.base, types.candidate);
    if (removed.length > 0) {
      out.add(
        "exported-type-key-removed",
        "exported types",
        `the generated types no longer declare ${removed.join(", ")}${added.length > 0 ? ` (new: ${added.join(", ")})` : ""}`,
      );
    }
  }
  return out.settle([]);
}

function typesFile(generated: NonNullable<LoopVerdict["generated"]>, version: ApiVersion) {
  const name = (file: string) => file.split(/[\\/]/).pop();
  const wanted = name(PIPELINE[version].types);
  const pick = (files: Map<string, string>) =>
    [...files].find(([file]) => name(file) === wanted)?.[1];
  const [base, candidate] = [pick(generated.base), pick(generated.candidate)];
  return base !== undefined && candidate !== undefined ? { base, candidate } : undefined;
}
