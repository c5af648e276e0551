// npm run test:mutation (scripts/mutation.ts): StrykerJS mutates the security modules and runs the
// tests in vitest.mutation.config.ts against each mutant; a mutant no test kills is a behaviour no
// test names. Equivalent mutants are marked where they stand: `// Stryker disable next-line <mutator>: <reason>`.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  mutate: [
    "src/redact.ts",
    "src/failure.ts",
    "src/redirect.ts",
    "src/headers.ts",
    "src/body.ts",
    "src/retry.ts",
    "src/errors.ts",
    // The request loop: one attempt (time limit, redirects, body cap, error mapping), and signals.
    "src/request.ts",
    "src/signals.ts",
  ],
  coverageAnalysis: "perTest",
  concurrency: 2,
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true },
  tempDirName: ".stryker-tmp",
  ignorePatterns: [".tmp", "dist", "size-out", "reports"],
  cleanTempDir: "always",
  timeoutMS: 10_000,
};
