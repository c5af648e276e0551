// The maintainer's compile as drift asks for it: every src/**/*.ts file tsconfig.json includes,
// type-checked with candidate generated files in place of src/generated/*, in a worker thread
// (scripts/lib/drift/compile-worker.ts) that drift warms up as it starts, so the typings are parsed
// while drift vendors and generates. Across runs, a verdict is kept per exact input.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import {
  srcProject,
  type CompileError,
  type CompileReply,
  type CompileRequest,
} from "./compile-worker.ts";

export type { CompileError } from "./compile-worker.ts";

const require = createRequire(import.meta.url);
// require(), not import: an ES import makes Node scan typescript.js's 9 MB for export names (~0.5 s).
const load = () => require("typescript") as typeof import("typescript");

/** "src/cli.ts:123 TS2365 Operator '<' cannot be applied …" (the first line of the message). */
export const describeError = (e: CompileError) =>
  `${e.file || "(global)"}${e.line ? `:${e.line}` : ""} TS${e.code} ${e.message.split("\n")[0] ?? ""}`;

interface CompilerThread {
  thread: Worker;
  next: number;
  pending: Map<number, { resolve: (errors: CompileError[]) => void; reject: (e: Error) => void }>;
}

let worker: CompilerThread | undefined;

const WORKER = fileURLToPath(new URL("./compile-worker.ts", import.meta.url));

// The worker's first lines: a worker thread does not inherit the TypeScript loader drift runs
// under, so it transpiles its module to CommonJS with the compiler it needs anyway.
const BOOT = `
const { createRequire } = require("node:module");
const { readFileSync } = require("node:fs");
const path = require("node:path");
const file = ${JSON.stringify(WORKER)};
const local = createRequire(file);
const ts = local("typescript");
const { outputText } = ts.transpileModule(readFileSync(file, "utf8"), {
  fileName: file,
  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
});
const module = { exports: {} };
new Function("exports", "require", "module", "__filename", "__dirname", outputText)(
  module.exports, local, module, file, path.dirname(file));
`;

/** The compiler's thread, started once per process; it keeps the process alive only while a compile is pending. */
function compilerThread(): CompilerThread {
  if (worker) return worker;
  const thread = new Worker(BOOT, { eval: true });
  const started: CompilerThread = { thread, next: 0, pending: new Map() };
  const settle = (id: number) => {
    const waiting = started.pending.get(id);
    started.pending.delete(id);
    if (started.pending.size === 0) thread.unref();
    return waiting;
  };
  thread.on("message", (reply: CompileReply) => {
    const waiting = settle(reply.id);
    if ("errors" in reply) waiting?.resolve(reply.errors);
    else waiting?.reject(new Error(reply.failure));
  });
  const fail = (error: Error) => {
    if (worker === started) worker = undefined;
    for (const id of [...started.pending.keys()]) settle(id)?.reject(error);
  };
  thread.on("error", fail);
  thread.on("exit", (code) => fail(new Error(`the compiler's thread stopped (exit ${code})`)));
  // After the listeners: adding a "message" listener refs the thread again.
  thread.unref();
  worker = started;
  return started;
}

/** The repository whose src/ is compiled (this one, wherever drift runs from). */
export const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/**
 * Has the compiler's thread parse `root`'s unchanged src/ program now, in case a compile follows;
 * returns at once. Asking again costs nothing.
 */
export function warmCompiler(root = REPO_ROOT): void {
  compilerThread().thread.postMessage({ kind: "warm", root } satisfies CompileRequest);
}

/**
 * Type-checks `root`'s src/ with `replacements` (absolute path → text) served instead of the files
 * on disk, and returns the diagnostics of every file a replacement can change (those that import a
 * replaced file, directly or not), files relative to `root`.
 */
export async function compileSrc(
  root: string,
  replacements: ReadonlyMap<string, string>,
): Promise<CompileError[]> {
  const cache = cacheFile(root, replacements);
  try {
    return JSON.parse(readFileSync(cache, "utf8")) as CompileError[];
  } catch {
    const compiler = compilerThread();
    const id = compiler.next++;
    const errors = await new Promise<CompileError[]>((resolve, reject) => {
      compiler.pending.set(id, { resolve, reject });
      compiler.thread.ref();
      compiler.thread.postMessage({
        kind: "compile",
        id,
        root,
        replacements: [...replacements],
      } satisfies CompileRequest);
    });
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
 * applied), tsconfig.json, package.json (its "type" decides module resolution),
 * package-lock.json (which pins the compiler and every typing) and the compile's own modules, so
 * a repeated run skips a compile that could only give the same answer.
 */
function cacheFile(root: string, replacements: ReadonlyMap<string, string>): string {
  const ts = load();
  const { rootNames } = srcProject(ts, root);
  const hash = createHash("sha256");
  const own = [fileURLToPath(import.meta.url), WORKER];
  for (const file of [...rootNames, "tsconfig.json", "package.json", "package-lock.json", ...own]) {
    const absolute = path.resolve(root, file);
    hash.update(`${absolute}\0${replacements.get(absolute) ?? ts.sys.readFile(absolute) ?? ""}\0`);
  }
  return path.join(root, "node_modules", ".cache", "drift", `${hash.digest("hex")}.json`);
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
