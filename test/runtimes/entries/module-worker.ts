// A module worker (no `window`, no `document`) started by worker-host.ts; it posts its results.
import * as lib from "../../../src/index.ts";
import * as testing from "../../../src/testing.ts";
import { runScenario, type Context } from "../scenario.ts";

declare const __CONTEXT__: Context;

void runScenario(lib, testing, __CONTEXT__).then((results) => {
  (self as unknown as { postMessage(message: unknown): void }).postMessage(results);
});
