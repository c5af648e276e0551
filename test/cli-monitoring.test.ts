// The CLI as a monitoring system depends on it: main() in-process against local servers and
// proxies, judged by exit code, stdout, stderr and what reached the wire: thresholds as ranges,
// one exact series per organization, a bounded fan-out, every wait ending, clear words and request
// ids. (Nagios, nagiosplugin and node_exporter read the same output in `npm run test:tools`.)
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Worker } from "node:worker_threads";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import { ENV, api, cli, lines, operatorKit, samples } from "./helpers/operator.ts";
import { json, text, type Behaviour } from "./helpers/server.ts";

const { serve, fresh } = operatorKit("monitoring");

describe.concurrent("thresholds in the Monitoring Plugins range syntax", () => {
  it("reads 10:, ~:N, N:M and @N:M, echoing each range as given in the performance data", async () => {
    const server = await serve(api({ low: 5, mid: 15, high: 900 }));
    const run = (...args: string[]) =>
      cli(["check", "--all-organizations", "--base-url", server.url, ...args]);
    const [below, above, band, inside] = await Promise.all([
      run("--warning", "10:"),
      run("--warning", "~:100", "--critical", "~:500"),
      run("--warning", "10:20"),
      run("--critical", "@10.5:20"),
    ]);
    expect(below).toMatchObject({ code: 1, stderr: "" });
    expect(below.stdout).toBe(
      "STABILITY CREDITS WARNING - low 5 (< 10), mid 15, high 900 | " +
        "'low'=5;10:;;0 'mid'=15;10:;;0 'high'=900;10:;;0\n",
    );
    expect(above.code).toBe(2);
    expect(above.stdout).toMatch(/high 900 \(> 500\) \| .*'high'=900;~:100;~:500;0$/m);
    expect(band.stdout).toMatch(
      /^STABILITY CREDITS WARNING - low 5 \(< 10\), mid 15, high 900 \(> 20\) \|/,
    );
    expect(inside.code).toBe(2);
    expect(inside.stdout).toMatch(/mid 15 \(@10\.5:20\).*'mid'=15;;@10\.5:20;0/);
  });

  it("keeps a bare number meaning below it, and refuses 0x10 and 1e3", async () => {
    const server = await serve(api({ default: 42.5 }));
    const runs = await Promise.all(
      [
        ["--warning", "100"],
        ["--warning", "0x10"],
        ["--critical", "1e3"],
      ].map((args) => cli(["check", "--base-url", server.url, ...args])),
    );
    expect(runs[0]!.stdout).toBe(
      "STABILITY CREDITS WARNING - default 42.5 (< 100) | 'default'=42.5;100:;;0\n",
    );
    for (const run of runs.slice(1)) {
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(
        /^STABILITY CREDITS UNKNOWN - --(warning|critical) must be a range/,
      );
    }
  });

  it("writes performance data values in plain decimals", async () => {
    const tiny = await serve(
      text(200, '{"credits": 5.551115123125783e-17}', { "content-type": "application/json" }),
    );
    const huge = await serve(
      text(200, '{"credits": 1e21}', { "content-type": "application/json" }),
    );
    const [a, b] = await Promise.all([
      cli(["check", "--base-url", tiny.url]),
      cli(["check", "--base-url", huge.url]),
    ]);
    expect(a.stdout).toBe(
      "STABILITY CREDITS OK - default 0.00000000000000005551115123125783 | 'default'=0.00000000000000005551115123125783;;;0\n",
    );
    expect(b.stdout).toBe(
      "STABILITY CREDITS OK - default 1000000000000000000000 | 'default'=1000000000000000000000;;;0\n",
    );
  });
});

