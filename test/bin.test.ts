// What only a process shows: the built bin as Node runs it (its version from a literal, the lazy
// import of undici), a reader that closes stdout early, and a process that exits once its call is
// done. Everything else about the CLI runs in-process (test/cli*.test.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { bundled } from "../scripts/lib/bundle-entry.ts";
import { builtDist, type BuiltDist } from "./helpers/dist.ts";
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { json, startConnectProxy, startServer, type TestServer } from "./helpers/server.ts";

const { version: PACKAGE_VERSION, description: PACKAGE_DESCRIPTION } = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8"),
) as { version: string; description: string };
const KEY = "sk-bin-test-0a1b2c3d4e5f";
const ACCOUNT = { id: "user-1", email: "ops@example.com", organizations: [] };

let dist: BuiltDist;
let server: TestServer | undefined;
let child: ChildProcess | undefined;
beforeAll(async () => {
  dist = await builtDist();
});
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill();
  await server?.close();
  server = undefined;
});

/** Runs `command` in bash and returns its exit code and stderr. */
async function bash(command: string, env: Record<string, string>) {
  const proc = spawn("bash", ["-c", command], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child = proc;
  let stderr = "";
  proc.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const [code] = (await once(proc, "close")) as [number | null];
  return { code, stderr };
}

describe("the built bin (dist/cli.js)", () => {
  it("prints the version without a package.json beside it, from a literal in the bundle", async () => {
    // The build directory has no package.json of its own (the old CLI read ../package.json).
    const run = await dist.cli(["--version"]);
    expect(run).toEqual({ code: 0, stdout: `${PACKAGE_VERSION}\n`, stderr: "" });
    for (const file of ["cli.js", "index.js"]) {
      const code = await readFile(path.join(dist.dir, file), "utf8");
      expect(code, file).not.toMatch(/readFile|import\.meta\.url/);
      // Nothing of package.json but its version: not its description (the spec's are fine).
      expect(code, file).not.toContain(PACKAGE_DESCRIPTION);
    }
    // The CLI takes VERSION from the library's bundle, where it is a literal.
    expect(await readFile(path.join(dist.dir, "index.js"), "utf8")).toContain(
      `version: ${JSON.stringify(PACKAGE_VERSION)}`,
    );
  });

  it("imports undici only when a proxy variable is set", async () => {
    const bin = await readFile(path.join(dist.dir, "cli.js"), "utf8");
    expect(bin).not.toMatch(/^import[^;]*from "undici"/m);
    expect(bin).toContain('import("undici")');
  });

  it("prints no library warning when it goes through a proxy", async () => {
    server = await startServer(json(200, { credits: 5 }));
    const proxy = await startConnectProxy();
    const run = await dist.cli(["balance", "--base-url", server.url], {
      STABILITY_API_KEY: KEY,
      HTTP_PROXY: proxy.url,
    });
    await proxy.close();
    expect(proxy.tunnels).toHaveLength(1);
    expect(run).toEqual({ code: 0, stdout: "credits: 5\n", stderr: "" });
  });

  it("ends quietly when stdout is closed early (EPIPE)", async () => {
    server = await startServer(json(200, ACCOUNT));
    const cli = path.join(dist.dir, "cli.js");
    const run = await bash(
      `set -o pipefail; "${process.execPath}" "${cli}" account --base-url ${server.url} | true`,
      { STABILITY_API_KEY: KEY },
    );
    expect(server.received).toHaveLength(1);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });
});

describe("process exit", () => {
  // The failure this guards against is a process held open by the call's 60 s timer or a
  // listener: it would linger 60 s. Anything well under that passes, however loaded the machine.
  const LINGER_LIMIT_MS = 30_000;

  it(
    "lets a process whose only call succeeded exit at once, despite a 60 s timeout",
    { timeout: 120_000 },
    async () => {
      const fixture = fileURLToPath(new URL("./fixtures/one-call.ts", import.meta.url));
      server = await startServer(json(200, { credits: 5 }));
      const proc = spawn(process.execPath, [await bundled(fixture), server.url], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      child = proc;
      let stdout = "";
      let stderr = "";
      let answeredAt = 0;
      let killer: NodeJS.Timeout | undefined;
      proc.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        if (answeredAt) return;
        answeredAt = performance.now();
        // A lingering child is killed past the limit so the assertion below reports it.
        killer = setTimeout(() => proc.kill(), LINGER_LIMIT_MS + 5_000);
      });
      proc.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      // Start-up time varies with load, so the clock starts when the call has answered.
      const [code] = (await once(proc, "exit")) as [number | null];
      const lingered = performance.now() - answeredAt;
      clearTimeout(killer);

      expect(stderr).toBe("");
      expect(stdout).toBe("credits 5\n");
      expect(lingered).toBeLessThan(LINGER_LIMIT_MS);
      expect(code).toBe(0);
      expect(server.received).toHaveLength(1);
    },
  );

  it("ends at --deadline-ms when a proxy never answers CONNECT", { timeout: 120_000 }, async () => {
    // A proxy that takes the tunnel request and says nothing: undici would keep the socket open.
    const sockets: Socket[] = [];
    const proxy = createServer();
    proxy.on("connect", (_req, socket: Socket) => void sockets.push(socket.on("error", () => {})));
    proxy.listen(0, "127.0.0.1");
    await once(proxy, "listening");
    server = await startServer(json(200, { credits: 5 }));
    const proc = spawn(
      process.execPath,
      [path.join(dist.dir, "cli.js"), "balance", "--deadline-ms", "3000", "--base-url", server.url],
      {
        env: {
          STABILITY_API_KEY: KEY,
          HTTP_PROXY: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
        },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    child = proc;
    let stderr = "";
    let saidAt = 0;
    let killer: NodeJS.Timeout | undefined;
    proc.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      if (saidAt) return;
      // The clock starts at the failure line, however long start-up took.
      saidAt = performance.now();
      killer = setTimeout(() => proc.kill(), LINGER_LIMIT_MS + 5_000);
    });
    const [code] = (await once(proc, "exit")) as [number | null];
    const lingered = performance.now() - saidAt;
    clearTimeout(killer);
    for (const socket of sockets) socket.destroy();
    proxy.close();

    expect(stderr).toBe(
      "stability-user: no complete answer within --deadline-ms 3000; gave up after 1 attempt\n",
    );
    expect(lingered).toBeLessThan(LINGER_LIMIT_MS);
    expect(code).toBe(5);
    expect(sockets).toHaveLength(1);
  });
});
