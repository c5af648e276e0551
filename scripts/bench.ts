// npm run bench [-- --rounds N --calls N --imports N --upstream <file>]
// Per-call cost of our balance() against raw fetch, openapi-fetch and axios, all in this one process
// against one keep-alive loopback server, in alternating rounds (the order rotates every round, so
// no contender always runs first or after a GC). Then cold-import time of the built entry against
// openapi-fetch's (fresh child processes), and the time of `generate` and `drift`.
// Benchmarks only print figures; the targets are checked by eye and recorded in docs/benchmarks.md.
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus } from "node:os";
import { pathToFileURL } from "node:url";
import axios from "axios";
import createClient from "openapi-fetch";
import { createStabilityClient } from "../src/index.ts";
import { operationPath } from "../src/operations.ts";
import type { paths } from "../src/generated/v1alpha.ts";
import { fail, parseFlags } from "./lib/cli-args.ts";

const flags = parseFlags(
  {
    rounds: { type: "string", default: "200" },
    calls: { type: "string", default: "50" },
    imports: { type: "string", default: "60" },
    upstream: {
      type: "string",
      default: "openapi/upstream/stability-rest-v1alpha.2023-01.openapi.json",
    },
  },
  "usage: npm run bench -- [--rounds N] [--calls N] [--imports N] [--upstream <file>]",
);
const count = (name: "rounds" | "calls" | "imports") => {
  const n = Number(flags[name]);
  if (!Number.isInteger(n) || n < 1) fail(`bench: --${name} must be a whole number ≥ 1`, 2);
  return n;
};
const ROUNDS = count("rounds");
const CALLS = count("calls");
const IMPORTS = count("imports");

const KEY = "sk-bench-0123456789abcdef";
const BODY = JSON.stringify({ credits: 42.5 });
const PATH = operationPath("v1alpha", "balance");
// "At their defaults" means what a user gets, so the shell's STABILITY_LOG must not leak in.
delete process.env.STABILITY_LOG;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function machine(): string {
  const model = cpus()[0]?.model.trim() ?? "unknown CPU";
  return `node ${process.version}, ${model}, ${cpus().length} cores, ${process.platform}/${process.arch}`;
}

// ---- per-call benchmark -------------------------------------------------------------------------

async function perCall(): Promise<void> {
  const server = createServer((_req, res) => {
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(BODY),
    });
    res.end(BODY);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const headers = { Authorization: KEY, Accept: "application/json" };

  const openapi = createClient<paths>({ baseUrl: base });
  const retriesOff = createStabilityClient({ apiKey: KEY, baseUrl: base, maxRetries: 0 });
  const defaults = createStabilityClient({ apiKey: KEY, baseUrl: base });
  // The same client on v1: the second version must cost nothing per call.
  const v1 = createStabilityClient({ apiKey: KEY, baseUrl: base, apiVersion: "v1" });
  const ax = axios.create({ baseURL: base, headers });

  const contenders: [string, () => Promise<unknown>][] = [
    ["raw fetch", async (): Promise<unknown> => (await fetch(base + PATH, { headers })).json()],
    [
      // What a per-attempt timeout costs by itself: undici links the signal into each Request.
      "raw fetch + timeout signal",
      async (): Promise<unknown> => {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), 60_000);
        try {
          return await (await fetch(base + PATH, { headers, signal: controller.signal })).json();
        } finally {
          clearTimeout(timer);
        }
      },
    ],
    ["openapi-fetch, header by hand", async () => (await openapi.GET(PATH, { headers })).data],
    ["our balance(), maxRetries: 0", () => retriesOff.balance()],
    ["our balance(), all defaults", () => defaults.balance()],
    ["our balance(), v1 (Bearer)", () => v1.balance()],
    ["axios, same headers", async () => (await ax.get<unknown>(PATH)).data],
  ];

  // Every contender must actually read the balance, or the comparison is meaningless.
  for (const [name, call] of contenders) {
    const data = (await call()) as { credits?: number };
    if (data.credits !== 42.5) fail(`bench: ${name} did not read the balance`);
  }
  // Warm-up: JIT, connection pools and keep-alive sockets for everyone before measuring.
  for (let i = 0; i < 3; i++)
    for (const [, call] of contenders) for (let n = 0; n < CALLS; n++) await call();

  const samples = contenders.map(() => [] as number[]);
  const roundMeans = contenders.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const index = (k + round) % contenders.length;
      const call = contenders[index]![1];
      const roundStart = performance.now();
      for (let n = 0; n < CALLS; n++) {
        const start = performance.now();
        await call();
        samples[index]!.push(performance.now() - start);
      }
      roundMeans[index]!.push((performance.now() - roundStart) / CALLS);
    }
  }
  server.closeAllConnections();
  server.close();

  const rawMedian = median(samples[0]!);
  const rawMean = median(roundMeans[0]!);
  console.log(
    `bench: per call, ${ROUNDS} alternating rounds × ${CALLS} calls each (median of calls; median of round means)`,
  );
  contenders.forEach(([name], i) => {
    const med = median(samples[i]!);
    const mean = median(roundMeans[i]!);
    console.log(
      `bench:   ${name.padEnd(32)} ${(med * 1000).toFixed(1).padStart(7)} µs  ×${(med / rawMedian).toFixed(3)}   |  ${(mean * 1000).toFixed(1).padStart(7)} µs  ×${(mean / rawMean).toFixed(3)}`,
    );
  });
}

