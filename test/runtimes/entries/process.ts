// Node, Bun and Deno: the installed package as that runtime imports it (or requires it: the harness
// builds this as CommonJS for Node 20's `require`), then one line of results on stdout.
import * as lib from "../../../src/index.ts";
import * as testing from "../../../src/testing.ts";
import { runScenario, type Context } from "../scenario.ts";

declare const __CONTEXT__: Context;

void runScenario(lib, testing, __CONTEXT__).then((results) => {
  console.log(`RESULTS ${JSON.stringify(results)}`);
});
