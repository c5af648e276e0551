// Shared by the scripts: parse flags with node:util, and turn any failure into one line and an exit code.
import { parseArgs, type ParseArgsConfig } from "node:util";

export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(
  options: T,
  usage: string,
) {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      options,
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (error) {
    fail(`${(error as Error).message}\n${usage}`, 2);
  }
}

/** Prints `<script>: <reason>` on stderr and exits; scripts never print a stack for expected failures. */
export function fail(reason: string, code = 1): never {
  process.stderr.write(`${reason}\n`);
  process.exit(code);
}
