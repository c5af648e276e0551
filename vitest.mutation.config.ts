import { defineConfig } from "vitest/config";

// The tests `npm run test:mutation` runs against each mutant (stryker.config.json): the in-process
// files that pin down the security modules. No type tests, no child processes (a child would run
// the unmutated build), and not test/timeouts.test.ts, whose 100 ms limits do not hold under
// Stryker's instrumentation (test/signals-and-timers.test.ts bounds the same steps with 300 ms).
export default defineConfig({
  test: {
    include: [
      "test/redaction.test.ts",
      "test/redaction-forms.test.ts",
      "test/long-keys.test.ts",
      "test/secrets.test.ts",
      "test/redirects.test.ts",
      "test/hostile-server.test.ts",
      "test/bad-responses.test.ts",
      "test/errors.test.ts",
      "test/headers.test.ts",
      "test/retries.test.ts",
      "test/signals-and-timers.test.ts",
      "test/cancellation.test.ts",
      "test/closed-port.test.ts",
      "test/http-info.test.ts",
      "test/input-checks.test.ts",
      "test/error-classes.test.ts",
    ],
    testTimeout: 20_000,
  },
});
