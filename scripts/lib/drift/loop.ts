// The maintainer loop, run by drift in a scratch copy: vendor the upstream (the extraction
// `npm run vendor` does), generate (the functions `npm run generate` calls), and compile all of
// src/ with the candidate's generated files in place of src/generated/*. Its verdict is the one a
// maintainer would meet after regenerating, so it decides ERR for every type change.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ApiVersion } from "../../../src/operations.ts";
import { generateVersion } from "../generate.ts";
import { PIPELINE } from "../pipeline.ts";
import { UpstreamError } from "../upstream/error.ts";
import { extractClientSubset } from "../upstream/extract.ts";
import type { ReadLimits } from "../upstream/read.ts";
import type { OpenApiDocument } from "../upstream/parse.ts";
import { checkPatterns } from "../upstream/patterns.ts";
import { REPO_ROOT, compileSrc, sameDeclarations, type CompileError } from "./compile.ts";

export interface LoopInput {
  version: ApiVersion;
  /** The parsed upstream and where it came from (for relative `$ref`s and the provenance). */
  doc: OpenApiDocument;
  location: string;
  source: string;
  sha256: string;
  /** The vendored file compared against, relative to the working directory. */
  vendored: string;
  /** Bounds on every `$ref` read, as for the comparison. */
  limits?: Partial<ReadLimits>;
  /** Called once the compile, if the loop needs one, runs in the compiler's process. */
  onCompile?: () => void;
}

export interface Refusal {
  step: "vendor" | "generate";
  reason: string;
  /** Vendor refuses because operations are missing, which the walker reports as removed. */
  missing?: boolean;
}

export interface LoopVerdict {
  /** Which step refuses the upstream and why; then nothing was compiled. */
  refused?: Refusal;
  /** The compiler's messages for src/ (empty: it compiles). */
  errors: CompileError[];
  /** False when the candidate declares exactly what the vendored file does, so no compile was needed. */
  compiled: boolean;
  /** The generated files' texts by their path in src/generated/, vendored and candidate. */
  generated?: { base: Map<string, string>; candidate: Map<string, string> };
}

/** The vendored file `npm run vendor` would write for this upstream, as text. */
async function vendorText(input: LoopInput): Promise<string | { refused: Refusal }> {
  const extracted = await extractClientSubset(input.doc, {
    version: input.version,
    location: input.location,
    allowMissing: true,
    ...(input.limits ? { limits: input.limits } : {}),
  });
  // Vendor refuses a document without the client's operations; the walker reports them as removed.
  if (extracted.missing.length > 0) {
    const reason = `${extracted.missing.join(", ")} missing`;
    return { refused: { step: "vendor", reason, missing: true } };
  }
  try {
    checkPatterns(extracted.subset, input.location);
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    return { refused: { step: "vendor", reason: firstLine(error) } };
  }
  const output = {
    ...extracted.subset,
    "x-provenance": {
      source: input.source,
      sha256: input.sha256,
      note: "Written by `npm run vendor` (scripts/vendor.ts); do not edit by hand.",
    },
  };
  return `${JSON.stringify(output, null, 2)}\n`;
}

/** The generated files for a vendored text, keyed by their path in this repository. */
async function generated(version: ApiVersion, spec: { text?: string; file?: string }) {
  let scratch: string | undefined;
  try {
    let options: Parameters<typeof generateVersion>[1] = { spec: spec.file };
    if (spec.text !== undefined) {
      scratch = await mkdtemp(path.join(tmpdir(), "drift-"));
      await mkdir(path.join(scratch, "openapi"));
      await writeFile(path.join(scratch, PIPELINE[version].vendored), spec.text);
      options = { root: scratch };
    }
    const files = await generateVersion(version, options);
    return new Map(
      files.map(([file, text]) => [
        path.join(REPO_ROOT, "src", "generated", path.basename(file)),
        text,
      ]),
    );
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The generated files the client compiles with today: src/generated/ as committed when the
 * vendored file is the pipeline's own (npm test holds them to what generate writes), which spares
 * a generation; else what generate writes for the vendored file given.
 */
async function baseFiles(version: ApiVersion, vendored: string): Promise<Map<string, string>> {
  const { vendored: own, types, validators, examples, operations } = PIPELINE[version];
  if (path.resolve(vendored) !== path.resolve(REPO_ROOT, own))
    return generated(version, { file: vendored });
  const files = [types, validators, examples, operations].map((file) => path.join(REPO_ROOT, file));
  return new Map(
    await Promise.all(files.map(async (f) => [f, await readFile(f, "utf8")] as const)),
  );
}

const firstLine = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";

/** A vendored file's subset without its provenance, as text; undefined when it is not JSON. */
function subsetText(text: string): string | undefined {
  try {
    const { "x-provenance": _provenance, ...subset } = JSON.parse(text) as Record<string, unknown>;
    return JSON.stringify(subset);
  } catch {
    return undefined;
  }
}

export async function maintainerLoop(input: LoopInput): Promise<LoopVerdict> {
  const text = await vendorText(input);
  if (typeof text !== "string") return { ...text, errors: [], compiled: false };
  // The same subset as the vendored file: generate reads nothing else but the provenance, which only
  // its banner names, so it would write the same declarations and there is nothing to compile.
  const vendored = await readFile(input.vendored, "utf8").catch(() => undefined);
  const candidateSubset = subsetText(text);
  if (
    candidateSubset !== undefined &&
    vendored !== undefined &&
    subsetText(vendored) === candidateSubset
  )
    return { errors: [], compiled: false };
  const base = await baseFiles(input.version, input.vendored);
  let candidate: Map<string, string>;
  try {
    candidate = await generated(input.version, { text });
  } catch (error) {
    // generate refuses what it cannot turn into code; so would `npm run generate`.
    const refused = { step: "generate", reason: firstLine(error) } as const;
    return { refused, errors: [], compiled: false };
  }
  const same = [...candidate].every(([file, t]) => {
    const b = base.get(file);
    return b !== undefined && sameDeclarations(comparable(file, b), comparable(file, t));
  });
  const generatedFiles = { base, candidate };
  if (same) return { errors: [], compiled: false, generated: generatedFiles };
  try {
    const compiling = compileSrc(REPO_ROOT, candidate);
    input.onCompile?.();
    const errors = await compiling;
    return { errors, compiled: true, generated: generatedFiles };
  } catch (error) {
    throw new UpstreamError(`cannot compile src/ (${firstLine(error)})`);
  }
}

/**
 * A generated file as far as its importers can tell: without the banner (it names the source's
 * sha256), and for Ajv's validators without the schema copies Ajv keeps in module-private
 * `const schemaN = {…}` (descriptions and examples among them), which no exported type reads.
 */
function comparable(file: string, text: string): string {
  const body = text.replace(/^(\/\/[^\n]*\n)+/, "");
  return file.endsWith(".validators.ts")
    ? body.replace(/^const (schema\d+) = .*;$/gm, "const $1 = {};")
    : body;
}

/** One line for drift's progress on stderr. */
export function describeVerdict(verdict: LoopVerdict): string {
  if (verdict.refused) return `${verdict.refused.step} refuses it: ${verdict.refused.reason}`;
  if (!verdict.compiled)
    return "the generated files declare what the vendored ones do, no compile needed";
  const n = verdict.errors.length;
  return n === 0 ? "src/ compiles" : `src/ does not compile (${n} error${n === 1 ? "" : "s"})`;
}
