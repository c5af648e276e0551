// The CLI: parse, plan, call, render, exit. Output goes through `io`, so nothing here calls
// process.exit; src/cli.ts wires it to the process.
import {
  StabilityInputError,
  VERSION,
  createStabilityClient,
  type OperationName,
  type StabilityClient,
} from "../index.js";
import { UsageError, parse, type Values } from "./args.js";
import { checkOutput, unknownLine } from "./check.js";
import { FAN_OUT, FORMATTERS, type AnyBody } from "./commands.js";
import { clientOptions, numberOf, sourceOf, type Env } from "./config.js";
import { OUTCOMES, STATES, worst, type Outcome } from "./exit.js";
import { failureJson } from "./failure.js";
import { json, prometheus, text, type Format, type Rendered } from "./formats.js";
import { writeAtomically } from "./output.js";
import { checkFlags, commandOf, formatOf, operationOf, scopesOf, type Command } from "./plan.js";
import { proxyOptions } from "./proxy.js";
import { probe, runPlan, type Plan, type Result } from "./run.js";
import { clean } from "./text.js";
import { USAGE } from "./usage.js";

export interface Io {
  /** Writes to stdout (a newline follows). */
  out(text: string): void;
  /** Writes one line to stderr. */
  err(line: string): void;
}

/** Runs the CLI and returns its exit code. */
export async function main(argv: string[], env: Env, io: Io): Promise<number> {
  let command: Command | undefined;
  let format: Format | undefined;
  let given: Values = {};
  try {
    const { values, positionals } = parse(argv);
    given = values;
    if (values.help) return (io.out(USAGE), OUTCOMES.ok.code);
    if (values.version) return (io.out(VERSION), OUTCOMES.ok.code);
    command = commandOf(positionals);
    checkFlags(values, command);
    if (command === "mcp") return await serveMcp(values, env, io);
    format = formatOf(values, command);
    return await run(command, format, values, env, io);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof StabilityInputError)) throw error;
    const message =
      error instanceof StabilityInputError
        ? `${sourceOf(error.field, given)} ${error.problem}`
        : error.message;
    const line = clean(message, 300);
    if (command === "check") io.out(unknownLine(line));
    else if (format === "json") io.out(JSON.stringify(failureJson(new UsageError(line), line)));
    io.err(`stability-user: ${line}`);
    io.err("Run stability-user --help for usage.");
    return command === "check" ? STATES.UNKNOWN.code : OUTCOMES.usage.code;
  }
}

/** A positive number of milliseconds from a flag, or undefined when not given. */
function deadlineOf(values: Values): number | undefined {
  const ms = numberOf(values, "deadline-ms");
  if (ms !== undefined && !(ms > 0))
    throw new UsageError("--deadline-ms must be a positive number of milliseconds");
  return ms;
}

function thresholdsOf(values: Values) {
  const [minCredits, warning, critical] = ["min-credits", "warning", "critical"].map((flag) =>
    numberOf(values, flag),
  );
  if (warning !== undefined && critical !== undefined && critical > warning)
    throw new UsageError(
      "--critical must be at most --warning (each alerts below its value); swap them",
    );
  return { minCredits, warning, critical };
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
  const deadlineMs = deadlineOf(values);
  const proxy = await proxyOptions(env);
  const options = { ...clientOptions(values, env, (line) => io.err(line)), ...proxy };
  const fetch = proxy.fetch ?? globalThis.fetch;
  const client = createStabilityClient(options) as StabilityClient;
  const version = client.apiVersion;
  const { option, scopes, all } = scopesOf(values, name, version);
  const plan: Plan = {
    name,
    option,
    scopes: scopes.length ? scopes : [undefined],
    fromServer: false,
    deadlineMs,
  };
  await probe(client, plan);
  const signal = deadlineMs === undefined ? undefined : AbortSignal.timeout(deadlineMs);
  const results = all
    ? await everyScope(client, fetch, { ...plan, fromServer: true }, signal)
    : await runPlan(client, fetch, plan, signal);
  const many = all || scopes.length > 1;
  if (command === "check") {
    const checked = checkOutput(results, thresholds);
    const rendered =
      format === "prometheus"
        ? prometheus(name, option, results, version)
        : { out: checked.line, err: checked.err };
    await emit(rendered, values, io);
    return STATES[checked.state].code;
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
  await emit(rendered, values, io);
  return OUTCOMES[worst(OUTCOMES, outcomes, "ok")].code;
}

const figureOf = (name: OperationName, body: AnyBody<OperationName>): number | undefined =>
  (FORMATTERS[name] as { figure?: { read(b: AnyBody<OperationName>): number } }).figure?.read(body);

/** The scopes the account lists (--all-organizations), then one call each. */
async function everyScope(
  client: StabilityClient,
  fetch: typeof globalThis.fetch,
  plan: Plan,
  signal: AbortSignal | undefined,
): Promise<Result[]> {
  const source = FAN_OUT[plan.option as keyof typeof FAN_OUT];
  const account = { ...plan, name: source.from, option: undefined, scopes: [undefined] };
  const [listed] = await runPlan(client, fetch, account, signal);
  if (listed!.outcome !== "ok") return [listed!];
  const scopes = source.read(listed!.body as AnyBody<typeof source.from>);
  if (scopes.length === 0) {
    const line = `the account lists no organizations for ${source.flag}`;
    return [{ scope: undefined, error: new Error(line), line, outcome: "failed" }];
  }
  return runPlan(client, fetch, { ...plan, scopes }, signal);
}

/** Writes the output to stdout or --output, and the failure lines to stderr. */
async function emit(rendered: Rendered, values: Values, io: Io): Promise<void> {
  const file = values.output as string | undefined;
  if (file === undefined) {
    if (rendered.out !== "") io.out(rendered.out);
  } else {
    try {
      await writeAtomically(file, `${rendered.out}\n`);
    } catch (error) {
      rendered.err.push(
        `cannot write --output ${clean(file, 120)} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
  }
  for (const line of rendered.err) io.err(`stability-user: ${line}`);
}

/** `stability-user mcp`: the MCP server (src/mcp.ts) and its SDK load only for this command. */
async function serveMcp(values: Values, env: Env, io: Io): Promise<number> {
  const options = {
    ...clientOptions(values, env, (line) => io.err(line)),
    ...(await proxyOptions(env)),
  };
  const { serveMcp, McpSdkMissingError } = await import("../mcp.js");
  try {
    await serveMcp(options);
    return OUTCOMES.ok.code;
  } catch (error) {
    if (!(error instanceof McpSdkMissingError)) throw error;
    io.err(`stability-user: ${clean(error.message, 300)}`);
    return OUTCOMES.failed.code;
  }
}
