// npm run load: 10 000 balance() calls at concurrency 100 against a local keep-alive server that
// answers 5 % with 503 and resets 1 % of connections. Checks that every call settles with a
// value or a typed error, and prints retries, latency and memory growth. A script, not a test.
//
// The 503s carry no Retry-After, so the client's own backoff (0.5 s, 1 s, with jitter) runs with
// up to ~600 timers pending at once: that is the path a real outage takes, and a few seconds of
// waiting is the price.
import { once } from "node:events";
import { createServer } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { StabilityError, createStabilityClient } from "../src/index.ts";
import { fail, parseFlags } from "./lib/cli-args.ts";

const flags = parseFlags(
  {
    calls: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "100" },
    seed: { type: "string", default: "1" },
  },
  "usage: npm run load [-- --calls N --concurrency N --seed N]",
);
const CALLS = Number(flags.calls);
const CONCURRENCY = Number(flags.concurrency);
if (!(Number.isInteger(CALLS) && CALLS > 0 && Number.isInteger(CONCURRENCY) && CONCURRENCY > 0))
  fail("load: --calls and --concurrency must be positive integers", 2);

// gc() makes the memory figures mean "retained", not "not yet collected"; the flag can be set late.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

let unhandled = 0;
process.on("unhandledRejection", (reason) => {
  unhandled++;
  process.stderr.write(`load: unhandled rejection: ${String(reason)}\n`);
});

// A seeded generator (mulberry32) so a run's fault pattern can be replayed with --seed.
let state = Number(flags.seed) >>> 0;
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const served = { ok: 0, unavailable: 0, reset: 0 };
const body = JSON.stringify({ credits: 12.5 });
let faults = false;
const server = createServer({ keepAlive: true }, (req, res) => {
  const roll = faults ? random() : 1;
  if (roll < 0.01) {
    served.reset++;
    req.socket.destroy();
  } else if (roll < 0.06) {
    served.unavailable++;
    res
      .writeHead(503, { "content-type": "application/json" })
      .end('{"name":"unavailable","message":"try again"}');
  } else {
    served.ok++;
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  }
});
server.listen(0, "127.0.0.1");
await once(server, "listening");
const { port } = server.address() as AddressInfo;
console.log(`load: server on 127.0.0.1:${port} (5 % 503 without Retry-After, 1 % resets)`);

let retriesLogged = 0;
const client = createStabilityClient({
  apiKey: "sk-load-test-key",
  baseUrl: `http://127.0.0.1:${port}`,
  // Each retry is announced with one warn line; counting them cross-checks the server's count.
  logger: {
    error: () => {},
    warn: () => void retriesLogged++,
    info: () => {},
    debug: () => {},
  },
});

// Warm-up without faults, so JIT code and the connection pool are not counted as growth.
const WARMUP = Math.min(1000, CALLS);
let warmed = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (warmed < WARMUP) {
      warmed++;
      await client.balance().catch(() => undefined);
    }
  }),
);
console.log(`load: warm-up of ${WARMUP} calls without faults done (not counted)`);
Object.assign(served, { ok: 0, unavailable: 0, reset: 0 });
retriesLogged = 0;
faults = true;

gc();
const before = process.memoryUsage();
// A starved event loop (this process runs server and client) inflates every latency; say by how much.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const latencies: number[] = [];
const failures = new Map<string, number>();
let successes = 0;
let settled = 0;
let untyped = 0;
let next = 0;

async function worker(): Promise<void> {
  while (next < CALLS) {
    next++;
    const started = performance.now();
    try {
      await client.balance();
      successes++;
    } catch (error) {
      if (error instanceof StabilityError)
        failures.set(error.name, (failures.get(error.name) ?? 0) + 1);
      else untyped++;
    } finally {
      latencies.push(performance.now() - started);
      settled++;
    }
  }
}

console.log(`load: ${CALLS} balance() calls at concurrency ${CONCURRENCY}`);
const wallStart = performance.now();
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
const wall = performance.now() - wallStart;
loopDelay.disable();

// Let pending socket and promise work drain before measuring what stayed alive.
await new Promise((resolve) => setTimeout(resolve, 100));
gc();
const after = process.memoryUsage();
server.closeAllConnections();
server.close();

const requests = served.ok + served.unavailable + served.reset;
const sorted = latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
const mb = (bytes: number) => `${bytes >= 0 ? "+" : ""}${(bytes / 1024 / 1024).toFixed(1)} MB`;
const typed = [...failures].map(([name, count]) => `${name} ${count}`).join(", ") || "none";

console.log(
  `load: calls ${CALLS}, settled ${settled}, successes ${successes}, typed failures ${typed}` +
    (untyped ? `, UNTYPED ${untyped}` : ""),
);
console.log(
  `load: server saw ${requests} requests (${served.ok} ok, ${served.unavailable} 503, ${served.reset} reset); retries ${requests - CALLS} (client logged ${retriesLogged})`,
);
console.log(
  `load: latency p50 ${pct(0.5).toFixed(1)} ms, p99 ${pct(0.99).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms; wall ${(wall / 1000).toFixed(1)} s; event-loop delay p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms`,
);
console.log(
  `load: memory after gc: heap ${mb(after.heapUsed - before.heapUsed)} (${mb(before.heapUsed).slice(1)} → ${mb(after.heapUsed).slice(1)}), rss ${mb(after.rss - before.rss)}`,
);

const problems = [
  settled !== CALLS && `${CALLS - settled} calls never settled`,
  successes + [...failures.values()].reduce((a, b) => a + b, 0) + untyped !== CALLS &&
    "outcomes do not add up to the calls",
  untyped > 0 && `${untyped} failures were not StabilityError`,
  unhandled > 0 && `${unhandled} unhandled rejections`,
  requests - CALLS !== retriesLogged && "server-side retries differ from the client's retry log",
].filter(Boolean);
if (problems.length) fail(`load: FAILED: ${problems.join("; ")}`);
console.log("load: ok, every call settled with a value or a typed error");
