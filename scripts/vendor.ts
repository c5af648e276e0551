// npm run vendor [-- --api-version v1|v1alpha] [--upstream <url|file>] [--out <file>]
//                    [--timeout-ms N] [--max-bytes N]
// Each API version's upstream document → its subset in openapi/ (see PIPELINE in lib/pipeline.ts).
// With no flag, every version from its default upstream; `--upstream` alone means v1alpha.
// The work is in lib/vendor-cli.ts.
import { PROCESS_IO } from "./lib/cli-args.ts";
import { runVendor } from "./lib/vendor-cli.ts";

process.exitCode = await runVendor(process.argv.slice(2), PROCESS_IO);
