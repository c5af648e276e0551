// Starts and stops a Prism mock of the vendored spec on a free loopback port. Used by the demo
// and the contract tests; the mock runs in its own process group so stop() leaves nothing behind.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { DEFAULT_API_VERSION, PIPELINE } from "./pipeline.ts";

export interface PrismMock {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Everything Prism printed so far (its request log and validation messages). */
  output(): string;
  stop(): Promise<void>;
}

export interface PrismOptions {
  spec?: string;
  /** Random schema-valid bodies (json-schema-faker) instead of the spec's examples. */
  dynamic?: boolean;
  /** Seed for dynamic bodies. Prism re-seeds per request, so every response is then the same body. */
  seed?: string;
  /** Answer requests that break the spec with an error response. @default true */
  errors?: boolean;
  startTimeoutMs?: number;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return port;
}

const prismBin = createRequire(import.meta.url).resolve("@stoplight/prism-cli/dist/index.js");

export async function startPrism(options: PrismOptions = {}): Promise<PrismMock> {
  const {
    spec = PIPELINE[DEFAULT_API_VERSION].vendored,
    dynamic = false,
    seed,
    errors = true,
    startTimeoutMs = 60_000,
  } = options;
  const port = await freePort();
  const args = [prismBin, "mock", "-h", "127.0.0.1", "-p", String(port), "-m", "false"];
  if (errors) args.push("--errors");
  if (dynamic) args.push("-d");
  if (seed) args.push("--seed", seed);
  args.push(spec);
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));

  // Whatever ends this process (a failed step, Ctrl-C during start-up, process.exit) ends the mock too.
  const killOnExit = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // Already gone.
    }
  };
  process.once("exit", killOnExit);
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    await stopProcessGroup(child);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Prism did not start within ${startTimeoutMs} ms`)),
        startTimeoutMs,
      );
      const onData = () => {
        if (/Prism is listening on/.test(log)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(
          new Error(
            `Prism exited with code ${code} before listening: ${log.trim().split("\n").slice(-3).join(" | ")}`,
          ),
        );
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, output: () => log, stop };
}

async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = once(child, "exit");
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Already gone.
    }
  };
  kill("SIGTERM");
  const force = setTimeout(() => kill("SIGKILL"), 3_000);
  await exited;
  clearTimeout(force);
}
