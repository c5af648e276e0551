import { defineConfig } from "vitest/config";

// `npm run test:tools`: the CLI's output read by the tools operators run, from Debian's packages
// (promtool, node_exporter, Nagios Core, python3-nagiosplugin; .ci/run installs them), a key file
// on a FUSE file system that never answers (python3-fusepy, test/tools/key-file.tools.ts), and
// `stability-user mcp` under both MCP SDK generations' clients over real stdio
// (test/tools/mcp.tools.ts). Not part of `npm test`, whose in-process tests hold the same rules
// (test/cli-rules.test.ts, test/cli-output.test.ts, test/cli-monitoring.test.ts, test/mcp.test.ts).
// The files run one after another: each starts a daemon or child processes.
export default defineConfig({
  test: {
    include: ["test/tools/*.tools.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
