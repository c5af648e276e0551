// From the parsed flags to what to call: which command, which flags apply to it, which format,
// and the scopes (one per --organization, or every organization of the account).
import { OPERATIONS, type ApiVersion, type OperationName } from "../index.js";
import { FLAGS, UsageError, type Values } from "./args.js";
import { CHECKED, FAN_OUT, FORMATTERS } from "./commands.js";
import { FORMATS, type Format } from "./formats.js";
import { operationsTaking, parametersOf, type FlagParameter } from "./params.js";
import { listing } from "./text.js";

export type Command = OperationName | "check" | "mcp";

/** The command word, or a usage error that never echoes an argument that is not a word. */
export function commandOf(positionals: string[]): Command {
  const [word, ...extra] = positionals;
  const known = [...Object.keys(OPERATIONS), "check", "mcp"];
  if (word === undefined) throw new UsageError(`missing command (${known.join(", ")})`);
  // An argument that is not a command word is never echoed: it may be a pasted key.
  if (!known.includes(word))
    throw new UsageError(
      /^[a-z][a-z-]{0,19}$/i.test(word)
        ? `unknown command "${word}"; the commands are ${known.join(", ")}`
        : "unknown command (argument 1)",
    );
  if (extra.length > 0) throw new UsageError(`unexpected argument 2 (after ${word})`);
  return word as Command;
}

/** The operation a command calls. */
export const operationOf = (command: Exclude<Command, "mcp">): OperationName =>
  command === "check" ? CHECKED : command;

const hasFigure = (name: OperationName) => "figure" in FORMATTERS[name];

/** The commands a flag applies to. */
function commandsFor(flag: string): Command[] {
  const { scope } = FLAGS[flag]!;
  const operations = Object.keys(OPERATIONS) as OperationName[];
  if (scope === "any") return [...operations, "check"];
  if (scope === "client") return [...operations, "check", "mcp"];
  if (scope === "figure") return operations.filter(hasFigure);
  if (scope === "check") return ["check"];
  const option = scope === "fan-out" ? "organization" : flag;
  const taking = operationsTaking(option);
  return [...taking, ...(taking.includes(CHECKED) ? (["check"] as const) : [])];
}

/** Refuses a flag given to a command it does not apply to, naming those it applies to. */
export function checkFlags(values: Values, command: Command): void {
  for (const flag of Object.keys(values)) {
    const applies = commandsFor(flag);
    if (!applies.includes(command))
      throw new UsageError(`--${flag} applies to ${listing(applies)} only`);
  }
}

/** The output format: --format, or --json, or the command's own. */
export function formatOf(values: Values, command: Command): Format {
  const given = values.format as string | undefined;
  if (values.json && given !== undefined && given !== "json")
    throw new UsageError(`--json is --format json; give one of them, not --format ${given}`);
  const format = values.json ? "json" : (given ?? (command === "check" ? "check" : "text"));
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format must be one of ${FORMATS.join(", ")}`);
  const allowed: readonly string[] =
    command === "check"
      ? ["check", "prometheus"]
      : [
          "text",
          "json",
          ...(hasFigure(operationOf(command as OperationName)) ? ["prometheus"] : []),
        ];
  if (!allowed.includes(format))
    throw new UsageError(
      `--format ${format} does not apply to ${command}; use ${allowed.join(" or ")}`,
    );
  return format as Format;
}

const allFlag = (values: Values, option: string) =>
  Object.hasOwn(FAN_OUT, option) &&
  values[FAN_OUT[option as keyof typeof FAN_OUT].flag.slice(2)] === true;

/** Refuses an empty value, a list in one value, a value beside its --all- flag, or a required one missing. */
export function checkGiven(
  p: FlagParameter & { given: string[]; all: boolean },
  name: string,
  version: ApiVersion,
) {
  const { flag, given, all } = p;
  for (const value of given) {
    if (value.trim() === "")
      throw new UsageError(`${flag} is empty; give an id, or leave ${flag} out`);
    if (value.includes(","))
      throw new UsageError(`${flag} takes one value; repeat it for several: ${flag} a ${flag} b`);
  }
  if (all && given.length)
    throw new UsageError(
      `give ${flag} or ${FAN_OUT[p.option as keyof typeof FAN_OUT].flag}, not both`,
    );
  // Whether the version requires it is the spec's to say (src/cli/params.ts reads it).
  if (p.required && given.length === 0 && !all)
    throw new UsageError(
      `${name} on ${version} needs ${flag}: its spec requires the ${p.in} ${p.name}`,
    );
}

/**
 * The call option the run's scopes go to, and its values (a repeated flag, each once), or `all`
 * for every value the account lists. One call option per run: the operation table has one today.
 */
export function scopesOf(values: Values, name: OperationName, version: ApiVersion) {
  const parameters = parametersOf(version, name).map((p) => ({
    ...p,
    given: [...new Set((values[p.option] as string[] | undefined) ?? [])],
    all: allFlag(values, p.option),
  }));
  for (const p of parameters) checkGiven(p, name, version);
  const used = parameters.filter((p) => p.given.length > 0 || p.all);
  if (used.length > 1)
    throw new UsageError(`give ${used.map((p) => p.flag).join(" or ")}, one of them per run`);
  const [p] = used;
  return { option: p?.option, scopes: p?.given ?? [], all: p?.all ?? false };
}
