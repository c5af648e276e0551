// HTTPS_PROXY, HTTP_PROXY and NO_PROXY (Node's fetch ignores them). undici, a dependency pinned to
// the major Node 20 bundles, is imported only when a proxy variable is set; its own fetch goes
// with its own dispatcher, so no Node version pairs a dispatcher with a fetch of another major.
import type { Env } from "./config.js";

const either = (env: Env, name: string) => env[name] || env[name.toLowerCase()] || undefined;

/** The fetch to use through the proxy the environment names, or undefined when it names none. */
export async function proxiedFetch(env: Env): Promise<typeof globalThis.fetch | undefined> {
  const httpProxy = either(env, "HTTP_PROXY");
  const httpsProxy = either(env, "HTTPS_PROXY");
  if (!httpProxy && !httpsProxy) return undefined;
  const { EnvHttpProxyAgent, fetch } = await import("undici");
  const dispatcher = new EnvHttpProxyAgent({
    httpProxy,
    httpsProxy,
    noProxy: either(env, "NO_PROXY") ?? "",
  });
  // The client calls fetch(url, { headers, signal, redirect }), which both fetches read alike.
  const proxied = (input: string | URL, init?: RequestInit) =>
    fetch(input, { ...init, dispatcher } as Parameters<typeof fetch>[1]);
  return proxied as unknown as typeof globalThis.fetch;
}
