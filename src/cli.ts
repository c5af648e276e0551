#!/usr/bin/env node
// stability-user: the CLI over the library. Node-only, so it lives outside what src/index.ts loads.
import { parseArgs } from "node:util";
import {
  API_VERSIONS,
  DEFAULTS,
  StabilityError,
  StabilityInputError,
  VERSION,
  createStabilityClient,
  type Account,
  type ApiVersion,
  type Balance,
  type StabilityClientOptions,
} from "./index.js";
import { OBEYED, clean } from "./line.js";

const USAGE = `Usage: stability-user <command> [options]

Commands:
  account                      Who owns the API key, and their organizations
  balance                      Credit balance of the key owner's default organization
  mcp                          Serve the commands above as MCP tools on stdin/stdout
                               (needs the optional package @modelcontextprotocol/sdk)

Options:
  --organization <id>          balance: read this organization's balance
  --min-credits <n>            balance: exit 3 when the balance is below n
  --json                       Print exactly the API's JSON body
  --api-version <version>      ${API_VERSIONS.join(" or ")} (default ${DEFAULTS.apiVersion})
  --base-url <url>             API base URL (default $STABILITY_BASE_URL, else ${DEFAULTS.baseUrl})
  --api-key-prefix <word>      Put a word before the key (default: Bearer on v1, none on v1alpha)
  --timeout-ms <ms>            Time limit per attempt (default ${DEFAULTS.timeoutMs})
  --max-retries <n>            Retries on connection errors, 429 and 5xx (default ${DEFAULTS.maxRetries})
  -h, --help                   Show this help
  -V, --version                Show the version

The API key is read from STABILITY_API_KEY (never from an argument: arguments
end up in shell history and ps). STABILITY_LOG=debug logs every attempt on
stderr, with Authorization redacted.

Exit codes: 0 ok, 1 API or connection error, 2 usage error, 3 balance below --min-credits.`;

const EXIT = { ok: 0, failed: 1, usage: 2, lowBalance: 3 } as const;

/**
 * A JSON body as received, but with each character a terminal would obey inside a string written
 * as a JSON escape, which keeps the JSON value the same. Parsed JSON holds such characters only
 * inside strings; a CR between tokens is whitespace and is dropped.
 */
const printable = (json: string) =>
  json
    .replace(/\r/g, "")
    .replace(OBEYED, (c) =>
      c === "\n" || c === "\t" ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );

/** A fetch that keeps the bytes the library reads of each response body, for --json to print. */
function keepingBodies(fetch: typeof globalThis.fetch) {
  let chunks: Uint8Array[] = [];
  const keeping: typeof globalThis.fetch = async (input, init) => {
    const response = await fetch(input, init);
    chunks = [];
    if (!response.body) return response;
    const tap = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        chunks.push(chunk);
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(tap), response);
  };
  return { fetch: keeping, received: () => Buffer.concat(chunks).toString("utf8") };
}

class UsageError extends Error {}

/** The flag or variable a library option comes from, so messages speak the CLI's language. */
const SOURCE_OF: Record<string, string> = {
  apiKey: "STABILITY_API_KEY",
  apiKeyPrefix: "--api-key-prefix",
  apiVersion: "--api-version",
  baseUrl: "--base-url",
  maxRetries: "--max-retries",
  timeoutMs: "--timeout-ms",
  organization: "--organization",
};

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        organization: { type: "string" },
        "min-credits": { type: "string" },
        json: { type: "boolean", default: false },
        "api-version": { type: "string" },
        "base-url": { type: "string" },
        "api-key-prefix": { type: "string" },
        "timeout-ms": { type: "string" },
        "max-retries": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", short: "V", default: false },
      },
    });
  } catch (error) {
    const hint = argv.some((a) => /^--api-?key(=|$)/.test(a))
      ? " (the key comes from STABILITY_API_KEY, never from an argument)"
      : "";
    throw new UsageError(`${clean((error as Error).message, 300)}${hint}`);
  }
}

/** A flag's number; its range is the library's to check (its error names the flag, see SOURCE_OF). */
function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || Number.isNaN(n))
    throw new UsageError(`--${flag} must be a number, got ${JSON.stringify(clean(value, 40))}`);
  return n;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map(
      (r) =>
        `  ${r
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join("  ")
          .trimEnd()}`,
    )
    .join("\n");
}

function formatAccount(account: Account): string {
  const lines = [`id:     ${clean(account.id)}`, `email:  ${clean(account.email)}`];
  if (account.organizations.length === 0) return [...lines, "organizations: none"].join("\n");
  const rows = account.organizations.map((o) => [
    clean(o.id, 80),
    clean(o.name, 80),
    clean(o.role, 40),
    o.is_default ? "yes" : "no",
  ]);
  return [...lines, "organizations:", table([["ID", "NAME", "ROLE", "DEFAULT"], ...rows])].join(
    "\n",
  );
}

