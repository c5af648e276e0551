// Where the CLI's settings come from: the key (STABILITY_API_KEY or STABILITY_API_KEY_FILE) and the
// client options, built the same way for every command (the MCP server's too).
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { formatWithOptions } from "node:util";
import {
  VERSION,
  levels,
  type ApiVersion,
  type LogLevel,
  type StabilityClientOptions,
} from "../index.js";
import { UsageError, type Values } from "./args.js";
import { clean } from "./text.js";
import { decimalOf } from "./thresholds.js";

export type Env = Record<string, string | undefined>;

/** A key file is a few dozen bytes; a larger one is not a key file. */
const KEY_FILE_BYTES = 4096;

/** The API key, from STABILITY_API_KEY or the file STABILITY_API_KEY_FILE names, trimmed. */
export function readApiKey(env: Env): string {
  // An empty variable (an unset $VAR in a sourced file) counts as unset.
  const file = env.STABILITY_API_KEY_FILE || undefined;
  if (file !== undefined && env.STABILITY_API_KEY)
    throw new UsageError(
      "both STABILITY_API_KEY and STABILITY_API_KEY_FILE are set; unset one of them",
    );
  if (file === undefined) {
    const key = env.STABILITY_API_KEY;
    if (!key?.trim())
      throw new UsageError("no API key: set STABILITY_API_KEY or STABILITY_API_KEY_FILE");
    return key;
  }
  const key = readKeyFile(file).trim();
  if (!key) throw new UsageError(`STABILITY_API_KEY_FILE ${clean(file, 120)} is empty`);
  return key;
}

function readKeyFile(file: string): string {
  const named = `STABILITY_API_KEY_FILE ${clean(file, 120)}`;
  let fd: number;
  try {
    // Non-blocking, so opening a FIFO returns at once (to be refused below) instead of waiting
    // for a writer; a regular file reads the same either way.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    throw new UsageError(`${named} cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
  try {
    // Checked on the open file, so the file checked is the file read.
    const stats = fstatSync(fd);
    const { mode, size } = stats;
    if (!stats.isFile()) throw new UsageError(`${named} is not a regular file`);
    if (process.platform !== "win32" && (mode & 0o007) !== 0)
      throw new UsageError(
        `${named} is readable by others (mode ${(mode & 0o777).toString(8)}); run chmod o-rwx on it`,
      );
    if (size > KEY_FILE_BYTES)
      throw new UsageError(`${named} is over ${KEY_FILE_BYTES} bytes; it should hold the key only`);
    const buffer = Buffer.alloc(KEY_FILE_BYTES + 1);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** A flag's number, decimal only; its range is the library's (or the caller's) to check. */
export function numberOf(values: Values, flag: string): number | undefined {
  const value = values[flag];
  return typeof value === "string" ? decimalOf(`--${flag}`, value) : undefined;
}

/**
 * The client options every command uses. The body is always checked against the schema (and for
 * finite numbers) before it is printed or compared, so a bad answer is never a success. Every
 * setting comes from `values` and `env`, never from process.env, so main() runs the same in a test.
 */
export function clientOptions(
  values: Values,
  env: Env,
  err: (line: string) => void,
): StabilityClientOptions {
  // One line per log call, on stderr: stdout must stay clean for --format json | jq.
  const log = (message: string, ...details: unknown[]) =>
    err(formatWithOptions({ breakLength: Infinity }, message, ...details));
  return {
    validateResponses: true,
    apiVersion: values["api-version"] as ApiVersion | undefined,
    apiKey: readApiKey(env),
    apiKeyPrefix: values["api-key-prefix"] as string | undefined,
    // An empty STABILITY_BASE_URL counts as unset, as it does for the library.
    baseUrl:
      (values["base-url"] as string | undefined) ?? (env.STABILITY_BASE_URL?.trim() || undefined),
    // The library puts its own stability-user-client/<version> after this.
    headers: { "User-Agent": `stability-user/${VERSION}` },
    timeoutMs: numberOf(values, "timeout-ms"),
    maxRetries: numberOf(values, "max-retries"),
    // Failures are reported once, as the exit line; STABILITY_LOG=debug still shows every attempt.
    logLevel: logLevelOf(env, log),
    logger: { error: log, warn: log, info: log, debug: log },
  };
}

/** STABILITY_LOG's level; "off" when unset, "warn" (said once) when it names no level. */
function logLevelOf(env: Env, log: (message: string) => void): LogLevel {
  const level = env.STABILITY_LOG?.trim().toLowerCase() || "off";
  if (Object.hasOwn(levels, level)) return level as LogLevel;
  log(
    `stability-user: STABILITY_LOG ${JSON.stringify(clean(level, 40))} is not a log level (${Object.keys(levels).join(", ")}); using "warn"`,
  );
  return "warn";
}

/** Where a refused library option came from: the flag, variable or key file the user set. */
export function sourceOf(field: string, values: Values, env: Env): string {
  if (field === "baseUrl" && values["base-url"] === undefined) return "STABILITY_BASE_URL";
  if (field === "apiKey" && env.STABILITY_API_KEY_FILE)
    return `the key in STABILITY_API_KEY_FILE ${clean(env.STABILITY_API_KEY_FILE, 120)}`;
  return SOURCE_OF[field] ?? field;
}

/** The library option a refusal names, as the flag or variable it comes from. */
const SOURCE_OF: Record<string, string> = {
  apiKey: "STABILITY_API_KEY",
  apiKeyPrefix: "--api-key-prefix",
  apiVersion: "--api-version",
  baseUrl: "--base-url",
  maxRetries: "--max-retries",
  timeoutMs: "--timeout-ms",
  organization: "--organization",
};
