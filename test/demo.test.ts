// `npm run demo`, the first command of the README's development section: both CLI commands
// against a Prism mock of each API version's vendored spec, and the mocks gone afterwards.
import { spawn, spawnSync } from "node:child_process";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
// What each mock answers: its spec's examples, as generate wrote them for the testing kit.
import { examples as v1Examples } from "../src/generated/v1.examples.ts";
import { examples as v1alphaExamples } from "../src/generated/v1alpha.examples.ts";

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
  it("shows both commands on both API versions and leaves no Prism process behind", async () => {
    const run = await npmRunDemo();
    expect(run.stderr).not.toMatch(/exited with|Error/);
    expect(run.code).toBe(0);
    // Each version's section: its mock, then its commands and what they printed.
    const [, v1alpha = "", v1 = ""] = run.stdout.split(/^demo: (?=v1alpha: |v1: )/m);
    expect(v1alpha).toMatch(/^v1alpha: mock of openapi\/v1alpha\.openapi\.json listening on /);
    // Each command is printed as it is run: the key and the mock's URL included.
    const mock = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(v1alpha)?.[1] ?? "";
    expect(v1alpha).toContain(
      `$ STABILITY_API_KEY=demo-key stability-user account --base-url ${mock}\n`,
    );
    expect(v1alpha).toMatch(/email:\s+example@stability\.ai/);
    expect(v1alpha).toMatch(/org-123456\s+My Organization\s+MEMBER/);
    expect(v1alpha).toContain(
      `$ STABILITY_API_KEY=demo-key stability-user balance --organization org-123456 --base-url ${mock}\n`,
    );
    expect(v1alpha).toContain(
      `credits: ${v1alphaExamples.balance.credits} (organization org-123456)\n`,
    );
    // v1's account example differs from v1alpha's (org-5678), so these lines can only come from
    // the v1 mock.
    expect(v1).toMatch(/^v1: mock of openapi\/v1\.openapi\.json listening on /);
    const mockV1 = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(v1)?.[1] ?? "";
    expect(v1).toContain(
      `$ STABILITY_API_KEY=demo-key stability-user account --api-version v1 --base-url ${mockV1}\n`,
    );
    expect(v1).toMatch(/org-5678\s+Another Organization\s+MEMBER\s+yes/);
    expect(v1).toContain(
      `$ STABILITY_API_KEY=demo-key stability-user balance --api-version v1 --organization org-123456 --base-url ${mockV1}\n`,
    );
    expect(v1).toContain(`credits: ${v1Examples.balance.credits} (organization org-123456)\n`);
    expect(run.stdout).toContain("demo: stopped the mocks");

    const ports = [...run.stdout.matchAll(/listening on http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) =>
      Number(m[1]),
    );
    expect(ports).toHaveLength(2);
    for (const port of ports) {
      expect(await listening(port)).toBe(false);
      const prism = spawnSync("pgrep", ["-f", `prism-cli/dist/index.js mock .*-p ${port} `]);
      expect(prism.stdout.toString()).toBe("");
    }
  });
});
