// The maintainer's compile as drift asks for it: every src/ file tsconfig.json includes, with the
// project's options, type-checked with candidate generated files in place of src/generated/*. It
// runs TypeScript 7's native compiler (the `typescript-native` dev dependency: the same checker,
// ported) on a scratch copy of src/, which checks all of it in under a second where the compiler
// API of TypeScript 5.9 spent two parsing the typings first. Across runs, a verdict is kept per
// exact input. test/drift-loop.test.ts holds each verdict to a compile with TypeScript 5.9's API.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
// require(), not import: an ES import makes Node scan typescript.js's 9 MB for export names (~0.5 s).
const load = () => require("typescript") as typeof import("typescript");

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

/** The repository whose src/ is compiled (this one, wherever drift runs from). */
export const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** A compile that takes longer than this is stopped and reported as one that could not run. */
const COMPILE_TIMEOUT_MS = 120_000;
/** The most compiler output read; past it the compile is reported as one that could not run. */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/**
 * Type-checks `root`'s src/ with `replacements` (absolute path → text) in place of those files,
 * and returns every diagnostic, files relative to `root`. Nothing under `root` changes.
 */
export async function compileSrc(
  root: string,
  replacements: ReadonlyMap<string, string>,
): Promise<CompileError[]> {
  const { rootNames, cache } = inputsOf(root, replacements);
  try {
    return JSON.parse(readFileSync(cache, "utf8")) as CompileError[];
  } catch {
    const errors = await compileCopy(root, rootNames, replacements);
    try {
      mkdirSync(path.dirname(cache), { recursive: true });
      writeFileSync(cache, JSON.stringify(errors));
    } catch {
      // A cache that cannot be written only costs the next run a compile.
    }
    return errors;
  }
}

/** src/ copied to a scratch directory with the replacements written, compiled there, removed. */
async function compileCopy(
  root: string,
  rootNames: readonly string[],
  replacements: ReadonlyMap<string, string>,
): Promise<CompileError[]> {
  // Synchronous copies: 60 small files take 20 ms this way, several times that through promises.
  const scratch = mkdtempSync(path.join(tmpdir(), "drift-compile-"));
  try {
    cpSync(path.join(root, "src"), path.join(scratch, "src"), { recursive: true });
    for (const file of ["tsconfig.json", "package.json"])
      cpSync(path.join(root, file), path.join(scratch, file));
    // Types and packages resolve from the repository's own node_modules, as they do for `tsc`.
    symlinkSync(path.join(root, "node_modules"), path.join(scratch, "node_modules"), "junction");
    for (const [file, text] of replacements)
      writeFileSync(path.join(scratch, path.relative(root, file)), text);
    // Exactly the files tsconfig.json includes under src/, with its options.
    const files = rootNames.map((f) => path.relative(root, f).split(path.sep).join("/"));
    const config = { extends: "./tsconfig.json", files, include: [] };
    writeFileSync(path.join(scratch, "tsconfig.drift.json"), JSON.stringify(config));
    const output = await runCompiler(scratch, ["-p", "tsconfig.drift.json", "--listFiles"]);
    return parseDiagnostics(output, scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The native compiler's executable, as `typescript-native` installs it for this platform. */
function compilerPath(): string {
  const platformPackage = `@typescript/typescript-${process.platform}-${process.arch}`;
  try {
    const native = path.dirname(require.resolve("typescript-native/package.json"));
    const manifest = createRequire(path.join(native, "package.json")).resolve(
      `${platformPackage}/package.json`,
    );
    return path.join(
      path.dirname(manifest),
      "lib",
      process.platform === "win32" ? "tsc.exe" : "tsc",
    );
  } catch {
    throw new Error(`TypeScript 7 (${platformPackage}) is not installed; run \`npm ci\``);
  }
}

/** The compiler's plain output; an exit with no diagnostics to show is a failure to compile. */
function runCompiler(cwd: string, args: string[]): Promise<string> {
  const options = { cwd, timeout: COMPILE_TIMEOUT_MS, maxBuffer: MAX_OUTPUT_BYTES };
  return new Promise((resolve, reject) => {
    execFile(compilerPath(), [...args, "--pretty", "false"], options, (error, stdout, stderr) => {
      if (!error || /error TS\d+/.test(stdout)) return resolve(stdout);
      const why = String(stderr).trim().split("\n")[0] || error.message.split("\n")[0];
      reject(new Error(`TypeScript 7 stopped: ${why}`));
    });
  });
}

const LOCATED = /^(.+)\((\d+),\d+\): error TS(\d+): (.*)$/;
const GLOBAL = /^error TS(\d+): (.*)$/;

/**
 * The compiler's plain output as CompileErrors: `src/a.ts(12,3): error TS2322: …` lines with their
 * indented continuations, in the order of the files `--listFiles` prints (the program's, as tsc
 * 5.9 reports them: a file before its importers), global ones first. Files are relative to `cwd`.
 */
export function parseDiagnostics(output: string, cwd: string): CompileError[] {
  const errors: CompileError[] = [];
  const order = new Map<string, number>();
  for (const line of output.split(/\r?\n/)) {
    const located = LOCATED.exec(line);
    const global = located ? undefined : GLOBAL.exec(line);
    const last = errors.at(-1);
    if (located) {
      const [, file = "", at = "0", code = "0", message = ""] = located;
      errors.push({ file, line: Number(at), code: Number(code), message });
    } else if (global) {
      errors.push({ file: "", line: 0, code: Number(global[1]), message: global[2] ?? "" });
    } else if (last && /^\s+\S/.test(line)) {
      last.message += `\n${line.trim()}`;
    } else if (path.isAbsolute(line)) {
      order.set(path.relative(cwd, line).split(path.sep).join("/"), order.size);
    }
  }
  const rank = (e: CompileError) => (e.file ? (order.get(e.file) ?? order.size) : -1);
  return errors.sort((a, b) => rank(a) - rank(b));
}

/**
 * tsconfig.json's files under src/, and where the verdict for exactly these inputs is kept: a hash
 * of every src/ text (replacements applied), tsconfig.json, package.json (its "type" decides module
 * resolution), package-lock.json (which pins both compilers and every typing) and this module, so
 * a repeated run skips a compile that could only give the same answer.
 */
function inputsOf(root: string, replacements: ReadonlyMap<string, string>) {
  const ts = load();
  const rootNames = srcFiles(ts, root);
  const hash = createHash("sha256");
  const own = fileURLToPath(import.meta.url);
  for (const file of [...rootNames, "tsconfig.json", "package.json", "package-lock.json", own]) {
    const absolute = path.resolve(root, file);
    hash.update(`${absolute}\0${replacements.get(absolute) ?? ts.sys.readFile(absolute) ?? ""}\0`);
  }
  const cache = path.join(root, "node_modules", ".cache", "drift", `${hash.digest("hex")}.json`);
  return { rootNames, cache };
}

/** The files tsconfig.json includes under `root`/src, as the compiler reads the config. */
function srcFiles(ts: typeof import("typescript"), root: string): string[] {
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
  return rootNames;
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
