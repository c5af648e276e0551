// workerd: a module worker whose every request runs the scenario and answers its results as JSON.
import * as lib from "../../../src/index.ts";
import * as testing from "../../../src/testing.ts";
import { runScenario, type Context } from "../scenario.ts";

declare const __CONTEXT__: Context;

export default {
  async fetch(): Promise<Response> {
    return Response.json(await runScenario(lib, testing, __CONTEXT__));
  },
};
