// workerd, the runtime of Cloudflare Workers: the scenario bundled as a module worker (as wrangler
// would bundle it), served on an ephemeral loopback port that workerd reports on its control fd;
// one request runs the scenario. Its outbound network is loopback only.
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { Context, StepResult } from "../../test/runtimes/scenario.ts";
import { buildEntries, REINSTALL, RUNTIMES_DIR } from "./runtimes-app.ts";
import { bareEnv, firstLine, RUN_LIMIT_MS, RuntimeFailure, type Runtime } from "./runtimes.ts";

/** Any date the pinned workerd supports; with nodejs_compat it gives a `process` global. */
const COMPATIBILITY_DATE = "2025-09-01";

const config = (flags: string[]) => `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "workerd.mjs", esModule = embed "workerd.mjs")],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  compatibilityFlags = ${JSON.stringify(flags)},
  globalOutbound = "loopback",
);
`;

/** The port workerd says it listens on (`{"event":"listen","socket":"http","port":…}` on fd 3). */
async function listenPort(control: Readable): Promise<number | undefined> {
  for await (const line of createInterface({ input: control })) {
    const event = JSON.parse(line) as { event?: string; port?: number };
    if (event.event === "listen") return event.port;
  }
  return undefined;
}

async function serveAndAsk(binary: string, app: string): Promise<StepResult[]> {
  const child = spawn(binary, ["serve", "config.capnp", "--control-fd=3"], {
    cwd: app,
    env: bareEnv(),
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<never>((_, reject) =>
    child.once("close", (code) =>
      reject(new RuntimeFailure(`exited with ${code}: ${firstLine(stderr)}`)),
    ),
  );
  exited.catch(() => {});
  try {
    const port = await Promise.race([listenPort(child.stdio[3] as Readable), exited]);
    if (!port) throw new RuntimeFailure(`reported no port: ${firstLine(stderr)}`);
    const response = await fetch(`http://127.0.0.1:${port}/`, {
      signal: AbortSignal.timeout(RUN_LIMIT_MS),
    });
    const text = await response.text();
    if (!response.ok) throw new RuntimeFailure(`answered ${response.status}: ${firstLine(text)}`);
    return JSON.parse(text) as StepResult[];
  } finally {
    child.kill("SIGKILL");
  }
}

function workerd(name: string, flags: string[]): Runtime {
  return {
    name,
    binary: [path.join(RUNTIMES_DIR, "node_modules/@cloudflare/workerd-linux-64/bin/workerd")],
    versionArgs: ["--version"],
    obtain: REINSTALL,
    async run(binary, app, context: Context) {
      await buildEntries(app, ["workerd"], { kind: "workerd" }, context);
      await writeFile(path.join(app, "config.capnp"), config(flags));
      return serveAndAsk(binary, app);
    },
  };
}

export const WORKERD_RUNTIMES: Runtime[] = [
  workerd("workerd", []),
  workerd("workerd-nodejs_compat", ["nodejs_compat"]),
];