describe.concurrent("one exact series per organization", () => {
  const long = "o".repeat(200);
  const IDS = ["org-a", "org-a", `${long}-1`, `${long}-2`, "org-b x", "org-b\tx", "org\nc", 'q"\\'];
  const CREDITS = { "org-a": 1, [`${long}-1`]: 2, [`${long}-2`]: 3, "org-b x": 4, 'q"\\': 5 };

  it("asks each distinct id once and writes one series each, the exact id escaped", async () => {
    const server = await serve(api(CREDITS, IDS));
    const run = await cli([
      "balance",
      "--all-organizations",
      "--format",
      "prometheus",
      "--base-url",
      server.url,
    ]);
    const asked = server.received.map((r) => r.headers.organization).filter(Boolean);
    expect(asked.sort()).toEqual(Object.keys(CREDITS).sort());
    const families = parsePrometheusTextFormat(run.stdout);
    const success = samples(families, "stability_credits_check_success");
    expect(success.map((s) => [s.organization, s.value])).toEqual([
      ["org-a", "1"],
      [`${long}-1`, "1"],
      [`${long}-2`, "1"],
      ["org-b x", "1"],
      ["org-b\tx", "0"],
      ["org\nc", "0"],
      ['q"\\', "1"],
    ]);
    expect(samples(families, "stability_credits").map((s) => s.value)).toEqual([
      "1",
      "2",
      "3",
      "4",
      "5",
    ]);
    expect(run.stdout).toContain('organization="org\\nc"');
    expect(run.code).toBe(1);
  });

  it("gives each id its own performance data label, and JSON the exact id", async () => {
    const server = await serve(api(CREDITS, IDS));
    const [check, asJson] = await Promise.all([
      cli(["check", "--all-organizations", "--base-url", server.url]),
      cli(["balance", "--all-organizations", "--json", "--base-url", server.url]),
    ]);
    const perf = check.stdout.split(" | ")[1]!.trim();
    expect(perf).toBe(
      `'org-a'=1;;;0 '${long}-1'=2;;;0 '${long}-2'=3;;;0 'org-b x'=4;;;0 'q"\\'=5;;;0`,
    );
    const elements = JSON.parse(asJson.stdout) as { organization: string }[];
    expect(elements.map((e) => e.organization)).toEqual([...new Set(IDS)]);
  });
});

/** A server that holds each balance request until `batch` are in flight, recording the most at once. */
function batches(batch: number, total: number) {
  const held: (() => void)[] = [];
  let answered = 0;
  const state = { most: 0 };
  const behaviour: Behaviour = (req, res) => {
    if (req.url?.endsWith("/account"))
      return api(
        {},
        [...Array(total).keys()].map((i) => `org-${i}`),
      )(req, res);
    held.push(() => json(200, { credits: 1 })(req, res));
    state.most = Math.max(state.most, held.length);
    if (held.length === Math.min(batch, total - answered)) {
      answered += held.length;
      for (const answer of held.splice(0)) answer();
    }
  };
  return { behaviour, state };
}

describe.concurrent("a bounded fan-out", () => {
  it("has at most --concurrency balance requests in flight (default 4)", async () => {
    const four = batches(4, 10);
    const two = batches(2, 5);
    const [a, b] = [await serve(four.behaviour), await serve(two.behaviour)];
    // A client that sent fewer at once would wait on the held answers until its deadline.
    const runs = await Promise.all([
      cli(["balance", "--all-organizations", "--deadline-ms", "15000", "--base-url", a.url]),
      cli([
        "balance",
        "--all-organizations",
        "--concurrency",
        "2",
        "--deadline-ms",
        "15000",
        "--base-url",
        b.url,
      ]),
    ]);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(four.state.most).toBe(4);
    expect(two.state.most).toBe(2);
    expect(lines(runs[0].stdout)).toHaveLength(10);
  });

  it("refuses a --concurrency that is not a whole number from 1 to 16", async () => {
    for (const value of ["0", "17", "2.5", "-1"]) {
      const run = await cli(["balance", "--organization", "a", "--concurrency", value]);
      expect(run.code).toBe(2);
      expect(lines(run.stderr)[0]).toBe(
        "stability-user: --concurrency must be a whole number from 1 to 16",
      );
    }
  });

  it("starts no request while a 429's Retry-After is in force", async () => {
    const WAIT_MS = 400;
    const arrived: Record<string, number> = {};
    let limitedAt = 0;
    const server = await serve((req, res) => {
      const org = String(req.headers.organization);
      if (arrived[org] === undefined) arrived[org] = performance.now();
      if (org === "org-a" && !limitedAt) {
        limitedAt = performance.now();
        return json(
          429,
          { name: "rate_limited", message: "slow down" },
          { "retry-after-ms": String(WAIT_MS) },
        )(req, res);
      }
      // org-b is answered soon, freeing its slot while the pause is in force.
      setTimeout(() => json(200, { credits: 1 })(req, res), org === "org-b" ? 20 : 0);
    });
    const run = await cli([
      "balance",
      ...["--organization", "org-a", "--organization", "org-b", "--organization", "org-c"],
      ...["--concurrency", "2", "--base-url", server.url],
    ]);
    expect(run.code).toBe(0);
    expect(arrived["org-c"]! - limitedAt).toBeGreaterThanOrEqual(WAIT_MS - 5);
  });
});

