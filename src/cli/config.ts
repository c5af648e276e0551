// Where the CLI's settings come from: the key (STABILITY_API_KEY or STABILITY_API_KEY_FILE) and the
// client options, built the same way for every command (the MCP server's too).
import { formatWithOptions } from "node:util";
import {
  DEFAULTS,
  VERSION,
  levels,
  type ApiVersion,
  type LogLevel,
  type StabilityClientOptions,
} from "../index.js";
import { UsageError, type Values } from "./args.js";
import { readKeyFile, type KeyFileBound } from "./key-file.js";
import { clean } from "./text.js";
import { decimalOf } from "./thresholds.js";

export type Env = Record<string, string | undefined>;

/**
 * The API key, from STABILITY_API_KEY or the file STABILITY_API_KEY_FILE names, trimmed; the file
 * is waited for until `bound` ends.
 */
async function readApiKey(env: Env, bound: () => KeyFileBound): Promise<string> {
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
  const key = (await readKeyFile(file, bound())).trim();
  if (!key) throw new UsageError(`STABILITY_API_KEY_FILE ${clean(file, 120)} is empty`);
  return key;
}

// A bound that is not positive is refused later, by main.ts or the library, in their own words.
const positive = (ms: number | undefined) => (ms !== undefined && ms > 0 ? ms : undefined);

/**
 * The key file is bound like a call: by the run's deadline (--deadline-ms, armed as the run
 * starts, so the read counts against it), else by --timeout-ms or its default.
 */
function keyFileBound(values: Values, deadline: AbortSignal | undefined): KeyFileBound {
  const deadlineMs = positive(numberOf(values, "deadline-ms"));
  if (deadline && deadlineMs !== undefined) return { signal: deadline, ms: deadlineMs };
  const ms = deadlineMs ?? positive(numberOf(values, "timeout-ms")) ?? DEFAULTS.timeoutMs;
  return { signal: AbortSignal.timeout(ms), ms };
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
export async function clientOptions(
  values: Values,
  env: Env,
  err: (line: string) => void,
  deadline?: AbortSignal,
): Promise<StabilityClientOptions> {
  // One line per log call, on stderr: stdout must stay clean for --format json | jq.
  const log = (message: string, ...details: unknown[]) =>
    err(formatWithOptions({ breakLength: Infinity }, message, ...details));
  return {
    validateResponses: true,
    apiVersion: values["api-version"] as ApiVersion | undefined,
    apiKey: await readApiKey(env, () => keyFileBound(values, deadline)),
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
