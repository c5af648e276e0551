// Where the CLI's settings come from: the key (STABILITY_API_KEY or STABILITY_API_KEY_FILE) and the
// client options, built the same way for every command (the MCP server's too).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { VERSION, type ApiVersion, type StabilityClientOptions } from "../index.js";
import { UsageError, type Values } from "./args.js";
import { clean } from "./text.js";

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
    fd = openSync(file, "r");
  } catch (error) {
    throw new UsageError(`${named} cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
  try {
    // Checked on the open file, so the file checked is the file read.
    const stats = fstatSync(fd);
    const { mode, size } = stats;
    if (!stats.isFile()) throw new UsageError(`${named} is not a file`);
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

/** A flag's number; its range is the library's (or the caller's) to check. */
export function numberOf(values: Values, flag: string): number | undefined {
  const value = values[flag];
  if (typeof value !== "string") return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n))
    throw new UsageError(`--${flag} must be a number, got ${JSON.stringify(clean(value, 40))}`);
  return n;
}

/**
 * The client options every command uses. The body is always checked against the schema (and for
 * finite numbers) before it is printed or compared, so a bad answer is never a success.
 */
export function clientOptions(values: Values, env: Env): StabilityClientOptions {
  return {
    validateResponses: true,
    apiVersion: values["api-version"] as ApiVersion | undefined,
    apiKey: readApiKey(env),
    apiKeyPrefix: values["api-key-prefix"] as string | undefined,
    // Without --base-url the library reads STABILITY_BASE_URL (and names it in its errors).
    baseUrl: values["base-url"] as string | undefined,
    // The library puts its own stability-user-client/<version> after this.
    headers: { "User-Agent": `stability-user/${VERSION}` },
    timeoutMs: numberOf(values, "timeout-ms"),
    maxRetries: numberOf(values, "max-retries"),
    // Failures are reported once, as the exit line; STABILITY_LOG=debug still shows every attempt.
    logLevel: env.STABILITY_LOG ? undefined : "off",
    // console.debug/info write to stdout, which must stay clean for --format json | jq.
    logger: {
      error: console.error,
      warn: console.error,
      info: console.error,
      debug: console.error,
    },
  };
}

/** The library option a refusal names, as the flag or variable it comes from. */
export const SOURCE_OF: Record<string, string> = {
  apiKey: "STABILITY_API_KEY",
  apiKeyPrefix: "--api-key-prefix",
  apiVersion: "--api-version",
  baseUrl: "--base-url",
  maxRetries: "--max-retries",
  timeoutMs: "--timeout-ms",
  organization: "--organization",
};
