import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// Files whose tests spawn processes (the CLI, scripts, npm, Prism) or run compilers: most of the
// suite's CPU. Everything else talks to a local server in-process, often against short timers.
const PROCESSES = [
  "test/bin.test.ts",
  "test/contract.test.ts",
  "test/demo.test.ts",
  "test/drift-*.test.ts",
  "test/exact-optional.test.ts",
  "test/generate.test.ts",
  "test/mcp.test.ts",
  "test/mcp-hostile.test.ts",
  "test/mcp-install.test.ts",
  "test/package.test.ts",
  "test/vendor.test.ts",
];

// The maintainer loop run for real: each case vendors, generates and compiles a scratch copy of the
// repository, or runs drift, whose verdict is such a compile (about a second of CPU each, several
// on a cold cache). `npm run test:loop` runs them, and CI after `npm test`, which stays the fast loop.
const LOOP = [
  "test/drift.test.ts",
  "test/maintainer-loop.test.ts",
  "test/drift-loop.test.ts",
  "test/adding-an-operation.test.ts",
];

export default defineConfig({
  test: {
    // Vitest's default on a 2-core machine is one worker, which runs the files one after another.
    // Much of a file's time is waiting (on Prism, child processes, timers), so one worker per core
    // keeps both busy; more only load the machine further.
    maxWorkers: availableParallelism(),
    // A worker keeps its modules from one file to the next instead of importing them again (src/
    // for every wire test, Redocly, openapi-typescript and TypeScript for the pipeline tests):
    // about 10 s of CPU per run. Test files still get their own module each; they share only the
    // modules they import, which keep no state between tests (servers close, env is unstubbed).
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two groups, one after the other: the in-process files first (with the type tests), so their
    // timeouts and retry delays run on a machine that no compiler or npm is saturating (and, under
    // `npm test`, beside lint's last seconds), then the process-heavy files.
    projects: [
      {
        extends: true,
        test: {
          name: "in-process",
          include: ["test/**/*.test.ts"],
          exclude: [...PROCESSES, ...LOOP],
          typecheck: {
            enabled: true,
            include: ["test/**/*.test-d.ts"],
            tsconfig: "./tsconfig.json",
          },
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "processes",
          include: PROCESSES,
          exclude: LOOP,
          sequence: { groupOrder: 1 },
        },
      },
      { extends: true, test: { name: "loop", include: LOOP, sequence: { groupOrder: 2 } } },
    ],
  },
});
