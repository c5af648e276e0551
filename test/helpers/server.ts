// The one test helper: a real HTTP server on 127.0.0.1 (ephemeral port) that answers each
// request with the next scripted behaviour and records what it received, plus a recording fetch.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { afterEach } from "vitest";
import { bundled } from "../../scripts/lib/bundle-entry.ts";
import {
  StabilityInputError,
  createStabilityClient,
  type StabilityClientOptions,
} from "../../src/index.ts";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { readFileSync } from "node:fs";
import { connect, type AddressInfo } from "node:net";

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

/** One scripted answer. It may reply, stall, or destroy the socket. */
export type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every request that reached the server, in order. */
  received: Received[];
  close(): Promise<void>;
}

/**
 * Starts a server answering request n with `script[n]` (the last entry repeats).
 * Close it with `await server.close()`; open sockets are destroyed.
 */
export async function startServer(...script: Behaviour[]): Promise<TestServer> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    received.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers });
    const behaviour = script[Math.min(received.length - 1, script.length - 1)] ?? json(200, {});
    behaviour(req, res);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

/** Replies with a JSON body. */
export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Behaviour =>
  (_req, res) => {
    res
      .writeHead(status, { "content-type": "application/json", ...headers })
      .end(JSON.stringify(body));
  };

/** Replies with a body as given (HTML, empty, broken JSON). */
export const text =
  (
    status: number,
    body: string,
    headers: Record<string, string> = { "content-type": "text/html" },
  ): Behaviour =>
  (_req, res) => {
    res.writeHead(status, headers).end(body);
  };

/** Destroys the connection before any response: the client sees a reset. */
export const reset = (): Behaviour => (req) => {
  req.socket.destroy();
};

/** Sends headers and part of a body promising more, then destroys the connection. */
export const resetMidBody =
  (status = 200): Behaviour =>
  (req, res) => {
    res.writeHead(status, { "content-type": "application/json", "content-length": "100" });
    res.write('{"credits": 1');
    setTimeout(() => req.socket.destroy(), 10);
  };

/** Never answers (headers never come). */
export const stall = (): Behaviour => () => {};

/** Sends headers and part of a body, then goes silent. */
export const stallBody =
  (status = 200): Behaviour =>
  (_req, res) => {
    res.writeHead(status, { "content-type": "application/json", "content-length": "100" });
    res.write('{"credits": 1');
  };

/** Redirects to `location`. */
export const redirect =
  (location: string, status = 302): Behaviour =>
  (_req, res) => {
    res.writeHead(status, { location }).end();
  };

/** A `fetch` that records each Request and answers from `respond` without a socket. */
export function recordingFetch(
  respond: (request: Request) => Response | Promise<Response> = () => Response.json({ credits: 1 }),
) {
  const requests: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    requests.push(request);
    return respond(request);
  };
  return { fetch: fetch, requests };
}

/** The ports the kernel hands to `listen(0)` (Linux; elsewhere a range that covers IANA's). */
export function ephemeralPortRange(): [low: number, high: number] {
  try {
    const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
      .trim()
      .split(/\s+/)
      .map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return [low!, high!];
  } catch {
    // not Linux
  }
  return [32768, 65535];
}

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(false)));
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

/**
 * A loopback port nothing listens on: connecting to it is refused. It lies below the ephemeral
 * range, because a released ephemeral port can be handed to a parallel test's server while a
 * client is still retrying against it (CI saw a "refused" call answered with a 200).
 */
export async function closedPort(): Promise<number> {
  const high = Math.min(ephemeralPortRange()[0] - 1, 32767);
  const low = Math.max(1024, high - 8191);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (await refuses(port)) return port;
  }
  throw new Error(`closedPort: no refused port found in ${low}-${high}`);
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a TypeScript entry (`src/cli.ts`, `scripts/vendor.ts`) in a child Node, bundled once per
 * worker (scripts/lib/bundle-entry.ts; no tsx per child), from the repository root, with exactly `env`
 * plus PATH/HOME (so no STABILITY_* leaks in from the shell).
 */
export async function runTs(
  file: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<Run> {
  const root = new URL("../..", import.meta.url);
  const child = spawn(process.execPath, [await bundled(file), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  return { code, stdout, stderr };
}

/** Runs `behaviour` after `ms` (a slow but healthy server); the timer dies with the socket. */
export const delayed =
  (ms: number, behaviour: Behaviour): Behaviour =>
  (req, res) => {
    const timer = setTimeout(() => behaviour(req, res), ms);
    req.socket.once("close", () => clearTimeout(timer));
  };

/**
 * For one test file: returns `serve(...script)`, which starts a server like startServer and closes
 * it after the test that started it. Call it at the top level of the file.
 */
export function serverPerTest(): (...script: Behaviour[]) => Promise<TestServer> {
  let servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((server) => server.close()));
    servers = [];
  });
  return async (...script) => {
    const server = await startServer(...script);
    servers.push(server);
    return server;
  };
}

/** The error `call` rejects with; fails the test when it resolves or rejects with a non-Error. */
export async function failure(call: Promise<unknown>): Promise<Error> {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error("expected the call to fail");
  return outcome;
}

/** A client for a test server that logs nothing; the test names every other option it relies on. */
export function clientFor(server: TestServer, options: StabilityClientOptions) {
  return createStabilityClient({ baseUrl: server.url, logLevel: "off", ...options });
}

/** The StabilityInputError creating a client throws; fails the test when it throws nothing or another error. */
export function refusal(options?: StabilityClientOptions): StabilityInputError {
  try {
    createStabilityClient(options);
  } catch (error) {
    if (error instanceof StabilityInputError) return error;
    throw error;
  }
  throw new Error("expected createStabilityClient to throw");
}

/** A CONNECT proxy on 127.0.0.1 that records each tunnel's target. */
export async function startConnectProxy() {
  const tunnels: string[] = [];
  const server = createServer((_req: IncomingMessage, res: ServerResponse) =>
    res.writeHead(405).end(),
  );
  server.on("connect", (req: IncomingMessage, client: import("node:net").Socket) => {
    tunnels.push(req.url ?? "");
    const [host, port] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