function formatBalance(balance: Balance, organization?: string): string {
  return `credits: ${balance.credits}${organization ? ` (organization ${clean(organization)})` : ""}`;
}

/** `stability-user mcp`: src/mcp.ts, and the MCP SDK it imports, load only for this command. */
async function mcp(options: StabilityClientOptions, err: (line: string) => void): Promise<number> {
  const { serveMcp, McpSdkMissingError } = await import("./mcp.js");
  try {
    await serveMcp(options);
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof McpSdkMissingError)) throw error;
    err(`stability-user: ${error.message}`);
    return EXIT.failed;
  }
}

/** Runs the CLI and returns its exit code; output goes through `out`/`err` so nothing here calls process.exit. */
async function main(
  argv: string[],
  env: Record<string, string | undefined>,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  try {
    const { values, positionals } = parse(argv);
    if (values.help) return (out(USAGE), EXIT.ok);
    if (values.version) return (out(VERSION), EXIT.ok);
    const [command, ...extra] = positionals;
    // An argument that is not a command word is never echoed: it may be a pasted key.
    if (command !== "account" && command !== "balance" && command !== "mcp") {
      throw new UsageError(
        command === undefined
          ? "missing command (account or balance)"
          : /^[a-z][a-z-]{0,19}$/i.test(command)
            ? `unknown command "${command}"`
            : "unknown command (argument 1)",
      );
    }
    if (extra.length > 0) throw new UsageError(`unexpected argument 2 (after ${command})`);
    if (
      command !== "balance" &&
      (values.organization !== undefined || values["min-credits"] !== undefined)
    ) {
      throw new UsageError("--organization and --min-credits apply to balance only");
    }
    const minCredits = number(values["min-credits"], "min-credits");
    if (minCredits !== undefined && !Number.isFinite(minCredits))
      throw new UsageError(
        `--min-credits must be a finite number, got ${clean(values["min-credits"]!, 40)}`,
      );
    if (!env.STABILITY_API_KEY?.trim()) throw new UsageError("no API key: set STABILITY_API_KEY");
    const options: StabilityClientOptions = {
      // Every body is checked against the schema (and for finite numbers) before it is printed
      // or compared, so a bad answer is exit 1, never a success or a stack trace.
      validateResponses: true,
      apiVersion: values["api-version"] as ApiVersion | undefined,
      apiKey: env.STABILITY_API_KEY,
      apiKeyPrefix: values["api-key-prefix"],
      // Without --base-url the library reads STABILITY_BASE_URL (and names it in its errors).
      baseUrl: values["base-url"],
      // The library puts its own stability-user-client/<version> after this.
      headers: { "User-Agent": `stability-user/${VERSION}` },
      timeoutMs: number(values["timeout-ms"], "timeout-ms"),
      maxRetries: number(values["max-retries"], "max-retries"),
      // Failures are reported once, as the exit line; STABILITY_LOG=debug still shows every attempt.
      logLevel: env.STABILITY_LOG ? undefined : "off",
      // console.debug/info write to stdout, which must stay clean for --json | jq.
      logger: {
        error: console.error,
        warn: console.error,
        info: console.error,
        debug: console.error,
      },
    };
    if (command === "mcp") return await mcp(options, err);
    const bodies = keepingBodies(globalThis.fetch);
    const client = createStabilityClient({ ...options, fetch: bodies.fetch });

    if (command === "account") {
      const account = await client.account();
      out(values.json ? printable(bodies.received()) : formatAccount(account));
      return EXIT.ok;
    }
    const balance = await client.balance({ organization: values.organization });
    out(values.json ? printable(bodies.received()) : formatBalance(balance, values.organization));
    if (minCredits !== undefined && balance.credits < minCredits) {
      err(`stability-user: balance ${balance.credits} is below --min-credits ${minCredits}`);
      return EXIT.lowBalance;
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError || error instanceof StabilityInputError) {
      const message =
        error instanceof StabilityInputError
          ? `${SOURCE_OF[error.field] ?? error.field} ${error.problem}`
          : error.message;
      err(`stability-user: ${clean(message, 300)}`);
      err("Run stability-user --help for usage.");
      return EXIT.usage;
    }
    if (error instanceof StabilityError) {
      err(`stability-user: ${clean(error.message, 500)}`);
      return EXIT.failed;
    }
    throw error;
  }
}

// A reader that goes away early (`| head -c1`) is not an error of ours: end quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? EXIT.ok);
});

process.exitCode = await main(
  process.argv.slice(2),
  process.env,
  (line) => process.stdout.write(`${line}\n`),
  (line) => process.stderr.write(`${line}\n`),
);
