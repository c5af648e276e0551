// The usage summary, written from the tables: commands from the operation table's formatters,
// options from FLAGS, exit codes from OUTCOMES and STATES.
import { OPERATIONS, type OperationName } from "../index.js";
import { FLAGS } from "./args.js";
import { FORMATTERS } from "./commands.js";
import { OUTCOMES, STATES } from "./exit.js";

const COMMANDS: [string, string][] = [
  ...(Object.keys(OPERATIONS) as OperationName[]).map((name): [string, string] => [
    name,
    FORMATTERS[name].summary,
  ]),
  ["check", "a monitoring plugin: OK, WARNING, CRITICAL or UNKNOWN, with performance data"],
  ["mcp", "a Model Context Protocol server over stdio (needs @modelcontextprotocol/server)"],
];

const column = (rows: [string, string][]) =>
  rows.map(([left, right]) => `  ${left.padEnd(29)}${right}`).join("\n");

const flagRows = Object.entries(FLAGS).map(([name, f]): [string, string] => [
  `${f.short ? `-${f.short}, ` : ""}--${name}${f.value ? ` ${f.value}` : ""}`,
  f.help,
]);

export const USAGE = `Usage: stability-user <command> [options]

Commands:
${column(COMMANDS)}

Options:
${column(flagRows)}

The API key is read from STABILITY_API_KEY, or from the file STABILITY_API_KEY_FILE names
(refused when others can read it), never from an argument: arguments end up in shell history
and ps. HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured. STABILITY_LOG=debug logs every
attempt on stderr, with Authorization redacted.

Exit codes: ${Object.values(OUTCOMES)
  .map((o) => o.code)
  .sort()
  .map((code) => `${code} ${Object.entries(OUTCOMES).find(([, o]) => o.code === code)![0]}`)
  .join(", ")}.
check exits ${Object.entries(STATES)
  .map(([state, s]) => `${s.code} ${state}`)
  .join(", ")}.`;
