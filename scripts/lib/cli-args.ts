// Shared by the scripts: parse flags with node:util, and turn any failure into one line and an exit code.
import { parseArgs, type ParseArgsConfig } from "node:util";

/** The script's flags; `-h`/`--help` prints `usage` and exits 0, a bad flag exits 2 with it. */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(
  options: T,
  usage: string,
) {
  const parse = () =>
    parseArgs({
      args: process.argv.slice(2),
      options: { ...options, help: { type: "boolean", short: "h", default: false } as const },
      allowPositionals: false,
      strict: true,
    }).values;
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    fail(`${(error as Error).message}\n${usage}`, 2);
  }
  if ((parsed as { help?: boolean }).help) {
    console.log(usage);
    process.exit(0);
  }
  return parsed;
}

/** Prints `<script>: <reason>` on stderr and exits; scripts never print a stack for expected failures. */
export function fail(reason: string, code = 1): never {
  process.stderr.write(`${reason}\n`);
  process.exit(code);
}