// ---- cold import --------------------------------------------------------------------------------

/** Time of `await import(specifier)` in a fresh Node process, in ms (process start-up excluded). */
function importOnce(specifier: string): number {
  const script =
    "const t = performance.now(); await import(process.env.BENCH_URL); process.stdout.write(String(performance.now() - t));";
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, BENCH_URL: specifier, NODE_OPTIONS: "" },
    encoding: "utf8",
  });
  const ms = Number(child.stdout);
  if (child.status !== 0 || !Number.isFinite(ms))
    fail(`bench: importing ${specifier} failed: ${child.stderr.trim().split("\n")[0] ?? ""}`);
  return ms;
}

async function coldImport(): Promise<void> {
  const built = spawnSync("npm", ["run", "build"], { encoding: "utf8" });
  if (built.status !== 0 || !existsSync("dist/index.js")) fail("bench: npm run build failed");
  console.log("bench: built dist/ for the cold-import runs");

  // Both by package name from the repository root (ours through the package's self-reference), so
  // each pays the bare-specifier resolution a user's import pays. The empty module is Node's floor:
  // what the first import() costs before any code is loaded.
  await mkdir(".tmp/bench", { recursive: true });
  await writeFile(".tmp/bench/empty.mjs", "export {};\n");
  // Any package built on openapi-fetch pays for one more module and one more package resolution.
  await writeFile(".tmp/bench/wrapper.mjs", 'export { default } from "openapi-fetch";\n');
  const targets: [string, string][] = [
    ["(floor: an empty module)", pathToFileURL(".tmp/bench/empty.mjs").href],
    ["openapi-fetch", "openapi-fetch"],
    [
      "(a one-line module re-exporting openapi-fetch)",
      pathToFileURL(".tmp/bench/wrapper.mjs").href,
    ],
    ["stability-user-client (dist/index.js)", "stability-user-client"],
  ];
  const times = targets.map(() => [] as number[]);
  for (let run = 0; run < IMPORTS; run++)
    targets.forEach(([, specifier], i) => times[i]!.push(importOnce(specifier)));

  const reference = median(times[1]!);
  console.log(`bench: cold import, median of ${IMPORTS} fresh processes each (alternating)`);
  targets.forEach(([name], i) => {
    const ms = median(times[i]!);
    console.log(
      `bench:   ${name.padEnd(48)} ${ms.toFixed(2).padStart(6)} ms  ×${(ms / reference).toFixed(2)}`,
    );
  });
}

// ---- pipeline scripts ---------------------------------------------------------------------------

function timeScript(label: string, args: string[], runs = 3): void {
  const times: number[] = [];
  let status: number | null = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const child = spawnSync("npm", ["run", "--silent", ...args], { encoding: "utf8" });
    times.push(performance.now() - start);
    status = child.status;
    if (status !== 0 && status !== 1) {
      console.log(
        `bench:   ${label}: exited with ${status ?? child.signal}: ${child.stderr.trim().split("\n")[0] ?? ""}`,
      );
      return;
    }
  }
  console.log(
    `bench:   ${label.padEnd(48)} ${(median(times) / 1000).toFixed(2).padStart(6)} s   exit ${status}`,
  );
}

function pipeline(): void {
  console.log("bench: pipeline scripts, wall time with npm and tsx start-up, median of 3 runs");
  // --check does all the work of generate but writes nothing, so a benchmark never edits src/.
  timeScript("npm run generate -- --check", ["generate", "--", "--check"]);
  if (!existsSync("scripts/drift.ts")) {
    console.log("bench:   drift skipped (scripts/drift.ts does not exist yet)");
  } else if (!existsSync(flags.upstream)) {
    console.log(`bench:   drift skipped (no upstream document at ${flags.upstream})`);
  } else {
    timeScript(`npm run drift -- --upstream <local file>`, [
      "drift",
      "--",
      "--upstream",
      flags.upstream,
    ]);
  }
}

console.log(`bench: ${machine()}`);
await perCall();
await coldImport();
pipeline();
