#!/usr/bin/env node
// stability-user: the CLI over the library (src/cli/main.ts). Node-only, so it lives outside what
// src/index.ts loads. This file wires it to the process.
import { main } from "./cli/main.js";

// A reader that goes away early (`| head -c1`) is not an error of ours: end quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});

// undici's proxy agent (src/cli/proxy.ts) warns that it is experimental on every run, which cron
// would mail each time; that one warning is the library's, not the operator's, so it is dropped.
const emitWarning = process.emitWarning.bind(process);
const forward = emitWarning as (...args: unknown[]) => void;
process.emitWarning = (warning: string | Error, ...rest: unknown[]) => {
  const code = (rest[0] as { code?: unknown } | undefined)?.code ?? rest[1];
  if (code !== "UNDICI-EHPA") forward(warning, ...rest);
};

process.exitCode = await main(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
