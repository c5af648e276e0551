// The CLI: parse, plan, call, render, exit. Output goes through `io`, so nothing here calls
// process.exit; src/cli.ts wires it to the process.
import {
  StabilityInputError,
  VERSION,
  createStabilityClient,
  type ApiVersion,
  type OperationName,
  type StabilityClient,
} from "../index.js";
import type { McpStdio } from "../mcp.js";
import { UsageError, parse, type Values } from "./args.js";
import { askedFor, type Asked } from "./asked.js";
import { checkOutput, unknownLine, type Thresholds } from "./check.js";
import { CHECKED, FAN_OUT, FORMATTERS, type AnyBody } from "./commands.js";
import { clientOptions, numberOf, sourceOf, type Env } from "./config.js";
import { OUTCOMES, STATES, worst, type Outcome } from "./exit.js";
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY, pauseGate, type PauseGate } from "./fan-out.js";
import { failureJson } from "./failure.js";
import {
  json,
  prometheus,
  prometheusFailure,
  text,
  type Format,
  type Rendered,
} from "./formats.js";
import { OutputRefused, writeOutput } from "./output.js";
import { checkFlags, commandOf, formatOf, operationOf, scopesOf, type Command } from "./plan.js";
import { proxyOptions, type ProxyOptions } from "./proxy.js";
import { probe, runPlan, type Plan, type Result } from "./run.js";
import { clean } from "./text.js";
import { parseRange, type Range } from "./thresholds.js";
import { USAGE } from "./usage.js";

export interface Io {
  /** Writes to stdout (a newline follows). */
  out(text: string): void;
  /** Writes one line to stderr. */
  err(line: string): void;
  /** The streams `mcp` speaks the protocol over; the process's stdin and stdout when not given. */
  mcp?: McpStdio;
}

/** Runs the CLI and returns its exit code. */
export async function main(argv: string[], env: Env, io: Io): Promise<number> {
  let asked: Asked = askedFor(argv);
  let given: Values = {};
  try {
    const { values, positionals } = parse(argv);
    given = values;
    if (values.help) return (io.out(USAGE), OUTCOMES.ok.code);
    if (values.version) return (io.out(VERSION), OUTCOMES.ok.code);
    const command = commandOf(positionals);
    checkFlags(values, command);
    if (command === "mcp") return await serveMcp(values, env, io);
    const format = formatOf(values, command);
    asked = { command, format, output: values.output as string | undefined };
    return await run(command, format, values, env, io);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof StabilityInputError)) throw error;
    const message =
      error instanceof StabilityInputError
        ? `${sourceOf(error.field, given, env)} ${error.problem}`
        : error.message;
    const outcome = error instanceof UsageError ? error.outcome : "usage";
    return refuse(clean(message, 300), outcome, asked, io);
  }
}

/**
 * A usage error (a flag, the key file, a proxy variable) in the format asked for, where the output
 * was to go: a Prometheus file then says the check failed, rather than keeping its last success.
 */
async function refuse(
  line: string,
  outcome: "usage" | "temporary",
  { command, format, output }: Asked,
  io: Io,
): Promise<number> {
  const out =
    format === "prometheus"
      ? prometheusFailure(CHECKED, outcome)
      : format === "json"
        ? JSON.stringify(failureJson(new UsageError(line), line))
        : format === "check" || (command === "check" && format === undefined)
          ? unknownLine(line)
          : "";
  await emit({ out, err: [line] }, output, io);
  if (outcome === "usage") io.err("Run stability-user --help for usage.");
  return command === "check" ? STATES.UNKNOWN.code : OUTCOMES[outcome].code;
}

/** A positive number of milliseconds from a flag, or undefined when not given. */
function deadlineOf(values: Values): number | undefined {
  const ms = numberOf(values, "deadline-ms");
  if (ms !== undefined && !(ms > 0))
    throw new UsageError("--deadline-ms must be a positive number of milliseconds");
  return ms;
}

function concurrencyOf(values: Values): number {
  const n = numberOf(values, "concurrency") ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY)
    throw new UsageError(`--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}`);
  return n;
}

/** Whether a range only alerts below its start (`100:`, or a bare `100`). */
const below = (r: Range) => !r.inside && r.end === Infinity && r.start > -Infinity;

function thresholdsOf(values: Values): Thresholds & { minCredits: number | undefined } {
  const [warning, critical] = (["warning", "critical"] as const).map((flag) =>
    typeof values[flag] === "string" ? parseRange(`--${flag}`, values[flag]) : undefined,
  );
  if (warning && critical && below(warning) && below(critical) && critical.start > warning.start)
    throw new UsageError(
      "--critical must be at most --warning (each alerts below its value); swap them",
    );
  return { minCredits: numberOf(values, "min-credits"), warning, critical };
}

interface Reading {
  name: OperationName;
  option: string | undefined;
  results: Result[];
  version: StabilityClient["apiVersion"];
  many: boolean;
}

async function run(
  command: Exclude<Command, "mcp">,
  format: Format,
  values: Values,
  env: Env,
  io: Io,
): Promise<number> {
  const name = operationOf(command);
  const thresholds = thresholdsOf(values);
  const limits = { deadlineMs: deadlineOf(values), concurrency: concurrencyOf(values) };
  const proxy = await proxyOptions(env);
  try {
    const reading = await read(name, values, env, io, proxy, limits);
    return await report(command, format, values, reading, thresholds, io);
  } finally {
    await proxy.close();
  }
}

