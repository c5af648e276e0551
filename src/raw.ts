// `raw`: openapi-fetch's client, created on its first call. Its methods return promises anyway, so
// openapi-fetch loads then, outside the default import; middleware given before that is kept.
import type { Client, ClientOptions, Middleware } from "openapi-fetch";

const METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "request"];

/** An openapi-fetch client for `options` that imports openapi-fetch on its first request. */
export function lazyClient<Paths extends object>(options: ClientOptions): Client<Paths> {
  let loaded: Client<Paths> | undefined;
  let loading: Promise<Client<Paths>> | undefined;
  const middleware = new Set<Middleware>();
  const load = () =>
    (loading ??= import("openapi-fetch").then(({ default: createClient }) => {
      loaded = createClient<Paths>(options);
      loaded.use(...middleware);
      return loaded;
    }));
  const client: Record<string, unknown> = {
    use(...added: Middleware[]) {
      for (const m of added) middleware.add(m);
      loaded?.use(...added);
    },
    eject(...removed: Middleware[]) {
      for (const m of removed) middleware.delete(m);
      loaded?.eject(...removed);
    },
  };
  for (const method of METHODS)
    client[method] = async (...args: unknown[]) =>
      ((await load())[method as "GET"] as (...a: unknown[]) => unknown)(...args);
  return client as unknown as Client<Paths>;
}
