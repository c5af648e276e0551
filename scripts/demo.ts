// npm run demo: the CLI against a Prism mock of the vendored spec; no key or network needed.
import { spawnSync } from "node:child_process";
import { startPrism, type PrismMock } from "./lib/prism.ts";
import { DEFAULT_API_VERSION, PIPELINE } from "./lib/upstream.ts";

const steps = [["account"], ["balance", "--organization", "org-123456"]];

let mock: PrismMock | undefined;
const shutdown = async (code: number) => {
  if (code > 128) console.error("demo: interrupted");
  await mock?.stop();
  if (mock) console.log("demo: stopped the mock");
  process.exit(code);
};
process.once("SIGINT", () => void shutdown(130));
process.once("SIGTERM", () => void shutdown(143));

try {
  console.log(`demo: starting a Prism mock of ${PIPELINE[DEFAULT_API_VERSION].vendored}`);
  mock = await startPrism();
  console.log(`demo: mock listening on ${mock.url}`);
  for (const args of steps) {
    console.log(`\n$ stability-user ${args.join(" ")}`);
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", "src/cli.ts", ...args, "--base-url", mock.url],
      {
        env: { ...process.env, STABILITY_API_KEY: "demo-key" },
        stdio: "inherit",
      },
    );
    if (run.status !== 0) {
      console.error(`demo: stability-user ${args[0]} exited with ${run.status ?? run.signal}`);
      await shutdown(1);
    }
  }
  console.log("");
  await shutdown(0);
} catch (error) {
  console.error(`demo: ${(error as Error).message}`);
  await shutdown(1);
}
