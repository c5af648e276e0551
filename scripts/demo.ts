// npm run demo: the CLI against Prism mocks of the vendored specs, one per API version (v1alpha,
// the default, and v1, what Stability documents today); no key or network needed.
import { spawnSync } from "node:child_process";
import { API_VERSIONS, type ApiVersion } from "../src/operations.ts";
import { bundled } from "./lib/bundle-entry.ts";
import { startPrism, type PrismMock } from "./lib/prism.ts";
import { DEFAULT_API_VERSION, PIPELINE } from "./lib/pipeline.ts";

/** The commands shown for a version; the default version needs no --api-version. */
const steps = (version: ApiVersion) => {
  const flag = version === DEFAULT_API_VERSION ? [] : ["--api-version", version];
  return [
    ["account", ...flag],
    ["balance", ...flag, "--organization", "org-123456"],
  ];
};

/** The mocks accept any key; this one is shown in each command. */
const KEY = "demo-key";
const mocks: PrismMock[] = [];
const shutdown = async (code: number) => {
  if (code > 128) console.error("demo: interrupted");
  await Promise.all(mocks.map((mock) => mock.stop()));
  if (mocks.length > 0) console.log(`demo: stopped the mock${mocks.length > 1 ? "s" : ""}`);
  process.exit(code);
};
process.once("SIGINT", () => void shutdown(130));
process.once("SIGTERM", () => void shutdown(143));

try {
  const specs = API_VERSIONS.map((version) => PIPELINE[version].vendored);
  console.log(`demo: starting Prism mocks of ${specs.join(" and ")}`);
  // Started together: each takes a few seconds, most of it Prism loading itself. Meanwhile the CLI
  // is bundled from src/ once, so each command below starts in a tenth of the time tsx takes.
  const [cli, ...started] = await Promise.allSettled([
    bundled("src/cli.ts"),
    ...specs.map((spec) => startPrism({ spec })),
  ]);
  for (const result of started) if (result.status === "fulfilled") mocks.push(result.value);
  const failed = [cli, ...started].find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
  const cliFile = (cli as PromiseFulfilledResult<string>).value;
  for (const [i, version] of API_VERSIONS.entries()) {
    const { url } = mocks[i]!;
    console.log(`\ndemo: ${version}: mock of ${specs[i]} listening on ${url}`);
    for (const step of steps(version)) {
      // The command as run, mock and key included: pasted into a shell, it calls the same mock.
      const args = [...step, "--base-url", url];
      console.log(`\n$ STABILITY_API_KEY=${KEY} stability-user ${args.join(" ")}`);
      const run = spawnSync(process.execPath, [cliFile, ...args], {
        env: { ...process.env, STABILITY_API_KEY: KEY },
        stdio: "inherit",
      });
      if (run.status !== 0) {
        console.error(
          `demo: stability-user ${args.join(" ")} exited with ${run.status ?? run.signal}`,
        );
        await shutdown(1);
      }
    }
  }
  console.log("");
  await shutdown(0);
} catch (error) {
  console.error(`demo: ${(error as Error).message}`);
  await shutdown(1);
}
