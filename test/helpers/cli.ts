// The CLI in-process: main() with the arguments and environment a shell would give it, stdout and
// stderr collected as the process would write them (src/cli.ts adds a newline to each write).
// A throw out of main() is what the process would report as a crash: exit 1 and a stack on stderr.
import { inspect } from "node:util";
import { main, type Io } from "../../src/cli/main.ts";
import type { Run } from "./server.ts";

/**
 * Runs `stability-user ...args` with exactly `env` (nothing of process.env); `mcp` speaks the
 * protocol over `mcpStdio` (test/helpers/mcp.ts).
 */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  mcpStdio?: Io["mcp"],
): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    out: (text: string) => void (stdout += `${text}\n`),
    err: (line: string) => void (stderr += `${line}\n`),
    ...(mcpStdio && { mcp: mcpStdio }),
  };
  try {
    const code = await main(args, env, io);
    return { code, stdout, stderr };
  } catch (error) {
    return { code: 1, stdout, stderr: `${stderr}${inspect(error)}\n` };
  }
}

/** Runs a script function (runVendor, runGenerate) with `args`, collecting its lines as a process would. */
export async function runScriptFn(
  fn: (args: string[], io: { out(line: string): void; err(line: string): void }) => Promise<number>,
  args: string[],
): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await fn(args, {
    out: (line) => void (stdout += `${line}\n`),
    err: (line) => void (stderr += `${line}\n`),
  });
  return { code, stdout, stderr };
}
