import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { bundled } from "../scripts/lib/bundle-entry.ts";
import { json, startServer, type TestServer } from "./helpers/server.ts";

const fixture = fileURLToPath(new URL("./fixtures/one-call.ts", import.meta.url));

let server: TestServer | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill();
  await server?.close();
});

describe("process exit", () => {
  it("lets a process whose only call succeeded exit at once, despite a 60 s timeout", async () => {
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
      // A lingering child is killed after 5 s so the assertion below reports it, not a test timeout.
      killer = setTimeout(() => proc.kill(), 5000);
    });
    proc.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    // Startup time varies with load, so the clock starts when the call has answered.
    const [code] = (await once(proc, "exit")) as [number | null];
    const lingered = performance.now() - answeredAt;
    clearTimeout(killer);

    expect(stderr).toBe("");
    expect(stdout).toBe("credits 5\n");
    expect(lingered).toBeLessThan(2000);
    expect(code).toBe(0);
    expect(server.received).toHaveLength(1);
  });
});
