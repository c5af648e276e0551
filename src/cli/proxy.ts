// HTTPS_PROXY, HTTP_PROXY and NO_PROXY (Node's fetch ignores them). undici, a dependency pinned to
// the major Node 20 bundles, is imported only when a proxy variable is set; its own fetch goes
// with its own dispatcher (passed through the client's fetchOptions), so no Node version pairs a
// dispatcher with a fetch of another undici major. The dispatcher is closed when the run ends, so
// a tunnel the proxy never answered cannot keep the process alive.
import type { StabilityClientOptions } from "../index.js";
import { UsageError } from "./args.js";
import type { Env } from "./config.js";

/** The variable in effect (upper case first, as undici reads them) and its value. */
function either(env: Env, name: string): [string, string] | undefined {
  for (const key of [name, name.toLowerCase()]) if (env[key]) return [key, env[key]];
  return undefined;
}

/** A proxy variable's URL; a refusal names the variable, never its value (it may hold a password). */
export function proxyUrl([name, value]: [string, string]): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${name} is not a URL; write it as http://host:port`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError(`${name} must be an http:// or https:// URL`);
  try {
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    throw new UsageError(`${name} has a user or password with a broken %-escape`);
  }
  return value;
}

// undici reports the proxy's answer to CONNECT only in an error message.
const PROXY_AUTH = /Proxy response \(407\)|Proxy Authentication Required \(407\)/;
const refusedAuth = (error: unknown): boolean => {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++)
    if (PROXY_AUTH.test(e.message)) return true;
  return false;
};
const PROXY_AUTH_TEXT =
  "the proxy refused authentication; check the user and password in HTTPS_PROXY or HTTP_PROXY";

export type ProxyOptions = Pick<StabilityClientOptions, "fetch" | "fetchOptions"> & {
  /** Closes the proxy's connections; the run is over. */
  close: () => Promise<void>;
};

/** The client options that go through the proxy the environment names; none when it names none. */
export async function proxyOptions(env: Env): Promise<ProxyOptions> {
  const httpProxy = either(env, "HTTP_PROXY");
  const httpsProxy = either(env, "HTTPS_PROXY");
  if (!httpProxy && !httpsProxy) return { close: async () => {} };
  const http = httpProxy && proxyUrl(httpProxy);
  const https = httpsProxy && proxyUrl(httpsProxy);
  const { EnvHttpProxyAgent, Response, fetch } = await import("undici");
  // "" rather than undefined for one not set: undici would read process.env, not this env.
  const dispatcher = new EnvHttpProxyAgent({
    httpProxy: http || "",
    httpsProxy: https || "",
    noProxy: either(env, "NO_PROXY")?.[1] ?? "",
  });
  // A 407 to CONNECT is the proxy's answer, not a lost connection: it becomes that status (an
  // error the client does not retry) rather than "connection failed", which it would retry.
  const proxied = async (...args: Parameters<typeof fetch>) => {
    try {
      return await fetch(...args);
    } catch (error) {
      if (!refusedAuth(error)) throw error;
      return new Response(PROXY_AUTH_TEXT, { status: 407 });
    }
  };
  return {
    // The client calls fetch(url, init) as both fetches read it; only the Response types differ.
    fetch: proxied as unknown as typeof globalThis.fetch,
    fetchOptions: { dispatcher },
    close: () => dispatcher.destroy(),
  };
}
