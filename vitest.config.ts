import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// The tiers (docs/maintaining.md, "Test tiers", says which holds what):
//   fast      `npm test`: everything in-process (the client on local servers, the CLI through
//             main(), the scripts through their functions), plus the few files whose behaviour is
//             a process boundary or a third-party process (the bin, the MCP server on stdio,
//             Prism). The type tests (*.test-d.ts) are checked once, by `npm run check`'s tsc.
//   loop      `npm run test:loop`: the maintainer loop for real — each case vendors, generates and
//             compiles a scratch copy of the repository, or runs drift's compile verdict — and
//             `npm run demo` end to end.
//   package   `npm run test:package`: the packed tarball (publint, attw, strict consumers, the
//             installed bin); scripts/test-package.ts packs once for it and the runtime matrix.
const LOOP = [
  "test/drift.test.ts",
  "test/maintainer-loop.test.ts",
  "test/drift-loop.test.ts",
  "test/adding-an-operation.test.ts",
  "test/demo.test.ts",
];
const PACKAGE = ["test/package.test.ts"];

export default defineConfig({
  test: {
    // Vitest's default on a 2-core machine is one worker, which runs the files one after another.
    // Much of a file's time is waiting (on local servers, child processes, timers), so one worker
    // per core keeps both busy; more only load the machine further.
    maxWorkers: availableParallelism(),
    // A worker keeps its modules from one file to the next instead of importing them again (src/
    // for every wire test, Redocly, openapi-typescript and TypeScript for the pipeline tests):
    // about 10 s of CPU per run. Test files still get their own module each; they share only the
    // modules they import, which keep no state between tests (servers close, env is unstubbed).
    isolate: false,
    // A test's own limit, not a measure of speed: ten times what the slowest test takes on an
    // idle machine, so a loaded one makes the suite slower, never red.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: { name: "fast", include: ["test/**/*.test.ts"], exclude: [...LOOP, ...PACKAGE] },
      },
      { extends: true, test: { name: "loop", include: LOOP } },
      { extends: true, test: { name: "package", include: PACKAGE } },
    ],
  },
});
