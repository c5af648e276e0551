// A browser page on another loopback origin than the API: the harness awaits `window.results`.
import * as lib from "../../../src/index.ts";
import * as testing from "../../../src/testing.ts";
import { runScenario, type Context, type StepResult } from "../scenario.ts";

declare const __CONTEXT__: Context;

(window as unknown as { results: Promise<StepResult[]> }).results = runScenario(
  lib,
  testing,
  __CONTEXT__,
);
