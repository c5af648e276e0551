// HTTPS_PROXY, HTTP_PROXY and NO_PROXY (Node's fetch ignores them). undici, a dependency pinned to
// the major Node 20 bundles, is imported only when a proxy variable is set; its own fetch goes
// with its own dispatcher (passed through the client's fetchOptions), so no Node version pairs a
// dispatcher with a fetch of another undici major.
import type { StabilityClientOptions } from "../index.js";
import type { Env } from "./config.js";

const either = (env: Env, name: string) => env[name] || env[name.toLowerCase()] || undefined;

/** The client options that go through the proxy the environment names; none when it names none. */
export async function proxyOptions(
  env: Env,
): Promise<Pick<StabilityClientOptions, "fetch" | "fetchOptions">> {
  const httpProxy = either(env, "HTTP_PROXY");
  const httpsProxy = either(env, "HTTPS_PROXY");
  if (!httpProxy && !httpsProxy) return {};
  const { EnvHttpProxyAgent, fetch } = await import("undici");
  const dispatcher = new EnvHttpProxyAgent({
    ...(httpProxy && { httpProxy }),
    ...(httpsProxy && { httpsProxy }),
    noProxy: either(env, "NO_PROXY") ?? "",
  });
  // The client calls fetch(url, init) as both fetches read it; only the Response types differ.
  return { fetch: fetch as unknown as typeof globalThis.fetch, fetchOptions: { dispatcher } };
}
