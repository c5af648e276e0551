// The real tools `npm run test:tools` runs, from Debian's packages (.ci/run installs them), and what
// the tier's files share: the built CLI against a fake API on 127.0.0.1, and a child process runner.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { json, type Behaviour } from "../helpers/server.ts";

const TOOLS = {
  promtool: { bin: "/usr/bin/promtool", pkg: "prometheus" },
  nodeExporter: { bin: "/usr/bin/prometheus-node-exporter", pkg: "prometheus-node-exporter" },
  nagios: { bin: "/usr/sbin/nagios4", pkg: "nagios4-core" },
  // Debian's python3, where python3-nagiosplugin installs (not whatever python3 is first on PATH).
  python: { bin: "/usr/bin/python3", pkg: "python3-nagiosplugin" },
  // FUSE from Python, for a file system that never answers (test/tools/hung-fs.py).
  fusepy: { bin: "/usr/lib/python3/dist-packages/fusepy.py", pkg: "python3-fusepy" },
  fusermount: { bin: "/usr/bin/fusermount", pkg: "fuse" },
} as const;

/** A tool's path; a missing one fails the tier naming the package that holds it. */
export function tool(name: keyof typeof TOOLS): string {
  const { bin, pkg } = TOOLS[name];
  if (!existsSync(bin))
    throw new Error(`${bin} is missing: apt-get install ${pkg} (.ci/run installs it)`);
  return bin;
}

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program with `input` on its stdin. */
export function exec(file: string, args: string[], input = ""): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
    // A program that reads no stdin may exit before taking it.
    child.stdin.on("error", () => undefined).end(input);
  });
}

/** A loopback port free a moment ago, for a tool that needs its port on its command line. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const KEY = "sk-tools-tier-0f1e2d3c4b5a";

/** A key file as an operator keeps it: 0600. */
export async function keyFile(file: string): Promise<string> {
  await writeFile(file, `${KEY}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

/**
 * A fake Stability API: /…/account lists `listed` (every key of `credits` by default), /…/balance
 * answers the Organization header's credits, and a 403 with a request id for one it does not know.
 */
export function fakeApi(credits: Record<string, number>, listed = Object.keys(credits)): Behaviour {
  const account = {
    id: "user-1",
    email: "ops@example.com",
    organizations: listed.map((id) => ({ id, name: "N", role: "MEMBER", is_default: false })),
  };
  return (req, res) => {
    if (req.url?.endsWith("/account")) return json(200, account)(req, res);
    const found = credits[String(req.headers.organization ?? "default")];
    if (found === undefined)
      return json(403, { id: "REQ-403", name: "permission_denied", message: "not a member" })(
        req,
        res,
      );
    // Written by hand so a value such as 5.551115123125783e-17 reaches the CLI as JSON writes it.
    res.writeHead(200, { "content-type": "application/json" }).end(`{"credits":${found}}`);
  };
}
