// npm run check: the type check (`npm run typecheck`) and the lint (`npm run lint`) from one
// TypeScript program, whose checker also answers the typed lint rules. Both remember what they
// found clean (node_modules/.cache/stability-user-client/): the program is incremental, and only
// the files TypeScript calls affected since the last run — changed, or importing a declaration
// whose type changed — are linted again (scripts/lib/check-cache.ts). A cold cache checks
// everything. `npm test` runs this; the two scripts stay for running one alone, uncached.
import path from "node:path";
import { ESLint } from "eslint";
import ts from "typescript";
import { CACHE_DIR, lintCacheKey, readLintCache, writeLintCache } from "./lib/check-cache.ts";
import { fail } from "./lib/cli-args.ts";

const config = ts.getParsedCommandLineOfConfigFile(
  "tsconfig.json",
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) =>
      fail(`check: tsconfig.json: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`),
  },
);
if (!config) fail("check: cannot read tsconfig.json");
const builder = ts.createIncrementalProgram({
  rootNames: config.fileNames,
  options: {
    ...config.options,
    incremental: true,
    tsBuildInfoFile: path.join(CACHE_DIR, "check.tsbuildinfo"),
  },
  configFileParsingDiagnostics: config.errors,
});

// Every affected file, checked now; a change that touches the whole program (the options, a lib)
// affects every file.
const affected = new Set<string>();
let everything = false;
for (let next; (next = builder.getSemanticDiagnosticsOfNextAffectedFile());)
  if ("fileName" in next.affected) affected.add(path.resolve(next.affected.fileName));
  else everything = true;
const diagnostics = [
  ...builder.getConfigFileParsingDiagnostics(),
  ...builder.getOptionsDiagnostics(),
  ...builder.getGlobalDiagnostics(),
  ...builder.getSyntacticDiagnostics(),
  ...builder.getSemanticDiagnostics(),
];
// With noEmit this writes only the .tsbuildinfo.
builder.emit();
if (diagnostics.length > 0) {
  const host: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => "\n",
  };
  process.stdout.write(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
}
console.log(
  `check: typecheck: ${diagnostics.length} error(s) in ${config.fileNames.length} files (${everything ? "all" : affected.size} checked)`,
);

// The TypeScript files are the program's (tsconfig.json includes every .ts file ESLint lints);
// eslint.config.js keeps its own, untyped config.
const eslint = new ESLint({
  overrideConfig: {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { programs: [builder.getProgram()], project: null } },
  },
  errorOnUnmatchedPattern: false,
  // Explicit paths the config ignores (src/generated/, .d.ts) are skipped quietly, as "." skips them.
  warnIgnored: false,
});
const key = lintCacheKey();
const clean = everything ? new Set<string>() : readLintCache(key);
const stale = config.fileNames
  .map((file) => path.resolve(file))
  .filter((file) => affected.has(file) || !clean.has(file));
// JavaScript files are outside the program and cheap: always linted.
const results = await eslint.lintFiles([...stale, "**/*.js", "**/*.mjs", "**/*.cjs"]);
const problems = results.reduce((sum, r) => sum + r.errorCount + r.warningCount, 0);
for (const r of results)
  if (r.errorCount + r.warningCount === 0) clean.add(r.filePath);
  else clean.delete(r.filePath);
writeLintCache(key, clean);
if (problems > 0)
  process.stdout.write(await (await eslint.loadFormatter("stylish")).format(results));
console.log(`check: lint: ${problems} problem(s) in ${results.length} files linted`);

if (diagnostics.length > 0 || problems > 0)
  fail(`check: failed (${diagnostics.length} type error(s), ${problems} lint problem(s))`);
