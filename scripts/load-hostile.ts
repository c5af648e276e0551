// npm run load:hostile: memory under a hostile server. balance() calls at the default
// maxResponseBytes (1 MiB) against a local server that answers with a 256 MiB gzip bomb, then
// with an endless body. Checks that every call ends with "body over 1048576 bytes" and that the
// server saw every connection closed, and prints peak and retained memory. A script, not a test.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";
import { StabilityResponseError, createStabilityClient } from "../src/index.ts";
import { fail, parseFlags } from "./lib/cli-args.ts";

const flags = parseFlags(
  {
    calls: { type: "string", default: "20" },
    concurrency: { type: "string", default: "4" },
    "bomb-mib": { type: "string", default: "256" },
  },
  "usage: npm run load:hostile [-- --calls N --concurrency N --bomb-mib N]",
);
const CALLS = Number(flags.calls);
const CONCURRENCY = Number(flags.concurrency);
const BOMB_MIB = Number(flags["bomb-mib"]);
if (![CALLS, CONCURRENCY, BOMB_MIB].every((n) => Number.isInteger(n) && n > 0))
  fail("load:hostile: --calls, --concurrency and --bomb-mib must be positive integers", 2);
// Peak RSS growth allowed: the cap per call in flight, plus room for zlib and socket buffers, the
// JIT and the server in this same process (runs measured 22–60 MB; unbounded, one call took 806 MB).
const LIMIT_MB = 128;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const bomb = gzipSync(Buffer.alloc(BOMB_MIB * 1024 * 1024), { level: 9 });
const chunk = Buffer.alloc(64 * 1024, "x");
let mode: "bomb" | "endless" = "bomb";
const sockets = { opened: 0, closed: 0 };
let endlessBytes = 0;

const server = createServer((req, res) => {
  sockets.opened++;
  req.socket.once("close", () => sockets.closed++);
  if (mode === "bomb") {
    res
      .writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" })
      .end(bomb);
    return;
  }
  res.writeHead(200, { "content-type": "application/json" });
  const pump = () => {
    while (!res.destroyed) {
      endlessBytes += chunk.length;
      if (!res.write(chunk)) break;
    }
  };
  res.on("drain", pump);
  pump();
});
server.listen(0, "127.0.0.1");
await once(server, "listening");
const { port } = server.address() as AddressInfo;
const client = createStabilityClient({
  apiKey: "sk-load-hostile-key",
  baseUrl: `http://127.0.0.1:${port}`,
  logLevel: "off",
});
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const problems: string[] = [];

async function scenario(name: typeof mode, describe: string): Promise<void> {
  mode = name;
  Object.assign(sockets, { opened: 0, closed: 0 });
  gc();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sample = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }, 2);
  const outcomes = new Map<string, number>();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < CALLS) {
        const outcome = await client.balance().then(
          () => "resolved",
          (error: Error) =>
            error instanceof StabilityResponseError &&
            /body over 1048576 bytes$/.test(error.message)
              ? "body over 1048576 bytes"
              : `${error.name}: ${error.message}`,
        );
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
    }),
  );
  const wall = performance.now() - started;
  // Let the sockets' close events arrive before counting them.
  for (let i = 0; i < 200 && sockets.closed < sockets.opened; i++)
    await new Promise((resolve) => setTimeout(resolve, 5));
  clearInterval(sample);
  gc();
  const after = process.memoryUsage();
  const summary = [...outcomes].map(([outcome, n]) => `${n}× ${outcome}`).join(", ");
  console.log(
    `load:hostile: ${describe}: ${CALLS} calls at concurrency ${CONCURRENCY}: ${summary}`,
  );
  console.log(
    `load:hostile: ${name}: ${(wall / CALLS).toFixed(0)} ms a call; connections opened ${sockets.opened}, closed ${sockets.closed}`,
  );
  console.log(
    `load:hostile: ${name}: peak growth rss +${mb(peakRss - before.rss)}, heap +${mb(peakHeap - before.heapUsed)}; retained after gc rss ${mb(after.rss - before.rss)}, heap ${mb(after.heapUsed - before.heapUsed)}`,
  );
  if (outcomes.get("body over 1048576 bytes") !== CALLS)
    problems.push(`${name}: not every call ended with "body over 1048576 bytes"`);
  if (sockets.closed !== sockets.opened) problems.push(`${name}: connections left open`);
  if (peakRss - before.rss > LIMIT_MB * 1024 * 1024)
    problems.push(`${name}: peak rss growth over ${LIMIT_MB} MB`);
}

await scenario(
  "bomb",
  `gzip bomb of ${BOMB_MIB} MiB (${(bomb.length / 1024).toFixed(0)} KB on the wire)`,
);
await scenario("endless", "endless 200 body");
console.log(
  `load:hostile: the endless server wrote ${mb(endlessBytes)} in all before the client let go`,
);
server.closeAllConnections();
server.close();
if (problems.length) fail(`load:hostile: FAILED: ${problems.join("; ")}`);
console.log(`load:hostile: ok, memory stayed within ${LIMIT_MB} MB of peak growth`);
