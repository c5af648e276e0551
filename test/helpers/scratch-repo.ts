// A scratch copy of the repository for the maintainer loop: src/, openapi/, tsconfig.json and
// package.json copied, node_modules linked. Vendor and generate run in-process into it (the same
// functions `npm run vendor` and `npm run generate` call), and its src/ is compiled with the
// TypeScript compiler API, incrementally: after the first compile (about 2 s), one costs a few
// hundred milliseconds.
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { ApiVersion } from "../../src/operations.ts";
import { generateVersion } from "../../scripts/lib/generate.ts";
import { PIPELINE } from "../../scripts/lib/pipeline.ts";
import { vendorVersion, type VendorResult } from "../../scripts/lib/vendor.ts";
// One compiler message and its one-line form, as drift reports them (scripts/lib/drift/compile.ts).
import type { CompileError } from "../../scripts/lib/drift/compile.ts";
export { describeError, type CompileError } from "../../scripts/lib/drift/compile.ts";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
// require(), not import: an ES import makes Node scan typescript.js's 9 MB for export names (~0.5 s).
const ts = createRequire(import.meta.url)("typescript") as typeof import("typescript");
type SourceFile = import("typescript").SourceFile;
type BuilderProgram = import("typescript").SemanticDiagnosticsBuilderProgram;
type CompilerHost = import("typescript").CompilerHost;

export interface ScratchRepo {
  /** The scratch repository's root (a temporary directory). */
  root: string;
  /** `npm run vendor -- --api-version <version> --upstream <upstream>`, into the scratch copy. */
  vendor(version: ApiVersion, upstream: string): Promise<VendorResult>;
  /** `npm run generate -- --api-version <version>`: returns the files written, by path from the root. */
  generate(version: ApiVersion): Promise<Record<string, string>>;
  /** `tsc` on the scratch copy's src/ (the project's compiler options; not the tests or scripts). */
  compile(): CompileError[];
  /** Puts the committed openapi/ and src/generated/ files back. */
  restore(): Promise<void>;
  remove(): Promise<void>;
}

/** The pipeline's outputs (vendored specs, generated files), from the root; restore() puts them back. */
export const OUTPUTS = Object.values(PIPELINE).flatMap((p) => [
  p.vendored,
  p.types,
  p.validators,
  p.examples,
  p.operations,
]);

export async function scratchRepo(): Promise<ScratchRepo> {
  const root = await mkdtemp(path.join(tmpdir(), "scratch-repo-"));
  await Promise.all([
    cp(path.join(REPO_ROOT, "src"), path.join(root, "src"), { recursive: true }),
    cp(path.join(REPO_ROOT, "openapi"), path.join(root, "openapi"), { recursive: true }),
    cp(path.join(REPO_ROOT, "tsconfig.json"), path.join(root, "tsconfig.json")),
    // "type": "module" decides how NodeNext reads src/ (top-level await in the CLI).
    cp(path.join(REPO_ROOT, "package.json"), path.join(root, "package.json")),
    symlink(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"), "dir"),
  ]);
  const committed = new Map(
    await Promise.all(
      OUTPUTS.map(async (file) => [file, await readFile(path.join(REPO_ROOT, file))] as const),
    ),
  );

  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(root, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (!parsed) throw new Error("scratch-repo: cannot read tsconfig.json");
  const srcDir = path.join(root, "src") + path.sep;
  const rootNames = parsed.fileNames.filter((file) => path.resolve(file).startsWith(srcDir));
  if (rootNames.length === 0) throw new Error("scratch-repo: tsconfig.json includes no src/ file");

  // Compiled the way `tsc --watch` and `--incremental` compile: a builder program re-checks only the
  // files whose text or dependencies changed since the last compile. Unchanged files keep their
  // parsed SourceFile, and node_modules (the DOM and Node typings, most of the parsing) is read once.
  const base = ts.createIncrementalCompilerHost(parsed.options);
  const sourceFiles = new Map<string, SourceFile>();
  const host: CompilerHost = {
    ...base,
    getSourceFile(fileName, languageVersion, onError) {
      const cached = sourceFiles.get(fileName);
      if (cached && fileName.includes(`${path.sep}node_modules${path.sep}`)) return cached;
      const text = ts.sys.readFile(fileName);
      if (text === undefined) return undefined;
      if (cached?.text === text) return cached;
      const file = base.getSourceFile(fileName, languageVersion, onError);
      if (file) sourceFiles.set(fileName, file);
      return file;
    },
  };
  let previous: BuilderProgram | undefined;

  return {
    root,
    vendor: (version, upstream) => vendorVersion(version, { upstream, root }),
    async generate(version) {
      const written: Record<string, string> = {};
      for (const [file, content] of await generateVersion(version, { root })) {
        await writeFile(file, content);
        written[path.relative(root, file)] = content;
      }
      return written;
    },
    compile() {
      const builder = ts.createSemanticDiagnosticsBuilderProgram(
        rootNames,
        parsed.options,
        host,
        previous,
      );
      previous = builder;
      const diagnostics = [
        ...builder.getOptionsDiagnostics(),
        ...builder.getGlobalDiagnostics(),
        ...builder.getSyntacticDiagnostics(),
        ...builder.getSemanticDiagnostics(),
      ];
      return diagnostics.map((d) => ({
        file: d.file ? path.relative(root, d.file.fileName) : "",
        line:
          d.file && d.start !== undefined
            ? d.file.getLineAndCharacterOfPosition(d.start).line + 1
            : 0,
        code: d.code,
        message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
      }));
    },
    async restore() {
      await Promise.all(
        [...committed].map(([file, bytes]) => writeFile(path.join(root, file), bytes)),
      );
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
