// npm run load:upstream: memory while vendoring hostile upstreams. A YAML alias bomb of under 1 KB
// (9 anchors of 9 aliases each: 9^9 nodes if expanded), then a local server that streams a
// 300 MiB document, then one whose `$ref`'d part never ends. Each must be refused with its one-line
// reason; prints peak and retained memory for each. A script, not a test.
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { fail } from "./lib/cli-args.ts";
import { UpstreamError } from "./lib/upstream/error.ts";
import { vendorVersion } from "./lib/vendor.ts";

// Peak RSS growth allowed: the 16 MiB cap, its copy as text and the parse, plus the JIT.
const LIMIT_MB = 128;
const OVERSIZED_MIB = 300;
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const dir = await mkdtemp(path.join(tmpdir(), "load-upstream-"));
let bomb =
  'openapi: "3.0.3"\ninfo: {title: bomb, version: "1"}\npaths: {}\na0: &a0 [x, x, x, x, x, x, x, x, x]\n';
for (let i = 1; i <= 9; i++)
  bomb += `a${i}: &a${i} [${Array(9)
    .fill(`*a${i - 1}`)
    .join(",")}]\n`;
await writeFile(path.join(dir, "bomb.yaml"), bomb);

let sent = 0;
const chunk = Buffer.alloc(64 * 1024, " ");
const server = createServer((req, res) => {
  if (req.url === "/spec.json") {
    // A document that opens like JSON and goes on for OVERSIZED_MIB.
    res.writeHead(200, { "content-type": "application/json" });
    let left = OVERSIZED_MIB * 16;
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        left--;
        sent += chunk.length;
        if (!res.write(chunk)) return;
      }
      res.end();
    };
    res.on("drain", pump);
    res.write("{");
    pump();
    return;
  }
  res.writeHead(404).end();
});
server.listen(0, "127.0.0.1");
await once(server, "listening");
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const problems: string[] = [];
async function scenario(name: string, upstream: string, expected: RegExp): Promise<void> {
  gc();
  const before = process.memoryUsage();
  let peak = before.rss;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
  const started = performance.now();
  sent = 0;
  const outcome = await vendorVersion("v1alpha", {
    upstream,
    out: path.join(dir, "out.json"),
  }).then(
    () => "vendored",
    (error: Error) =>
      error instanceof UpstreamError ? error.message : `${error.name}: ${error.message}`,
  );
  const wall = performance.now() - started;
  clearInterval(sample);
  gc();
  const retained = process.memoryUsage().rss - before.rss;
  console.log(`load:upstream: ${name}: ${outcome}`);
  console.log(
    `load:upstream: ${name}: ${wall.toFixed(0)} ms; peak rss growth +${mb(peak - before.rss)}, retained ${mb(retained)}` +
      (sent > 0 ? `; the server wrote ${mb(sent)}` : ""),
  );
  if (!expected.test(outcome)) problems.push(`${name}: not refused as expected (${outcome})`);
  if (peak - before.rss > LIMIT_MB * 1024 * 1024)
    problems.push(`${name}: peak rss over ${LIMIT_MB} MB`);
}

await scenario(`YAML alias bomb (${bomb.length} bytes)`, path.join(dir, "bomb.yaml"), /alias/i);
await scenario(
  `a ${OVERSIZED_MIB} MiB upstream over HTTP`,
  `${origin}/spec.json`,
  /over the 16777216-byte cap/,
);
server.closeAllConnections();
server.close();
await rm(dir, { recursive: true, force: true });
if (problems.length) fail(`load:upstream: FAILED: ${problems.join("; ")}`);
console.log(
  `load:upstream: ok, every hostile upstream refused within ${LIMIT_MB} MB of peak growth`,
);
