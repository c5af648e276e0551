// `npm run demo`, the README's first command after install: both CLI commands against a Prism
// mock, and the mock gone afterwards.
import { spawn, spawnSync } from "node:child_process";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";

function npmRunDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn("npm", ["run", "demo"], {
    cwd: new URL("..", import.meta.url),
    // The demo brings its own key; nothing from the shell's STABILITY_* may change what it does.
    env: Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith("STABILITY_")),
    ),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

/** Resolves to whether something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

// Generous: Prism takes a few seconds to start, more on a busy machine.
describe("npm run demo", { timeout: 120_000 }, () => {
  it("prints both commands' output and leaves no Prism process behind", async () => {
    const run = await npmRunDemo();
    expect(run.stderr).not.toMatch(/exited with|Error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("$ stability-user account");
    expect(run.stdout).toMatch(/email:\s+example@stability\.ai/);
    expect(run.stdout).toMatch(/org-123456\s+My Organization\s+MEMBER/);
    expect(run.stdout).toContain("$ stability-user balance --organization org-123456");
    expect(run.stdout).toMatch(/credits: 0\.2944737146168059 \(organization org-123456\)/);
    expect(run.stdout).toContain("demo: stopped the mock");

    const port = Number(/mock listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(run.stdout)?.[1]);
    expect(port).toBeGreaterThan(0);
    expect(await listening(port)).toBe(false);
    const prism = spawnSync("pgrep", ["-f", `prism-cli/dist/index.js mock .*-p ${port} `]);
    expect(prism.stdout.toString()).toBe("");
  });
});
