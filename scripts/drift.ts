// npm run drift [-- --api-version v1|v1alpha] [--upstream <url|file>] [--format …] [--fail-on …]
// Compares each vendored version's operations with its own upstream, in one run with one report.
// Exit codes like diff(1): 0 no drift at or above --fail-on, 1 drift, 2 could not check.
// `npm run drift -- --help` says it all; the work is in lib/drift-cli.ts.
import { runDrift } from "./lib/drift-cli.ts";

process.exitCode = await runDrift(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  colour: process.stdout.isTTY === true && !process.env.NO_COLOR,
});
