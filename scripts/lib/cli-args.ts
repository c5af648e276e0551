// Shared by the scripts: parse flags with node:util, and turn any failure into one line and an exit
// code. A script whose work tests call (vendor, generate) is a function of its arguments and an
// `io` (runScript); the others exit the process (parseFlags, fail).
import { parseArgs, type ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Where a script function writes: one line per call, without its newline. */
export interface ScriptIo {
  out(line: string): void;
  err(line: string): void;
}

/** Ends a script function: its one-line reason (stdout when code is 0, as --help's usage) and exit code. */
export class ScriptExit extends Error {
  override name = "ScriptExit";
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** `args`' flags; `-h`/`--help` ends with `usage` and exit 0, a bad flag with it and exit 2. */
export function flagsOf<T extends Options>(args: string[], options: T, usage: string) {
  const parse = () =>
    parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h", default: false } as const },
      allowPositionals: false,
      strict: true,
    }).values;
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    throw new ScriptExit(2, `${(error as Error).message}\n${usage}`);
  }
  if ((parsed as { help?: boolean }).help) throw new ScriptExit(0, usage);
  return parsed;
}

/** Runs a script's body and returns its exit code; a ScriptExit is written, anything else thrown. */
export async function runScript(io: ScriptIo, body: () => Promise<void>): Promise<number> {
  try {
    await body();
    return 0;
  } catch (error) {
    if (!(error instanceof ScriptExit)) throw error;
    if (error.code === 0) io.out(error.message);
    else io.err(error.message);
    return error.code;
  }
}

/** A ScriptIo on the process's stdout and stderr. */
export const PROCESS_IO: ScriptIo = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
};

/** The process's flags; `-h`/`--help` prints `usage` and exits 0, a bad flag exits 2 with it. */
export function parseFlags<T extends Options>(options: T, usage: string) {
  try {
    return flagsOf(process.argv.slice(2), options, usage);
  } catch (error) {
    if (!(error instanceof ScriptExit)) throw error;
    if (error.code === 0) {
      console.log(error.message);
      process.exit(0);
    }
    fail(error.message, error.code);
  }
}

/** Prints `<script>: <reason>` on stderr and exits; scripts never print a stack for expected failures. */
export function fail(reason: string, code = 1): never {
  process.stderr.write(`${reason}\n`);
  process.exit(code);
}