/** Makes the run's calls: one per scope, or the account's organizations with --all-organizations. */
async function read(
  name: OperationName,
  values: Values,
  env: Env,
  io: Io,
  proxy: ProxyOptions,
  { deadlineMs, concurrency }: { deadlineMs: number | undefined; concurrency: number },
): Promise<Reading> {
  // Armed first: --deadline-ms bounds the whole command, the key file's read included.
  const signal = deadlineMs === undefined ? undefined : AbortSignal.timeout(deadlineMs);
  const { close: _, ...through } = proxy;
  const err = (line: string) => io.err(line);
  const options = { ...(await clientOptions(values, env, err, signal)), ...through };
  const fetch = proxy.fetch ?? globalThis.fetch;
  // Typed as a client of any version from the start: converting a v1alpha client to one would make
  // the compiler compare two instantiations of openapi-fetch's Client, a second of every type check.
  const client: StabilityClient = createStabilityClient<ApiVersion>(options);
  const version = client.apiVersion;
  const { option, scopes, all } = scopesOf(values, name, version);
  const plan: Plan = {
    name,
    option,
    scopes: scopes.length ? scopes : [undefined],
    fromServer: false,
    deadlineMs,
    concurrency,
  };
  await probe(client, plan);
  const gate = pauseGate();
  const results = all
    ? await everyScope(client, fetch, { ...plan, fromServer: true }, signal, gate)
    : await runPlan(client, fetch, plan, signal, gate);
  return { name, option, results, version, many: all || scopes.length > 1 };
}

/** Renders the results, writes them, and returns the exit code. */
async function report(
  command: Exclude<Command, "mcp">,
  format: Format,
  values: Values,
  { name, option, results, version, many }: Reading,
  thresholds: ReturnType<typeof thresholdsOf>,
  io: Io,
): Promise<number> {
  const output = values.output as string | undefined;
  if (command === "check") {
    const checked = checkOutput(results, thresholds);
    const rendered =
      format === "prometheus"
        ? prometheus(name, option, results, version)
        : { out: checked.line, err: checked.err };
    const unwritten = await emit(rendered, output, io);
    // The plugin's line did not reach its file: the engine reading stdout learns why.
    if (unwritten !== undefined && format === "check") io.out(unknownLine(unwritten));
    return unwritten === undefined ? STATES[checked.state].code : STATES.UNKNOWN.code;
  }
  const rendered =
    format === "json"
      ? json(name, option, results, many)
      : format === "prometheus"
        ? prometheus(name, option, results, version)
        : text(name, option, results);
  const outcomes: Outcome[] = results.map((r) => r.outcome);
  if (thresholds.minCredits !== undefined)
    for (const [i, r] of results.entries())
      if (r.outcome === "ok" && figureOf(name, r.body)! < thresholds.minCredits) {
        outcomes[i] = "low";
        rendered.err.push(
          `${name} ${figureOf(name, r.body)} is below --min-credits ${thresholds.minCredits}${r.scope === undefined ? "" : ` (${option} ${clean(r.scope, 80)})`}`,
        );
      }
  if ((await emit(rendered, output, io)) !== undefined) outcomes.push("failed");
  return OUTCOMES[worst(OUTCOMES, outcomes, "ok")].code;
}

const figureOf = (name: OperationName, body: AnyBody<OperationName>): number | undefined =>
  (FORMATTERS[name] as { figure?: { read(b: AnyBody<OperationName>): number } }).figure?.read(body);

/** The scopes the account lists (--all-organizations), each distinct one once, then one call each. */
async function everyScope(
  client: StabilityClient,
  fetch: typeof globalThis.fetch,
  plan: Plan,
  signal: AbortSignal | undefined,
  gate: PauseGate,
): Promise<Result[]> {
  const source = FAN_OUT[plan.option as keyof typeof FAN_OUT];
  const account = { ...plan, name: source.from, option: undefined, scopes: [undefined] };
  const [listed] = await runPlan(client, fetch, account, signal, gate);
  if (listed!.outcome !== "ok") return [listed!];
  const scopes = [...new Set(source.read(listed!.body as AnyBody<typeof source.from>))];
  if (scopes.length === 0) {
    const line = `the account lists no organizations for ${source.flag}`;
    return [{ scope: undefined, error: new Error(line), line, outcome: "failed" }];
  }
  return runPlan(client, fetch, { ...plan, scopes }, signal, gate);
}

/**
 * Writes the output to stdout or --output, then the failure lines to stderr. Returns why --output
 * could not be written, if it could not: the run then fails, whatever it read.
 */
async function emit(
  rendered: Rendered,
  file: string | undefined,
  io: Io,
): Promise<string | undefined> {
  let unwritten: string | undefined;
  if (file === undefined) {
    if (rendered.out !== "") io.out(rendered.out);
  } else {
    try {
      await writeOutput(file, `${rendered.out}\n`);
    } catch (error) {
      unwritten =
        error instanceof OutputRefused
          ? `--output ${clean(file, 120)} ${error.message}; nothing written`
          : `cannot write --output ${clean(file, 120)} (${(error as NodeJS.ErrnoException).code ?? "error"})`;
    }
  }
  for (const line of [...rendered.err, ...(unwritten === undefined ? [] : [unwritten])])
    io.err(`stability-user: ${line}`);
  return unwritten;
}

/** `stability-user mcp`: the MCP server (src/mcp.ts) and its SDK load only for this command. */
async function serveMcp(values: Values, env: Env, io: Io): Promise<number> {
  const { close, ...proxy } = await proxyOptions(env);
  const options = { ...(await clientOptions(values, env, (line) => io.err(line))), ...proxy };
  const { serveMcp, McpSdkMissingError } = await import("../mcp.js");
  try {
    await serveMcp(options, io.mcp);
    return OUTCOMES.ok.code;
  } catch (error) {
    if (!(error instanceof McpSdkMissingError)) throw error;
    io.err(`stability-user: ${clean(error.message, 300)}`);
    return OUTCOMES.failed.code;
  } finally {
    await close();
  }
}
