// The harness of `npm run test:runtimes`, without the runtimes: the scenario passes against the mock
// API here in Node (so a failure there is the runtime's, not the scenario's), and what the harness
// prints about results says which runtime failed which step, and why.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as lib from "../../src/index.ts";
import * as testing from "../../src/testing.ts";
import { startMockApi, type MockApi } from "../../scripts/lib/runtimes-api.ts";
import { allFailed, failures, summary, table } from "../../scripts/lib/runtimes-report.ts";
import { parseResults } from "../../scripts/lib/runtimes.ts";
import { runScenario, STEPS } from "./scenario.ts";

describe("the scenario against the mock API", () => {
  let api: MockApi;
  beforeAll(async () => (api = await startMockApi()));
  afterAll(() => api.close());

  it("passes every step in this Node, from the source", async () => {
    const context = { runtime: "in-vitest", api: api.url, page: false, browser: false };
    const results = await runScenario(lib, testing, context);
    expect(results.filter((result) => !result.ok)).toEqual([]);
    expect(results.map((result) => result.step)).toEqual(STEPS.map((step) => step.name));
  });

  it("fails the guard step in a page whose client does not refuse to start", async () => {
    // No window here, so the client starts: in a page that would be the guard missing.
    const context = { runtime: "fake-page", api: api.url, page: true, browser: true };
    const results = await runScenario(lib, testing, context);
    const guard = results.find((result) => result.step.startsWith("browser guard"));
    expect(guard).toEqual({
      step: "browser guard and dangerouslyAllowBrowser",
      ok: false,
      error: "expected StabilityInputError, but the call succeeded",
    });
  });
});

describe("the report", () => {
  const results = new Map([
    [
      "bun",
      [
        { step: "abort", ok: true },
        { step: "testing kit", ok: true },
      ],
    ],
    ["deno", allFailed(["abort", "testing kit"], "NotCapable: Requires env access")],
    ["workerd", [{ step: "abort", ok: false, error: "TypeError: nope" }]],
  ]);

  it("tables steps down and runtimes across, with a dash for a step not reported", () => {
    expect(table(["abort", "testing kit"], results)).toEqual([
      "step         bun   deno  workerd",
      "-----------  ----  ----  -------",
      "abort        ok    FAIL  FAIL",
      "testing kit  ok    FAIL  —",
    ]);
  });

  it("names the runtime, the step and the error of each failure on one line", () => {
    expect(failures("deno", results.get("deno")!)).toEqual([
      "FAIL deno / abort: NotCapable: Requires env access",
      "FAIL deno / testing kit: NotCapable: Requires env access",
    ]);
    expect(failures("bun", results.get("bun")!)).toEqual([]);
  });

  it("sums up a runtime on one line", () => {
    expect(summary("deno", "2.9.6", results.get("deno")!, 1234)).toBe(
      "deno (2.9.6): 0/2 steps ok (1.2 s)",
    );
  });

  it("reads the results line among a runtime's other output, or nothing", () => {
    const output = 'warning: something\nRESULTS [{"step":"abort","ok":true}]\n';
    expect(parseResults(output)).toEqual([{ step: "abort", ok: true }]);
    expect(parseResults("Segmentation fault\n")).toBeUndefined();
  });
});
