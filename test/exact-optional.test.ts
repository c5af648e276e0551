// The consumer type test: test/fixtures/strict-consumer.ts compiles with `strict` and
// `exactOptionalPropertyTypes`, where an option typed `?: T` alone would refuse `undefined` (TS2379).
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ts = createRequire(import.meta.url)("typescript") as typeof import("typescript");
const CONSUMER = fileURLToPath(new URL("./fixtures/strict-consumer.ts", import.meta.url));

/** The diagnostics of `file` compiled with `options` (other files' own diagnostics are not asked for). */
function diagnostics(file: string, options: import("typescript").CompilerOptions): string[] {
  const program = ts.createProgram([file], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    types: [],
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    resolveJsonModule: true,
    ...options,
  });
  const source = program.getSourceFile(file)!;
  return [
    ...program.getSyntacticDiagnostics(source),
    ...program.getSemanticDiagnostics(source),
  ].map((d) => `${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

describe("a strict consumer with exactOptionalPropertyTypes", { timeout: 60_000 }, () => {
  it("may pass undefined for every option, on the client, per call and in withOptions", () => {
    expect(diagnostics(CONSUMER, { strict: true, exactOptionalPropertyTypes: true })).toEqual([]);
  });
});