/** A CONNECT proxy on 127.0.0.1 that answers each CONNECT with `answer`; it counts them and their sockets. */
async function connectProxy(answer: (socket: Socket) => void) {
  const state = { connects: 0, open: 0 };
  const closed: Promise<unknown>[] = [];
  const server = createServer((_req, res) => res.writeHead(405).end());
  server.on("connect", (_req: IncomingMessage, socket: Socket) => {
    state.connects++;
    state.open++;
    // Read to the end, so the client's close is seen (a paused socket never ends).
    socket.resume();
    closed.push(
      Promise.race([once(socket, "end"), once(socket, "close")]).then(() => state.open--),
    );
    socket.on("error", () => undefined);
    answer(socket);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    /** Resolves once every tunnel is closed, or after `ms`. */
    settled: (ms: number) => Promise.race([Promise.all(closed), sleep(ms)]),
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe.concurrent("every wait ends", () => {
  it("ends at --deadline-ms when a proxy never answers CONNECT, closing the tunnel", async () => {
    const proxy = await connectProxy(() => undefined);
    const server = await serve(json(200, { credits: 1 }));
    // The deadline leaves the CONNECT ten times the time it takes to arrive on an idle machine.
    const run = await cli(["balance", "--deadline-ms", "3000", "--base-url", server.url], {
      ...ENV,
      HTTP_PROXY: proxy.url,
    });
    expect(run.code).toBe(5);
    expect(lines(run.stderr)).toEqual([
      "stability-user: no complete answer within --deadline-ms 3000; gave up after 1 attempt",
    ]);
    // The process would live on while the tunnel is open: the CLI closes it when the run ends.
    await proxy.settled(10_000);
    expect(proxy.state).toEqual({ connects: 1, open: 0 });
    proxy.close();
  });

  it("refuses a key file that is a FIFO at once, without waiting for a writer", async () => {
    const fifo = fresh("key-fifo");
    execFileSync("mkfifo", ["-m", "600", fifo]);
    // A writer that opens the FIFO after 10 s (a reader blocked in open would wait for it).
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const writer = new Worker(
      `const { workerData: { flags, fifo } } = require("node:worker_threads");
       const fs = require("node:fs");
       Atomics.wait(flags, 0, 0, 10000);
       if (Atomics.load(flags, 0) === 0) { Atomics.store(flags, 1, 1); fs.closeSync(fs.openSync(fifo, "w")); }`,
      { eval: true, workerData: { flags, fifo } },
    );
    const run = await cli(["balance"], { STABILITY_API_KEY_FILE: fifo });
    const writerOpened = Atomics.load(flags, 1) === 1;
    Atomics.store(flags, 0, 1);
    Atomics.notify(flags, 0);
    await once(writer, "exit");
    expect(writerOpened).toBe(false);
    expect(run.code).toBe(2);
    expect(lines(run.stderr)[0]).toBe(
      `stability-user: STABILITY_API_KEY_FILE ${fifo} is not a regular file`,
    );
  });

  it("bounds the key file's read by --deadline-ms: unread in time, the run is a temporary failure", async () => {
    const file = fresh("key-slow");
    await writeFile(file, "sk-abc\n", { mode: 0o600 });
    // 1 ms is less than any read takes (it runs in a child process, which a hung file system can
    // hold in the kernel; test/tools/key-file.tools.ts has one that never answers).
    const [run, check] = await Promise.all(
      [["balance"], ["check", "--format", "prometheus"]].map((args) =>
        cli([...args, "--deadline-ms", "1", "--base-url", "http://127.0.0.1:9"], {
          STABILITY_API_KEY_FILE: file,
        }),
      ),
    );
    const line = `stability-user: STABILITY_API_KEY_FILE ${file} did not answer within 1 ms; nothing read`;
    expect([run!.code, lines(run!.stderr)]).toEqual([5, [line]]);
    expect([check!.code, lines(check!.stderr)]).toEqual([3, [line]]);
    expect(check!.stdout).toContain('stability_credits_check_failure_info{reason="temporary"} 1');
  });
});

describe.concurrent("clear words", () => {
  it("refuses a malformed proxy variable in one line that shows no credentials", async () => {
    const runs = await Promise.all(
      ["http://ops:hunter2@[proxy", "socks5://ops:hunter2@proxy:1080"].map((value) =>
        cli(["check", "--base-url", "http://127.0.0.1:9"], { ...ENV, HTTPS_PROXY: value }),
      ),
    );
    for (const run of runs) {
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(
        /^STABILITY CREDITS UNKNOWN - HTTPS_PROXY (is not a URL|must be an http)/,
      );
      expect(lines(run.stderr)).toHaveLength(2);
      expect(run.stdout + run.stderr).not.toContain("hunter2");
    }
  });

  it("says a proxy's 407 is the proxy refusing authentication, and does not retry it", async () => {
    const proxy = await connectProxy((socket) =>
      socket.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="p"\r\nContent-Length: 0\r\n\r\n',
      ),
    );
    const server = await serve(json(200, { credits: 1 }));
    const run = await cli(["balance", "--max-retries", "2", "--base-url", server.url], {
      ...ENV,
      HTTP_PROXY: proxy.url.replace("//", "//ops:wrong@"),
    });
    proxy.close();
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      "stability-user: GET /v1alpha/user/balance: 407 the proxy refused authentication; check the user and password in HTTPS_PROXY or HTTP_PROXY",
    ]);
    expect(proxy.state.connects).toBe(1);
    expect(server.received).toHaveLength(0);
  });

  it("blames STABILITY_API_KEY_FILE, not STABILITY_API_KEY, for a bad key in the file", async () => {
    const file = fresh("key-ctl");
    await writeFile(file, "sk-abc\x01def\n", { mode: 0o600 });
    const run = await cli(["balance", "--base-url", "http://127.0.0.1:9"], {
      STABILITY_API_KEY_FILE: file,
    });
    expect(run.code).toBe(2);
    expect(lines(run.stderr)[0]).toBe(
      `stability-user: the key in STABILITY_API_KEY_FILE ${file} contains a character HTTP cannot carry (a control character or one beyond Latin-1)`,
    );
  });
});

describe.concurrent("request ids", () => {
  it("are shown in check's UNKNOWN line, the failure line and JSON, from the body or a header", async () => {
    const fromBody = await serve(api({}));
    const fromHeader = await serve(
      text(502, "<html>bad gateway</html>", { "x-request-id": "hdr-77" }),
    );
    const [unknown, human, asJson] = await Promise.all([
      cli(["check", "--organization", "org-x", "--base-url", fromBody.url]),
      cli(["balance", "--max-retries", "0", "--base-url", fromHeader.url]),
      cli(["balance", "--json", "--max-retries", "0", "--base-url", fromHeader.url]),
    ]);
    expect(unknown.stdout).toMatch(
      /^STABILITY CREDITS UNKNOWN - org-x .*403 permission_denied: not yours \(request id R-403\)\n$/,
    );
    expect(lines(human.stderr)).toEqual([
      expect.stringMatching(
        /502 <html>bad gateway<\/html> \(request id hdr-77\); gave up after 1 attempt$/,
      ),
    ]);
    expect(JSON.parse(asJson.stdout)).toMatchObject({
      error: { status: 502, requestId: "hdr-77" },
    });
  });
});
