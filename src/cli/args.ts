// The command line: the flags as data, the parser, and usage errors in the CLI's own words.
// node:util's parseArgs tokenises; every refusal is worded here, naming the flag and the fix.
import { parseArgs } from "node:util";
import { API_VERSIONS, DEFAULTS } from "../index.js";
import { nearest } from "../suggest.js";
import { PARAMETER_OPTIONS, flagOf, operationsTaking } from "./params.js";
import { listing } from "./text.js";

/** A usage error: one line naming the flag and the fix; the usage summary follows it. */
export class UsageError extends Error {
  override name = "UsageError";
  /** How the run ends: a usage error, or (a key file that does not answer) a temporary failure. */
  readonly outcome: "usage" | "temporary" = "usage";
}

/** Which commands a flag applies to; main.ts checks it against the command given. */
export type Scope = "any" | "client" | "figure" | "check" | "parameter" | "fan-out";

interface Flag {
  type: "string" | "boolean";
  /** How the value is written in the usage (`<n>`); string flags only. */
  value?: string;
  help: string;
  scope: Scope;
  short?: string;
  multiple?: boolean;
  /** A number, so a value such as `-5` is read as one rather than taken for a flag. */
  numeric?: boolean;
}

const parameterFlags = Object.fromEntries(
  PARAMETER_OPTIONS.map((option) => [
    flagOf(option).slice(2),
    {
      type: "string",
      value: "<value>",
      help: `${listing(operationsTaking(option))}: send this ${option} (repeat for several; one result each)`,
      scope: "parameter",
      multiple: true,
    } satisfies Flag,
  ]),
);

/** Every flag, by name without the dashes. */
export const FLAGS: Record<string, Flag> = {
  ...parameterFlags,
  "all-organizations": {
    type: "boolean",
    help: "read the account, then every organization in it (one result each)",
    scope: "fan-out",
  },
  concurrency: {
    type: "string",
    value: "<n>",
    help: "balance requests in flight at once for several organizations (default 4, at most 16)",
    scope: "fan-out",
    numeric: true,
  },
  "min-credits": {
    type: "string",
    value: "<n>",
    help: "balance: exit 3 when a balance is below n",
    scope: "figure",
    numeric: true,
  },
  warning: {
    type: "string",
    value: "<range>",
    help: "check: WARNING when a balance is outside the range (100 or 100: is below 100; ~:10, 10:20, @10:20)",
    scope: "check",
    numeric: true,
  },
  critical: {
    type: "string",
    value: "<range>",
    help: "check: CRITICAL when a balance is outside the range (as --warning)",
    scope: "check",
    numeric: true,
  },
  format: {
    type: "string",
    value: "<format>",
    help: "text (default), json, prometheus (balance, check), check (check's default)",
    scope: "any",
  },
  json: { type: "boolean", help: "same as --format json", scope: "any" },
  output: {
    type: "string",
    value: "<file>",
    help: "write the output to this file atomically (temp file, then rename) instead of stdout",
    scope: "any",
  },
  "api-version": {
    type: "string",
    value: "<version>",
    help: `${API_VERSIONS.join(" or ")} (default ${DEFAULTS.apiVersion})`,
    scope: "client",
  },
  "base-url": {
    type: "string",
    value: "<url>",
    help: `API base URL (default $STABILITY_BASE_URL, else ${DEFAULTS.baseUrl})`,
    scope: "client",
  },
  "api-key-prefix": {
    type: "string",
    value: "<word>",
    help: "put a word before the key (default: Bearer on v1, none on v1alpha)",
    scope: "client",
  },
  "timeout-ms": {
    type: "string",
    value: "<ms>",
    help: `time limit per attempt (default ${DEFAULTS.timeoutMs})`,
    scope: "client",
    numeric: true,
  },
  "max-retries": {
    type: "string",
    value: "<n>",
    help: `retries on connection errors, 429 and 5xx (default ${DEFAULTS.maxRetries})`,
    scope: "client",
    numeric: true,
  },
  "deadline-ms": {
    type: "string",
    value: "<ms>",
    help: "time limit for the whole command, retries and waits included (default none)",
    scope: "client",
    numeric: true,
  },
  help: { type: "boolean", short: "h", help: "show this help", scope: "any" },
  version: { type: "boolean", short: "V", help: "show the version", scope: "any" },
};

export type Values = Record<string, string | boolean | string[] | undefined>;
export interface Parsed {
  values: Values;
  positionals: string[];
}

const KEY_FLAG = /^--api-?key(=|$)/;
const NUMBER = /^-\d|^-\.\d/;

/** The flag as typed, without any value; a short flag by its letter. */
const shown = (raw: string) => (/^--?[\w-]{1,40}$/.test(raw) ? raw : "an option");

/** argv as node:util's tokens for FLAGS, refusing nothing; `repeated` takes every flag as repeatable. */
export function tokensOf(argv: string[], repeated = false) {
  const options = Object.fromEntries(
    Object.entries(FLAGS).map(([name, f]) => [
      name,
      {
        type: f.type,
        ...(f.short ? { short: f.short } : {}),
        multiple: repeated || (f.multiple ?? false),
      },
    ]),
  );
  return parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true })
    .tokens;
}

/** Parses argv by FLAGS; throws UsageError in the CLI's words. Values are never echoed. */
export function parse(argv: string[]): Parsed {
  const tokens = tokensOf(argv);
  const values: Values = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    const flag = FLAGS[token.name];
    if (!flag) throw unknownFlag(token.rawName);
    const name = `--${token.name}`;
    if (flag.type === "boolean") {
      if (token.value !== undefined) throw new UsageError(`${name} takes no value`);
      values[token.name] = true;
      continue;
    }
    const value = token.value;
    if (
      value === undefined ||
      (!token.inlineValue && value.startsWith("-") && !(flag.numeric && NUMBER.test(value)))
    )
      throw new UsageError(
        `${name} needs a value: ${name} ${flag.value}${value?.startsWith("-") ? ` (a value that starts with "-" is written ${name}=${flag.value})` : ""}`,
      );
    if (flag.multiple) values[token.name] = [...((values[token.name] as string[]) ?? []), value];
    else if (values[token.name] !== undefined)
      throw new UsageError(`${name} is given twice; give it once`);
    else values[token.name] = value;
  }
  return { values, positionals };
}

function unknownFlag(raw: string): UsageError {
  if (KEY_FLAG.test(raw))
    return new UsageError(
      "there is no --api-key: the key comes from STABILITY_API_KEY or STABILITY_API_KEY_FILE, never from an argument",
    );
  const flag = shown(raw);
  const near = flag.startsWith("--") ? nearest(flag.slice(2), Object.keys(FLAGS)) : undefined;
  return new UsageError(`unknown option ${flag}${near ? `; did you mean --${near}?` : ""}`);
}
