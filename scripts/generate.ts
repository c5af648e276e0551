// npm run generate [-- --check] [--api-version v1|v1alpha]: openapi/<version>.openapi.json →
// src/generated/<version>.ts and <version>.validators.ts, for every version (see lib/generate.ts).
// --check compares instead of writing. --spec and --out-dir (with --api-version) let a maintainer
// try a spec into a scratch directory. The work is in lib/generate-cli.ts.
import { PROCESS_IO } from "./lib/cli-args.ts";
import { runGenerate } from "./lib/generate-cli.ts";

process.exitCode = await runGenerate(process.argv.slice(2), PROCESS_IO);
