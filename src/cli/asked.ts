// What a command line asked for, read leniently: when it is refused, the refusal still goes where
// the output would have gone (--output), in the format asked for (a Prometheus file that says
// `stability_credits_check_success 0`, check's UNKNOWN line), so no stale file stays "OK".
import { OPERATIONS } from "../index.js";
import { tokensOf } from "./args.js";
import { FORMATS, type Format } from "./formats.js";

export interface Asked {
  command: string | undefined;
  format: Format | undefined;
  output: string | undefined;
}

/** Every value of each flag, as given; nothing is refused here. */
function lenient(argv: string[]) {
  const tokens = tokensOf(argv, true);
  const given: Record<string, (string | undefined)[]> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    // A value that starts with "-" is a flag the parser took for a value (`--output --json`).
    if (token.kind === "option")
      (given[token.name] ??= []).push(
        token.value?.startsWith("-") && !token.inlineValue ? undefined : token.value,
      );
  }
  return { given, positionals };
}

/** The one value of a flag given once; undefined when it is absent, repeated or empty. */
const once = (values: (string | undefined)[] | undefined) =>
  values?.length === 1 && values[0] ? values[0] : undefined;

/** The command, format and --output a command line names, where it names them unambiguously. */
export function askedFor(argv: string[]): Asked {
  const { given, positionals } = lenient(argv);
  const known = [...Object.keys(OPERATIONS), "check"];
  const command = known.includes(positionals[0] ?? "") ? positionals[0] : undefined;
  const named = once(given.format);
  const format = given.json
    ? named === undefined || named === "json"
      ? "json"
      : undefined
    : (named ?? (command === "check" ? "check" : "text"));
  return {
    command,
    format: (FORMATS as readonly string[]).includes(format ?? "") ? (format as Format) : undefined,
    // Only a command that writes output has a file to rewrite (not `mcp`, not a mistyped command).
    output: command === undefined ? undefined : once(given.output),
  };
}
