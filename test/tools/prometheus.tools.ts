// The CLI's Prometheus output as Prometheus reads it: `promtool check metrics` on every output
// (success, partial failure, usage error, key error, no connection), and node_exporter 1.5's
// textfile collector scraping the --output file, which must leave `node_textfile_scrape_error 0`
// and one series per organization. The built CLI runs against a fake API on 127.0.0.1.
import { spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtDist, type BuiltDist } from "../helpers/dist.ts";
import { closedPort, startServer, type TestServer } from "../helpers/server.ts";
import { KEY, exec, fakeApi, freePort, keyFile, tool } from "./tools.ts";

const LONG = "o".repeat(200);
/** Every id a label must carry exactly: quotes, backslashes, a long id and its twin, a repeat. */
const CLEAN = { "org-a": 500, 'org-"q"\\x': 42.5, [`${LONG}-1`]: 1, [`${LONG}-2`]: 2 };
/** The same, plus ids no request can carry (tab, newline) and one the API refuses. */
const LISTED = [...Object.keys(CLEAN), "org-a", "org-b\tx", "org-b x", "org\nc", "org-refused"];

let dist: BuiltDist;
let api: TestServer;
let scratch: string;
let key: string;
beforeAll(async () => {
  tool("promtool");
  tool("nodeExporter");
  dist = await builtDist();
  api = await startServer(fakeApi({ ...CLEAN, "org-b x": 3 }, LISTED));
  scratch = await mkdtemp(path.join(tmpdir(), "stability-tools-prometheus-"));
  key = await keyFile(path.join(scratch, "key"));
});
afterAll(async () => {
  await api.close();
  await rm(scratch, { recursive: true, force: true });
});

/** The built CLI with the key file; `--format prometheus` and the fake API unless args say otherwise. */
const cli = (args: string[], env: Record<string, string> = { STABILITY_API_KEY_FILE: key }) =>
  dist.cli(["--format", "prometheus", ...args], env);

/** The Prometheus text each case writes, on stdout or through --output. */
async function outputs() {
  const openKey = path.join(scratch, "key-0644");
  await writeFile(openKey, KEY);
  await chmod(openKey, 0o644);
  const viaFile = path.join(scratch, "via-output.prom");
  const cases: [string, Promise<{ code: number | null; text: string }>][] = [
    ["success", run(["balance", "--all-organizations", "--base-url", api.url])],
    [
      "success for clean ids only",
      run([
        "check",
        ...Object.keys(CLEAN).flatMap((id) => ["--organization", id]),
        "--base-url",
        api.url,
      ]),
    ],
    ["partial failure", run(["check", "--all-organizations", "--base-url", api.url])],
    ["usage error", run(["check", "--warning", "10:5", "--base-url", api.url])],
    [
      "key error, through --output",
      cli(["balance", "--output", viaFile, "--base-url", api.url], {
        STABILITY_API_KEY_FILE: openKey,
      }).then(async (r) => ({ code: r.code, text: await readFile(viaFile, "utf8") })),
    ],
    [
      "no connection",
      run([
        "balance",
        "--max-retries",
        "0",
        "--base-url",
        `http://127.0.0.1:${await closedPort()}`,
      ]),
    ],
  ];
  return cases;

  async function run(args: string[]) {
    const r = await cli(args);
    return { code: r.code, text: r.stdout };
  }
}

describe("promtool check metrics", () => {
  it("accepts every output the CLI writes, failures included", async () => {
    const cases = await outputs();
    const seen: Record<string, unknown> = {};
    for (const [name, result] of cases) {
      const { code, text } = await result;
      const checked = await exec(tool("promtool"), ["check", "metrics"], text);
      seen[name] = { code, promtool: checked };
      expect({ name, ...checked }, text).toEqual({ name, code: 0, stdout: "", stderr: "" });
      expect(text).toMatch(/^# HELP stability_credits /);
    }
    // Each case is what its name says: the exit codes of the CLI.
    expect(
      Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, (v as { code: number }).code])),
    ).toEqual({
      success: 1,
      "success for clean ids only": 0,
      "partial failure": 3,
      "usage error": 3,
      "key error, through --output": 2,
      "no connection": 5,
    });
  });
});

describe("node_exporter's textfile collector", () => {
  let exporter: ChildProcess | undefined;
  let metricsUrl: string;
  let dir: string;
  beforeAll(async () => {
    dir = path.join(scratch, "textfile");
    await mkdir(dir);
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    exporter = spawn(
      tool("nodeExporter"),
      [
        `--web.listen-address=127.0.0.1:${port}`,
        "--collector.disable-defaults",
        "--collector.textfile",
        `--collector.textfile.directory=${dir}`,
      ],
      { stdio: "ignore" },
    );
    for (let i = 0; i < 300; i++) {
      if (
        await fetch(metricsUrl).then(
          (r) => r.ok,
          () => false,
        )
      )
        return;
      await sleep(100);
    }
    throw new Error("node_exporter did not answer on 127.0.0.1 within 30 s");
  });
  afterAll(() => void exporter?.kill());

  /** One scrape, as families. */
  const scrape = async () => parsePrometheusTextFormat(await (await fetch(metricsUrl)).text());
  const family = (families: ReturnType<typeof parsePrometheusTextFormat>, name: string) =>
    (families.find((f) => f.name === name)?.metrics ?? []) as {
      labels?: Record<string, string>;
      value: string;
    }[];

  it("reads one series per organization, the exact ids, with no scrape error", async () => {
    const file = path.join(dir, "stability.prom");
    const run = await cli([
      "balance",
      "--all-organizations",
      "--output",
      file,
      "--base-url",
      api.url,
    ]);
    expect(run.code).toBe(1);
    const families = await scrape();
    expect(family(families, "node_textfile_scrape_error")).toEqual([{ value: "0" }]);
    const success = family(families, "stability_credits_check_success");
    expect(success.map((s) => [s.labels?.organization, s.value])).toEqual(
      expect.arrayContaining([
        ["org-a", "1"],
        ['org-"q"\\x', "1"],
        [`${LONG}-1`, "1"],
        [`${LONG}-2`, "1"],
        ["org-b x", "1"],
        ["org-b\tx", "0"],
        ["org\nc", "0"],
        ["org-refused", "0"],
      ]),
    );
    expect(success).toHaveLength(new Set(LISTED).size);
    expect(family(families, "stability_credits")).toHaveLength(5);
    expect(
      family(families, "stability_credits_check_failure_info").map((s) => [
        s.labels?.organization,
        s.labels?.reason,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ["org-b\tx", "failed"],
        ["org\nc", "failed"],
        ["org-refused", "refused"],
      ]),
    );
  });

  it("reads success 0 after a usage error rewrote the file that said 1", async () => {
    const file = path.join(dir, "stability.prom");
    const ok = await cli([
      "check",
      "--organization",
      "org-a",
      "--output",
      file,
      "--base-url",
      api.url,
    ]);
    expect(ok.code).toBe(0);
    expect(family(await scrape(), "stability_credits_check_success").map((s) => s.value)).toEqual([
      "1",
    ]);
    const refused = await cli([
      "check",
      "--organization",
      "org-a",
      "--warning",
      "0x10",
      "--output",
      file,
    ]);
    expect(refused.code).toBe(3);
    const families = await scrape();
    expect(family(families, "node_textfile_scrape_error")).toEqual([{ value: "0" }]);
    expect(family(families, "stability_credits_check_success")).toEqual([{ value: "0" }]);
    expect(family(families, "stability_credits_check_failure_info")).toEqual([
      { labels: { reason: "usage" }, value: "1" },
    ]);
  });
});
