// The library entry runs wherever `fetch` exists: bundled for a neutral or browser platform it
// imports no Node built-in, and the bundle works in a global scope that has fetch but no `process`.
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { build, type Plugin } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, startServer, type TestServer } from "./helpers/server.ts";

const ENTRY = fileURLToPath(new URL("../src/index.ts", import.meta.url));
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Fails the build on any import of a Node built-in, `node:` prefixed or bare, and names it. */
const noNodeBuiltins = (found: string[]): Plugin => ({
  name: "no-node-builtins",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (!args.path.startsWith("node:") && !BUILTINS.has(args.path)) return undefined;
      found.push(`${args.path} (from ${args.importer})`);
      return { errors: [{ text: `Node built-in imported: ${args.path}` }] };
    });
  },
});

/** The entry as one script that assigns its exports to `globalThis.StabilityUser`. */
async function bundle(platform: "neutral" | "browser") {
  const found: string[] = [];
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform,
    format: "iife",
    globalName: "StabilityUser",
    target: "es2022",
    write: false,
    logLevel: "silent",
    plugins: [noNodeBuiltins(found)],
  }).catch((error: Error) => ({ error }));
  return { found, result };
}

/** Exactly the web-platform globals a Worker or browser has; the JS built-ins come with the context. */
function webContext() {
  return vm.createContext({
    fetch,
    Request,
    Response,
    Headers,
    AbortController,
    URL,
    setTimeout,
    clearTimeout,
    TextDecoder,
    console,
  });
}

let server: TestServer;
beforeAll(async () => {
  server = await startServer(json(200, { credits: 7.5 }));
});
afterAll(() => server.close());

describe.each(["neutral", "browser"] as const)("bundled for platform %s", (platform) => {
  it("imports no Node built-in", async () => {
    const { found, result } = await bundle(platform);
    expect(found).toEqual([]);
    expect(result).not.toHaveProperty("error");
  });

  it("reads a balance from a local server in a scope with fetch but no process", async () => {
    const { result } = await bundle(platform);
    if ("error" in result) throw result.error;
    const context = webContext();
    expect(vm.runInContext("typeof process + typeof require + typeof Buffer", context)).toBe(
      "undefinedundefinedundefined",
    );
    vm.runInContext(result.outputFiles[0]!.text, context, { filename: `bundle-${platform}.js` });

    const balance: unknown = await vm.runInContext(
      `StabilityUser.createStabilityClient({ apiKey: "sk-neutral", baseUrl: ${JSON.stringify(server.url)} }).balance()`,
      context,
    );

    expect(balance).toEqual({ credits: 7.5 });
    const request = server.received.at(-1);
    expect(request?.path).toBe("/v1alpha/user/balance");
    expect(request?.headers.authorization).toBe("sk-neutral");
  });
});
