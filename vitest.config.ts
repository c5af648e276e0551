import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
    // Vitest's default on a 2-core machine is one worker, which runs the files one after another.
    // Much of a file's time is waiting (on Prism starting, child processes, retry and timeout
    // timers), so one more worker than cores keeps both cores busy without starving timing tests.
    maxWorkers: availableParallelism() + 1,
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
