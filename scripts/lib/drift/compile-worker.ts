// The maintainer's compile, in a worker thread that scripts/lib/drift/compile.ts starts: every
// src/**/*.ts file tsconfig.json includes, with the project's options, and candidate generated
// files served in place of src/generated/*. Nothing on disk changes; the files are found from
// tsconfig.json, never listed here, so a module added to src/ is checked as soon as it exists.
// Told to warm up as drift starts, the worker parses and binds the unchanged program (the DOM,
// Node and SDK typings are most of a compile) while drift reads, vendors and generates; a
// candidate's compile then reuses every file it did not replace, and type-checks only the files
// that import a replaced one, directly or not: no other file can type differently.
// It imports only Node and the compiler: compile.ts transpiles it to CommonJS with the compiler it
// loads anyway, which saves the worker starting a TypeScript loader of its own.
import { createRequire } from "node:module";
import path from "node:path";
import { parentPort } from "node:worker_threads";
import type {
  CompilerHost,
  Diagnostic,
  Node,
  ParsedCommandLine,
  Program,
  SourceFile,
  StringLiteralLike,
} from "typescript";

type TypeScript = typeof import("typescript");

/** One compiler message, its file relative to the repository root (`src/cli.ts`). */
export interface CompileError {
  file: string;
  line: number;
  code: number;
  message: string;
}

/** What the worker is asked: to build `root`'s unchanged program, or to compile with replacements. */
export type CompileRequest =
  | { kind: "warm"; root: string }
  | { kind: "compile"; id: number; root: string; replacements: [string, string][] };

/** Its answer to a compile: the diagnostics, or why there are none. */
export type CompileReply = { id: number; errors: CompileError[] } | { id: number; failure: string };

interface Compiler {
  ts: TypeScript;
  parsed: ParsedCommandLine;
  rootNames: string[];
  sourceFiles: Map<string, SourceFile>;
  previous?: Program;
}

const compilers = new Map<string, Compiler>();

// require(), not import: an ES import makes Node scan typescript.js's 9 MB for export names (~0.5 s).
// Only the worker, which runs as CommonJS (so `__filename` is its own), calls it.
const load = () => createRequire(__filename)("typescript") as TypeScript;

/** tsconfig.json's files under `root`/src and its options, as the compiler reads them. */
export function srcProject(ts: TypeScript, root: string) {
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
  return { parsed, rootNames };
}

function compilerFor(root: string): Compiler {
  const known = compilers.get(root);
  if (known) return known;
  const ts = load();
  const compiler = { ts, ...srcProject(ts, root), sourceFiles: new Map<string, SourceFile>() };
  compilers.set(root, compiler);
  return compiler;
}

/** A program of `root`'s src/ with `replacements` (absolute path → text) in place of those files. */
function programOf(c: Compiler, replacements: ReadonlyMap<string, string>): Program {
  const { ts } = c;
  const base = ts.createCompilerHost(c.parsed.options);
  const read = (name: string) => replacements.get(path.resolve(name)) ?? ts.sys.readFile(name);
  const host: CompilerHost = {
    ...base,
    // As tsc parses: doc comments only where they can change a type (JavaScript), not the typings'.
    jsDocParsingMode: ts.JSDocParsingMode.ParseForTypeErrors,
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
      c.sourceFiles.set(fileName, file);
      return file;
    },
  };
  // The previous program lends its module resolutions; unchanged files keep their parsed (and
  // bound) SourceFile through the host above.
  const program = ts.createProgram(c.rootNames, c.parsed.options, host, c.previous);
  c.previous = program;
  return program;
}

/** Parses and binds `root`'s unchanged program, so that a compile finds it ready. */
function warm(root: string): void {
  const c = compilerFor(root);
  if (c.previous) return;
  // The type checker binds every file as it is created.
  programOf(c, new Map()).getTypeChecker();
}

/** Every diagnostic of the files a replacement can change, files relative to `root`. */
function compile(root: string, replacements: ReadonlyMap<string, string>): CompileError[] {
  const c = compilerFor(root);
  const { ts } = c;
  const program = programOf(c, replacements);
  const affected = importersOf(ts, program, new Set(replacements.keys()));
  const diagnostics: readonly Diagnostic[] = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...affected.flatMap((file) => [
      ...program.getSyntacticDiagnostics(file),
      ...program.getSemanticDiagnostics(file),
    ]),
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
 * The program's own files (not declaration files) that import one of `changed` (absolute paths),
 * directly or through other files, and the changed files themselves. Imports, re-exports,
 * `import("…")` types and dynamic imports all count; each resolves as the compiler resolves it.
 */
function importersOf(ts: TypeScript, program: Program, changed: ReadonlySet<string>): SourceFile[] {
  const own = program.getSourceFiles().filter((f) => !f.isDeclarationFile);
  const byPath = new Map(own.map((file) => [path.resolve(file.fileName), file] as const));
  const importers = new Map<SourceFile, SourceFile[]>();
  const cache = ts.createModuleResolutionCache(program.getCurrentDirectory(), (f) => f);
  for (const file of own) {
    for (const specifier of moduleSpecifiers(ts, file)) {
      const { resolvedModule } = ts.resolveModuleName(
        specifier.text,
        file.fileName,
        program.getCompilerOptions(),
        ts.sys,
        cache,
        undefined,
        program.getModeForUsageLocation(file, specifier),
      );
      const target = resolvedModule && byPath.get(path.resolve(resolvedModule.resolvedFileName));
      if (target) importers.set(target, [...(importers.get(target) ?? []), file]);
    }
  }
  const reached = new Set(own.filter((f) => changed.has(path.resolve(f.fileName))));
  const queue = [...reached];
  for (let file = queue.pop(); file; file = queue.pop()) {
    for (const importer of importers.get(file) ?? []) {
      if (reached.has(importer)) continue;
      reached.add(importer);
      queue.push(importer);
    }
  }
  return own.filter((f) => reached.has(f));
}

/** The module names a file refers to: imports, re-exports, `import("…")` types and calls. */
function moduleSpecifiers(ts: TypeScript, file: SourceFile): StringLiteralLike[] {
  const found: StringLiteralLike[] = [];
  const visit = (node: Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteralLike(node.moduleSpecifier)
    )
      found.push(node.moduleSpecifier);
    else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteralLike(node.argument.literal)
    )
      found.push(node.argument.literal);
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    )
      found.push(node.arguments[0]);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

// In the worker: one request at a time, each compile answered by its id.
parentPort?.on("message", (request: CompileRequest) => {
  if (request.kind === "warm") {
    try {
      warm(request.root);
    } catch {
      // A compile asked for next reports what went wrong.
    }
    return;
  }
  let reply: CompileReply;
  try {
    reply = { id: request.id, errors: compile(request.root, new Map(request.replacements)) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    reply = { id: request.id, failure: message.split("\n")[0] ?? "" };
  }
  parentPort?.postMessage(reply);
});
