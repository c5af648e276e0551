// What `npm run test:runtimes` prints about results: one line per runtime, one line per failed
// step (naming the runtime and the error), and the runtime × step table. Pure functions of results.
import type { StepResult } from "../../test/runtimes/scenario.ts";

/** Every step failed with the same reason: what a runtime that could not run the scenario gets. */
export const allFailed = (steps: string[], error: string): StepResult[] =>
  steps.map((step) => ({ step, ok: false, error }));

/** `bun 1.4.5: 11/11 steps ok (2.1 s)` */
export function summary(runtime: string, version: string, results: StepResult[], ms: number) {
  const passed = results.filter((result) => result.ok).length;
  const seconds = (ms / 1000).toFixed(1);
  return `${runtime} (${version}): ${passed}/${results.length} steps ok (${seconds} s)`;
}

/** `FAIL deno / account and balance: NotCapable: …`, one per failed step. */
export const failures = (runtime: string, results: StepResult[]) =>
  results
    .filter((result) => !result.ok)
    .map((result) => `FAIL ${runtime} / ${result.step}: ${result.error ?? "failed"}`);

/**
 * Steps down, runtimes across: `ok`, `FAIL`, or `—` for a step a runtime did not report (the
 * scenario's step list is the reference, so a step lost on the way shows).
 */
export function table(steps: string[], results: Map<string, StepResult[]>): string[] {
  const runtimes = [...results.keys()];
  const first = Math.max("step".length, ...steps.map((step) => step.length));
  const widths = runtimes.map((runtime) => Math.max(runtime.length, 4));
  const row = (label: string, cells: string[]) =>
    [label.padEnd(first), ...cells.map((cell, i) => cell.padEnd(widths[i]!))].join("  ").trimEnd();
  const cell = (runtime: string, step: string) => {
    const result = results.get(runtime)?.find((each) => each.step === step);
    return result ? (result.ok ? "ok" : "FAIL") : "—";
  };
  return [
    row("step", runtimes),
    row(
      "-".repeat(first),
      widths.map((width) => "-".repeat(width)),
    ),
    ...steps.map((step) =>
      row(
        step,
        runtimes.map((runtime) => cell(runtime, step)),
      ),
    ),
  ];
}
