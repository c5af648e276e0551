// The maintainer's compile, in memory: every src/**/*.ts file tsconfig.json includes, type-checked
// with the project's options, with candidate generated files served in place of src/generated/*.
// Nothing on disk changes. The files are found from tsconfig.json, never listed here, so a module
// added to src/ is checked as soon as it exists. Within one process the parsed files and the last
// builder program are kept, so a second compile (the other version, the next test) re-checks only
// what the substituted files reach; across runs, a verdict is kept per exact input.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type {
  CompilerHost,
  Diagnostic,
  ParsedCommandLine,
  SemanticDiagnosticsBuilderProgram,
  SourceFile,
} from "typescript";

// require(), not import: an ES import makes Node scan typescript.js's 9 MB for export names (~0.5 s).
const load = () => createRequire(import.meta.url)("typescript") as typeof import("typescript");

/** One compiler message, its file relative to the repository root (`src/cli.ts`). */
export interface CompileError {
  file: string;
  line: number;
  code: number;
  message: string;
}

/** "src/cli.ts:123 TS2365 Operator '<' cannot be applied …" (the first line of the message). */
export const describeError = (e: CompileError) =>
  `${e.file || "(global)"}${e.line ? `:${e.line}` : ""} TS${e.code} ${e.message.split("\n")[0] ?? ""}`;

interface Compiler {
  ts: typeof import("typescript");
  parsed: ParsedCommandLine;
  rootNames: string[];
  sourceFiles: Map<string, SourceFile>;
  previous?: SemanticDiagnosticsBuilderProgram;
}

const compilers = new Map<string, Compiler>();

function compilerFor(root: string): Compiler {
  const known = compilers.get(root);
  if (known) return known;
  const ts = load();
  let failure: string | undefined;
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(root, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        failure = ts.flattenDiagnosticMessageText(d.messageText, " ");
      },
    },
  );
  if (!parsed || failure) throw new Error(`tsconfig.json: ${failure ?? "cannot be read"}`);
  const srcDir = path.join(root, "src") + path.sep;
  const rootNames = parsed.fileNames.filter((f) => path.resolve(f).startsWith(srcDir));
  if (rootNames.length === 0) throw new Error("tsconfig.json includes no file under src/");
  const compiler = { ts, parsed, rootNames, sourceFiles: new Map<string, SourceFile>() };
  compilers.set(root, compiler);
  return compiler;
}

/**
 * Type-checks `root`'s src/ with `replacements` (absolute path → text) served instead of the files
 * on disk, and returns every diagnostic, files relative to `root`.
 */
export function compileSrc(
  root: string,
  replacements: ReadonlyMap<string, string>,
): CompileError[] {
  const c = compilerFor(root);
  const cache = cacheFile(root, c, replacements);
  try {
    return JSON.parse(readFileSync(cache, "utf8")) as CompileError[];
  } catch {
    const errors = compile(root, c, replacements);
    try {
      mkdirSync(path.dirname(cache), { recursive: true });
      writeFileSync(cache, JSON.stringify(errors));
    } catch {
      // A cache that cannot be written only costs the next run a compile.
    }
    return errors;
  }
}

/**
 * Where the verdict for exactly these inputs is kept: a hash of every src/ text (replacements
 * applied), tsconfig.json, package.json (its "type" decides module resolution) and
 * package-lock.json (which pins the compiler and every typing), so a repeated run skips a compile
 * that could only give the same answer.
 */
function cacheFile(root: string, c: Compiler, replacements: ReadonlyMap<string, string>): string {
  const hash = createHash("sha256");
  for (const file of [...c.rootNames, "tsconfig.json", "package.json", "package-lock.json"]) {
    const absolute = path.resolve(root, file);
    hash.update(
      `${absolute}\0${replacements.get(absolute) ?? c.ts.sys.readFile(absolute) ?? ""}\0`,
    );
  }
  return path.join(root, "node_modules", ".cache", "drift", `${hash.digest("hex")}.json`);
}

function compile(
  root: string,
  c: Compiler,
  replacements: ReadonlyMap<string, string>,
): CompileError[] {
  const { ts } = c;
  const base = ts.createIncrementalCompilerHost(c.parsed.options);
  const read = (name: string) => replacements.get(path.resolve(name)) ?? ts.sys.readFile(name);
  const host: CompilerHost = {
    ...base,
    fileExists: (name) => replacements.has(path.resolve(name)) || base.fileExists(name),
    readFile: read,
    getSourceFile(fileName, languageVersion) {
      const cached = c.sourceFiles.get(fileName);
      // node_modules does not change during a run: parsed once (the DOM and Node typings are most of it).
      if (cached && fileName.includes(`${path.sep}node_modules${path.sep}`)) return cached;
      const text = read(fileName);
      if (text === undefined) return undefined;
      if (cached?.text === text) return cached;
      const file = ts.createSourceFile(fileName, text, languageVersion);
      // A builder program tells changed files by this version, as an incremental host sets it.
      (file as { version?: string }).version = createHash("sha256").update(text).digest("hex");
      c.sourceFiles.set(fileName, file);
      return file;
    },
  };
  const builder = ts.createSemanticDiagnosticsBuilderProgram(
    c.rootNames,
    c.parsed.options,
    host,
    c.previous,
  );
  c.previous = builder;
  const diagnostics: readonly Diagnostic[] = [
    ...builder.getOptionsDiagnostics(),
    ...builder.getGlobalDiagnostics(),
    ...builder.getSyntacticDiagnostics(),
    ...builder.getSemanticDiagnostics(),
  ];
  return diagnostics.map((d) => ({
    file: d.file ? path.relative(root, d.file.fileName).split(path.sep).join("/") : "",
    line:
      d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
    code: d.code,
    message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
  }));
}

/**
 * Whether two versions of a generated file declare the same thing: equal once comments and layout
 * are gone. Descriptions and examples in doc comments then need no compile.
 */
export function sameDeclarations(a: string, b: string): boolean {
  if (a === b) return true;
  const ts = load();
  const printer = ts.createPrinter({ removeComments: true });
  const print = (text: string) =>
    printer.printFile(ts.createSourceFile("x.ts", text, ts.ScriptTarget.ES2022));
  return print(a) === print(b);
}
