// The mock API every runtime's scenario (test/runtimes/scenario.ts) calls, on 127.0.0.1. A request
// for /<runtime>/<step>/<version>/user/<operation> is answered as that step's row in BEHAVIOURS says
// and recorded; /_seen/<runtime>/<step> returns the record, so a step can check what it sent. Every
// answer carries CORS headers, because the browser's page is served from another loopback port.
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { examples } from "../../src/generated/v1alpha.examples.ts";

interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
}

/** What a step's requests get: `n` counts the step's earlier GETs from the same runtime. */
type Behaviour = (res: ServerResponse, path: string, n: number, prefix: string) => void;

const CORS = {
  "access-control-allow-origin": "*",
  // Not CORS-safelisted response headers: without this a page could not read them.
  "access-control-expose-headers": "retry-after, retry-after-ms",
};

function json(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  res.writeHead(status, { ...CORS, "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** The spec's example account with two memberships, which the scenario counts. */
const ACCOUNT = { ...examples.account, organizations: examples.account.organizations.slice(0, 2) };

const ok: Behaviour = (res, path) =>
  json(res, 200, path.endsWith("/account") ? ACCOUNT : { credits: 42.5 });

/** 64 KiB of JSON in about 100 gzipped bytes: over the scenario's 4096-byte cap once inflated. */
const BOMB = gzipSync(JSON.stringify({ credits: 1, padding: "x".repeat(65_536) }));

const BEHAVIOURS: Record<string, Behaviour> = {
  ok,
  unauthorized: (res) => json(res, 401, { name: "unauthorized", message: "bad key" }),
  flaky: (res, path, n) =>
    n === 0
      ? json(res, 503, { name: "busy", message: "later" }, { "retry-after-ms": "10" })
      : ok(res, path, n, ""),
  // Answers only after the client has given up (the socket's close clears the timer).
  slow: (res, path, n) => {
    const timer = setTimeout(() => ok(res, path, n, ""), 5_000);
    res.once("close", () => clearTimeout(timer));
  },
  gzip: (res) => {
    res.writeHead(200, { ...CORS, "content-type": "application/json", "content-encoding": "gzip" });
    res.end(BOMB);
  },
  redirect: (res, path, _n, prefix) => {
    res.writeHead(302, { ...CORS, location: `${prefix}/ok${path}` });
    res.end();
  },
  loop: (res, path, _n, prefix) => {
    res.writeHead(302, { ...CORS, location: `${prefix}/loop${path}` });
    res.end();
  },
};
BEHAVIOURS.abort = BEHAVIOURS.slow!;

/** The preflight a page's `Authorization` and `Organization` headers cause. */
function preflight(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(204, {
    ...CORS,
    "access-control-allow-methods": "GET",
    // `*` would not cover Authorization, which must be named.
    "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "",
  });
  res.end();
}

export interface MockApi {
  url: string;
  close(): Promise<void>;
}

/** Starts the mock API on an ephemeral loopback port. */
export async function startMockApi(): Promise<MockApi> {
  const seen = new Map<string, Seen[]>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const [, first = "", second = "", third = "", ...rest] = path.split("/");
    if (first === "_seen") return json(res, 200, seen.get(`${second}/${third}`) ?? []);
    const key = `${first}/${second}`;
    const record = seen.get(key) ?? [];
    seen.set(key, record);
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([name, value]) => [name, String(value)]),
    );
    record.push({ method: req.method ?? "", path, headers });
    if (req.method === "OPTIONS") return preflight(req, res);
    const behaviour = BEHAVIOURS[second] ?? ok;
    const n = record.filter((request) => request.method === "GET").length - 1;
    behaviour(res, `/${[third, ...rest].join("/")}`, n, `/${first}`);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
