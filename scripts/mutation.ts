// npm run test:mutation: StrykerJS over the security modules (stryker.config.json: redaction,
// headers, redirects, body reading, retry timing, errors, the request loop and signals), running
// the tests in vitest.mutation.config.ts against each mutant, then the mutation score of each
// module from its JSON report. Exits 1 when any module scores under 95 %: a surviving mutant is a
// behaviour no test names. Kill it with a test, or mark it equivalent where it stands:
// `// Stryker disable next-line <mutator>: <reason>`.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fail, parseFlags } from "./lib/cli-args.ts";

const MIN_SCORE = 95;
const REPORT = "reports/mutation/mutation.json";
// Stryker's statuses that count for the score: detected, or not.
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

parseFlags({}, "usage: npm run test:mutation (StrykerJS over the security modules; about 11 min)");

console.log("test:mutation: running StrykerJS (stryker.config.json)");
const started = performance.now();
const run = spawnSync("npx", ["stryker", "run"], { stdio: ["ignore", "inherit", "inherit"] });
if (run.status !== 0) fail(`test:mutation: stryker exited ${run.status ?? run.signal}`);
const minutes = ((performance.now() - started) / 60_000).toFixed(1);

interface Report {
  files: Record<string, { mutants: { status: string }[] }>;
}
let report: Report;
try {
  report = JSON.parse(readFileSync(REPORT, "utf8")) as Report;
} catch (error) {
  fail(`test:mutation: cannot read ${REPORT}: ${(error as Error).message}`);
}

const low: string[] = [];
for (const [file, { mutants }] of Object.entries(report.files)) {
  const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
  const undetected = mutants.filter((m) => UNDETECTED.has(m.status)).length;
  const score = detected + undetected ? (100 * detected) / (detected + undetected) : 100;
  console.log(
    `test:mutation: ${file} ${score.toFixed(1)} % (${detected} detected, ${undetected} undetected)`,
  );
  if (score < MIN_SCORE) low.push(file);
}
if (low.length) fail(`test:mutation: under ${MIN_SCORE} %: ${low.join(", ")}`);
console.log(`test:mutation: every module at ${MIN_SCORE} % or more, in ${minutes} min`);
