// A key file on a file system that never answers (test/tools/hung-fs.py, over FUSE with Debian's
// python3-fusepy), as a hung NFS or FUSE mount behaves: the built CLI must still end by
// --deadline-ms or --timeout-ms, with the exit code and the outputs of a temporary failure, never
// hang in the kernel with the key read. A child process, because the process ending is the claim.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtDist, type BuiltDist } from "../helpers/dist.ts";
import { json, startServer } from "../helpers/server.ts";
import { exec, tool } from "./tools.ts";

const HUNG_FS = path.resolve("test/tools/hung-fs.py");
/** Far past what a run bound at one second takes on an idle machine (about 1.2 s). */
const ENDS_WITHIN_MS = 20_000;

let dist: BuiltDist;
let scratch: string;
let mount: string;
let daemon: ChildProcess;

beforeAll(async () => {
  tool("fusepy");
  dist = await builtDist();
  scratch = await mkdtemp(path.join(tmpdir(), "stability-tools-key-file-"));
  mount = path.join(scratch, "hung");
  await mkdir(mount);
  daemon = spawn(tool("python"), [HUNG_FS, mount], { stdio: ["ignore", "ignore", "pipe"] });
  let said = "";
  daemon.stderr?.setEncoding("utf8").on("data", (chunk: string) => (said += chunk));
  // Mounted once the file is there; a FUSE that cannot mount says why and exits.
  for (let waited = 0; !(await isRegular(path.join(mount, "key"))); waited += 100) {
    if (daemon.exitCode !== null || waited > 10_000)
      throw new Error(`test/tools/hung-fs.py did not mount: ${said.trim() || "no reason given"}`);
    await sleep(100);
  }
});

afterAll(async () => {
  // Killed, the daemon's end of /dev/fuse closes: the kernel ends every read still waiting.
  daemon?.kill("SIGKILL");
  if (mount) await exec(tool("fusermount"), ["-u", "-z", mount]);
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const isRegular = (file: string) =>
  stat(file).then(
    (s) => s.isFile(),
    () => false,
  );

/** The CLI with its key in the hung file (or `file`), and how long it took to end. */
async function run(args: string[], file = "key", baseUrl = "http://127.0.0.1:9") {
  const started = Date.now();
  const ran = await dist.cli([...args, "--base-url", baseUrl], {
    STABILITY_API_KEY_FILE: path.join(mount, file),
  });
  return { ...ran, ms: Date.now() - started };
}

describe("a key file that never answers", () => {
  it("ends the run by --deadline-ms as a temporary failure, exit 5", async () => {
    const ran = await run(["balance", "--deadline-ms", "1000"]);
    expect(ran.ms).toBeLessThan(ENDS_WITHIN_MS);
    expect([ran.code, ran.stdout, ran.stderr]).toEqual([
      5,
      "",
      `stability-user: STABILITY_API_KEY_FILE ${path.join(mount, "key")} did not answer within 1000 ms; nothing read\n`,
    ]);
  });

  it("ends `check` by --timeout-ms as UNKNOWN", async () => {
    const ran = await run(["check", "--timeout-ms", "1000"]);
    expect(ran.ms).toBeLessThan(ENDS_WITHIN_MS);
    expect(ran.code).toBe(3);
    expect(ran.stdout).toMatch(
      /^STABILITY CREDITS UNKNOWN - STABILITY_API_KEY_FILE .* did not answer within 1000 ms/,
    );
  });

  it("writes --output saying the check failed, temporary, which promtool accepts", async () => {
    const output = path.join(scratch, "credits.prom");
    const ran = await run([
      "balance",
      "--format",
      "prometheus",
      "--output",
      output,
      "--deadline-ms",
      "1000",
    ]);
    expect(ran.code).toBe(5);
    const written = await readFile(output, "utf8");
    expect(written).toContain("stability_credits_check_success 0\n");
    expect(written).toContain('stability_credits_check_failure_info{reason="temporary"} 1\n');
    expect(await exec(tool("promtool"), ["check", "metrics"], written)).toMatchObject({ code: 0 });
  });

  it("counts a slow read against --deadline-ms, which bounds the whole command", async () => {
    // The key arrives after 3 s (test/tools/hung-fs.py) and the API answers 2 s after it is asked:
    // within a 4 s deadline for the whole command, the answer can only come too late.
    const api = await startServer((req, res) => {
      setTimeout(() => json(200, { credits: 1 })(req, res), 2000);
    });
    const ran = await run(["balance", "--deadline-ms", "4000"], "slow", api.url);
    await api.close();
    expect(api.received[0]?.headers.authorization).toBe("sk-slow-key-0123");
    expect([ran.code, ran.stdout]).toEqual([5, ""]);
    expect(ran.stderr).toMatch(/no complete answer within --deadline-ms 4000/);
  });
});
