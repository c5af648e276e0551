// --output as cron and node_exporter depend on it: main() in-process, judged by exit code, stdout,
// stderr and the file. A failure is never a success: a file that cannot be written fails the run,
// and a usage error rewrites the file in its format; only regular files are replaced, keeping their
// mode. (node_exporter and promtool read the same files in `npm run test:tools`.)
import { execFileSync } from "node:child_process";
import {
  chmod,
  lstat,
  mkdir,
  readFile,
  readdir,
  readlink,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import path from "node:path";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import { ENV, KEY, api, cli, lines, operatorKit, samples } from "./helpers/operator.ts";
import { closedPort } from "./helpers/server.ts";

const { serve, fresh, scratch } = operatorKit("output");

const SUCCESS_1 = [
  "# HELP stability_credits_check_success Whether reading stability_credits succeeded (1) or failed (0).",
  "# TYPE stability_credits_check_success gauge",
  'stability_credits_check_success{api_version="v1alpha"} 1',
  "",
].join("\n");

describe.concurrent("a failure is never a success", () => {
  it("fails the run when --output cannot be written: exit 1, UNKNOWN for check", async () => {
    const server = await serve(api({ default: 50 }));
    const dir = fresh("a-directory");
    await mkdir(dir);
    for (const target of [path.join(fresh("missing"), "x.prom"), dir]) {
      const base = ["--output", target, "--base-url", server.url];
      const balance = await cli(["balance", ...base]);
      const check = await cli(["check", ...base]);
      const prometheus = await cli(["check", "--format", "prometheus", ...base]);
      expect([balance.code, check.code, prometheus.code]).toEqual([1, 3, 3]);
      expect(lines(balance.stderr)).toEqual([
        expect.stringMatching(
          /^stability-user: (cannot write --output .*\(E\w+\)|--output .* is a directory)/,
        ),
      ]);
      expect(check.stdout).toMatch(/^STABILITY CREDITS UNKNOWN - .*--output/);
      expect(prometheus.stdout).toBe("");
    }
  });

  it("rewrites the Prometheus file with success 0 and the reason for every failure it can name", async () => {
    const server = await serve(api({ "org-ok": 5 }));
    const closed = `http://127.0.0.1:${await closedPort()}`;
    const openKey = fresh("key-0644");
    await writeFile(openKey, KEY, { mode: 0o644 });
    await chmod(openKey, 0o644);
    const cases: [string, string[], Record<string, string>, number, string][] = [
      ["a bad flag value", ["--warning", "ten"], ENV, 3, "usage"],
      ["an unknown flag", ["--quiet"], ENV, 3, "usage"],
      ["a key file others can read", [], { STABILITY_API_KEY_FILE: openKey }, 3, "usage"],
      ["no connection", ["--max-retries", "0", "--base-url", closed], ENV, 3, "temporary"],
      [
        "a refused organization",
        ["--organization", "org-no", "--base-url", server.url],
        ENV,
        3,
        "refused",
      ],
    ];
    const runs = await Promise.all(
      cases.map(async ([, args, env]) => {
        const file = fresh("stability.prom");
        await writeFile(file, SUCCESS_1);
        const run = await cli(["check", "--format", "prometheus", "--output", file, ...args], env);
        return { run, families: parsePrometheusTextFormat(await readFile(file, "utf8")) };
      }),
    );
    for (const [i, { run, families }] of runs.entries()) {
      const [what, , , code, reason] = cases[i]!;
      expect({ what, code: run.code, stdout: run.stdout }).toEqual({ what, code, stdout: "" });
      expect(samples(families, "stability_credits")).toEqual([]);
      expect(samples(families, "stability_credits_check_success").map((s) => s.value)).toEqual([
        "0",
      ]);
      expect(samples(families, "stability_credits_check_failure_info")).toEqual([
        expect.objectContaining({ reason, value: "1" }),
      ]);
    }
  });

  it("prints valid exposition text on stdout for a usage error with --format prometheus", async () => {
    const run = await cli(["check", "--format", "prometheus", "--warning", "bogus"]);
    expect(run.code).toBe(3);
    const families = parsePrometheusTextFormat(run.stdout);
    expect(samples(families, "stability_credits_check_success")).toEqual([{ value: "0" }]);
    expect(samples(families, "stability_credits_check_failure_info")).toEqual([
      { reason: "usage", value: "1" },
    ]);
    expect(lines(run.stderr)).toEqual([
      expect.stringMatching(/^stability-user: --warning must be a range/),
      "Run stability-user --help for usage.",
    ]);
  });

  it("writes a usage error where the output goes, in its format (check's UNKNOWN, JSON)", async () => {
    const [check, asJson] = [fresh("check.txt"), fresh("out.json")];
    await Promise.all([writeFile(check, "STABILITY CREDITS OK - x\n"), writeFile(asJson, "{}\n")]);
    const runs = await Promise.all([
      cli(["check", "--output", check, "--critical", "0x10"]),
      cli(["balance", "--json", "--output", asJson, "--min-credits", "1e3"]),
    ]);
    expect(runs.map((r) => r.code)).toEqual([3, 2]);
    expect(await readFile(check, "utf8")).toMatch(
      /^STABILITY CREDITS UNKNOWN - --critical must be a range .*"0x10"\n$/,
    );
    expect(JSON.parse(await readFile(asJson, "utf8"))).toMatchObject({
      error: {
        type: "UsageError",
        message: expect.stringMatching(/--min-credits must be a decimal/) as string,
      },
    });
  });
});

describe.concurrent("--output writes regular files only", () => {
  const written = (file: string) => readFile(file, "utf8");
  const args = (file: string, url: string) => ["balance", "--output", file, "--base-url", url];

  it("keeps the mode of the file it replaces, and gives a new one 0644 less the umask", async () => {
    const server = await serve(api({ default: 7 }));
    const [private_, group, created, reference] = ["a", "b", "c", "ref"].map(fresh) as [
      string,
      string,
      string,
      string,
    ];
    await writeFile(private_, "old\n");
    await chmod(private_, 0o600);
    await writeFile(group, "old\n");
    await chmod(group, 0o640);
    // What open(2) makes of 0644 under this process's umask.
    await writeFile(reference, "", { mode: 0o644 });
    for (const file of [private_, group, created])
      expect((await cli(args(file, server.url))).code).toBe(0);
    const mode = async (file: string) => (await stat(file)).mode & 0o7777;
    expect(await mode(private_)).toBe(0o600);
    expect(await mode(group)).toBe(0o640);
    expect(await mode(created)).toBe(await mode(reference));
    expect(await written(private_)).toBe("credits: 7\n");
  });

  it("refuses a FIFO at once and leaves it a FIFO, exit 1", async () => {
    const server = await serve(api({ default: 7 }));
    const fifo = fresh("pipe.prom");
    execFileSync("mkfifo", [fifo]);
    const run = await cli(args(fifo, server.url));
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      `stability-user: --output ${fifo} is a FIFO, not a regular file; nothing written`,
    ]);
    expect((await lstat(fifo)).isFIFO()).toBe(true);
  });

  it("writes a character device (a link to /dev/null) in place, the link kept", async () => {
    const server = await serve(api({ default: 7 }));
    const [devNull, devFull] = [fresh("null.prom"), fresh("full.prom")];
    await symlink("/dev/null", devNull);
    await symlink("/dev/full", devFull);
    const [ok, full] = [await cli(args(devNull, server.url)), await cli(args(devFull, server.url))];
    expect(ok).toMatchObject({ code: 0, stderr: "" });
    expect(await readlink(devNull)).toBe("/dev/null");
    expect((await stat("/dev/null")).isCharacterDevice()).toBe(true);
    // /dev/full refuses every write: the write failure fails the run.
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(/cannot write --output .*\(ENOSPC\)/);
    expect(await readlink(devFull)).toBe("/dev/full");
  });

  it("replaces the file a link points to, keeping the link; refuses a link to nothing", async () => {
    const server = await serve(api({ default: 7 }));
    const [target, link, dangling] = [fresh("target.prom"), fresh("link.prom"), fresh("dangling")];
    await writeFile(target, "old\n");
    await symlink(target, link);
    await symlink(fresh("nothing"), dangling);
    const [ok, none] = [await cli(args(link, server.url)), await cli(args(dangling, server.url))];
    expect(ok.code).toBe(0);
    expect(await readlink(link)).toBe(target);
    expect(await written(target)).toBe("credits: 7\n");
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/is a symbolic link to a missing file; nothing written/);
    expect((await lstat(dangling)).isSymbolicLink()).toBe(true);
    // No temporary file is left beside the file replaced.
    const base = path.basename(target);
    expect((await readdir(scratch())).filter((name) => name.startsWith(`.${base}`))).toEqual([]);
  });
});
