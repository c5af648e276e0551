// How drift reads the native compiler's output (scripts/lib/drift/compile.ts). That its verdicts
// equal TypeScript 5.9's on every edit is test/drift-loop.test.ts's part.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseDiagnostics } from "../scripts/lib/drift/compile.ts";

const cwd = path.resolve("/scratch/drift-compile-1");
const listed = (file: string) => path.join(cwd, file);

describe("the compiler's output", () => {
  it("becomes one error per diagnostic, its indented lines joined to its message", () => {
    const output = [
      "src/cli/check.ts(62,7): error TS2345: Argument of type 'string' is not assignable.",
      "  Type 'string' is not assignable to type 'number'.",
      "    Deeper detail.",
      "src/spec.ts(176,3): error TS2344: Type 'x' does not satisfy the constraint 'true'.",
      "",
    ].join("\r\n");
    expect(parseDiagnostics(output, cwd)).toEqual([
      {
        file: "src/cli/check.ts",
        line: 62,
        code: 2345,
        message:
          "Argument of type 'string' is not assignable.\nType 'string' is not assignable to type 'number'.\nDeeper detail.",
      },
      {
        file: "src/spec.ts",
        line: 176,
        code: 2344,
        message: "Type 'x' does not satisfy the constraint 'true'.",
      },
    ]);
  });

  it("lists them in the program's order of files, as tsc 5.9 does, global ones first", () => {
    const output = [
      "src/cli/check.ts(62,7): error TS2345: In the CLI.",
      "src/spec.ts(176,3): error TS2344: In the binding.",
      "src/spec.ts(12,1): error TS2304: Earlier in the binding, reported later.",
      "error TS2688: Cannot find type definition file for 'node'.",
      listed("src/generated/v1.ts"),
      listed("src/spec.ts"),
      listed("src/cli/check.ts"),
    ].join("\n");
    expect(parseDiagnostics(output, cwd).map((e) => `${e.file}:${e.line} TS${e.code}`)).toEqual([
      ":0 TS2688",
      "src/spec.ts:176 TS2344",
      "src/spec.ts:12 TS2304",
      "src/cli/check.ts:62 TS2345",
    ]);
  });

  it("reads a clean compile, which lists only files, as no error", () => {
    expect(parseDiagnostics([listed("src/index.ts"), ""].join("\n"), cwd)).toEqual([]);
  });
});
