// `stability-user check` as Nagios Core 4.4 runs it: a minimal configuration whose services run the
// built CLI against a fake API on 127.0.0.1, and the state, output and performance data Nagios
// records in status.dat for OK, WARNING, CRITICAL and UNKNOWN. python3-nagiosplugin (the Monitoring
// Plugins' range semantics as a library) then reads the same thresholds and must agree.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alerts, parseRange } from "../../src/cli/thresholds.ts";
import { builtDist } from "../helpers/dist.ts";
import { startServer, type TestServer } from "../helpers/server.ts";
import { exec, fakeApi, keyFile, tool } from "./tools.ts";

const CREDITS = {
  "org-ok": 500,
  "org-low": 50,
  "org-crit": 5,
  "org-mid": 15,
  "org-tiny": 5.551115123125783e-17,
};

/** Each service: its check's arguments, and what Nagios must record. */
const SERVICES: Record<string, { args: string; state: number; output: RegExp; perf: string }> = {
  ok: {
    args: "--organization org-ok --warning 100 --critical 10",
    state: 0,
    output: /^STABILITY CREDITS OK - org-ok 500$/,
    perf: "'org-ok'=500;100:;10:;0",
  },
  warning: {
    args: "--organization org-low --warning 100 --critical 10",
    state: 1,
    output: /^STABILITY CREDITS WARNING - org-low 50 \(< 100\)$/,
    perf: "'org-low'=50;100:;10:;0",
  },
  critical: {
    args: "--organization org-crit --warning 100 --critical 10",
    state: 2,
    output: /^STABILITY CREDITS CRITICAL - org-crit 5 \(< 10\)$/,
    perf: "'org-crit'=5;100:;10:;0",
  },
  unknown: {
    args: "--organization org-gone --warning 100 --critical 10",
    state: 3,
    output:
      /^STABILITY CREDITS UNKNOWN - org-gone .*403 permission_denied: not a member \(request id REQ-403\)$/,
    perf: "",
  },
  "usage error": {
    args: "--organization org-ok --warning 1e3",
    state: 3,
    output: /^STABILITY CREDITS UNKNOWN - --warning must be a range/,
    perf: "",
  },
  "inside a range": {
    args: "--organization org-mid --warning @10:20 --critical '~:1000'",
    state: 1,
    output: /^STABILITY CREDITS WARNING - org-mid 15 \(@10:20\)$/,
    perf: "'org-mid'=15;@10:20;~:1000;0",
  },
  "plain decimals": {
    args: "--organization org-tiny --warning 0.5 --critical 0:1",
    state: 1,
    output: /^STABILITY CREDITS WARNING - org-tiny 0\.00000000000000005551115123125783 \(< 0\.5\)$/,
    perf: "'org-tiny'=0.00000000000000005551115123125783;0.5:;0:1;0",
  },
  "every organization": {
    args: "--all-organizations --warning 100 --critical 10",
    state: 2,
    output:
      /^STABILITY CREDITS CRITICAL - org-ok 500, org-low 50 \(< 100\), org-crit 5 \(< 10\), org-mid 15 \(< 100\), org-tiny 0\.0+5551115123125783 \(< 10\)$/,
    perf: "'org-ok'=500;100:;10:;0 'org-low'=50;100:;10:;0 'org-crit'=5;100:;10:;0 'org-mid'=15;100:;10:;0 'org-tiny'=0.00000000000000005551115123125783;100:;10:;0",
  },
};

/** Nagios's main configuration: everything in `dir`, checks at once, results read every second. */
const mainConfig = (dir: string) =>
  Object.entries({
    log_file: `${dir}/nagios.log`,
    cfg_file: `${dir}/objects.cfg`,
    status_file: `${dir}/status.dat`,
    status_update_interval: 1,
    object_cache_file: `${dir}/objects.cache`,
    precached_object_file: `${dir}/objects.precache`,
    temp_file: `${dir}/nagios.tmp`,
    temp_path: dir,
    lock_file: `${dir}/nagios.lock`,
    check_result_path: `${dir}/checkresults`,
    state_retention_file: `${dir}/retention.dat`,
    retain_state_information: 0,
    nagios_user: process.getuid?.() === 0 ? "root" : process.env.USER,
    nagios_group: process.getuid?.() === 0 ? "root" : process.env.USER,
    check_external_commands: 0,
    enable_notifications: 0,
    use_syslog: 0,
    interval_length: 1,
    service_inter_check_delay_method: "n",
    max_service_check_spread: 1,
    check_result_reaper_frequency: 1,
    enable_flap_detection: 0,
    enable_environment_macros: 0,
    execute_host_checks: 0,
    illegal_macro_output_chars: '`~$&|"<>',
  })
    .map(([name, value]) => `${name}=${value}`)
    .join("\n");

const block = (type: string, fields: Record<string, string | number>) =>
  `define ${type} {\n${Object.entries(fields)
    .map(([k, v]) => `  ${k} ${v}`)
    .join("\n")}\n}`;

function objects(command: string): string {
  const days = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
  const always = {
    check_period: "always",
    notification_period: "always",
    notification_interval: 0,
    contacts: "nobody",
  };
  return [
    block("timeperiod", {
      timeperiod_name: "always",
      alias: "always",
      ...Object.fromEntries(days.map((d) => [d, "00:00-24:00"])),
    }),
    block("command", { command_name: "noop", command_line: "/bin/true" }),
    block("contact", {
      contact_name: "nobody",
      host_notifications_enabled: 0,
      service_notifications_enabled: 0,
      host_notification_period: "always",
      service_notification_period: "always",
      host_notification_options: "n",
      service_notification_options: "n",
      host_notification_commands: "noop",
      service_notification_commands: "noop",
    }),
    // The README's command definition, with the fake API's URL.
    block("command", {
      command_name: "check_stability_credits",
      command_line: `${command} $ARG1$`,
    }),
    block("host", {
      host_name: "localhost",
      address: "127.0.0.1",
      check_command: "noop",
      max_check_attempts: 1,
      ...always,
    }),
    ...Object.entries(SERVICES).map(([name, { args }]) =>
      block("service", {
        host_name: "localhost",
        service_description: name,
        check_command: `check_stability_credits!${args}`,
        max_check_attempts: 1,
        check_interval: 3600,
        retry_interval: 3600,
        ...always,
      }),
    ),
  ].join("\n");
}

/** status.dat's servicestatus blocks, by service_description. */
function serviceStatus(text: string): Record<string, Record<string, string>> {
  const found: Record<string, Record<string, string>> = {};
  for (const [, body] of text.matchAll(/servicestatus \{\n([\s\S]*?)\n\s*\}/g)) {
    const fields = Object.fromEntries(
      body!.split("\n").map((line) => {
        const at = line.indexOf("=");
        return [line.slice(0, at).trim(), line.slice(at + 1)];
      }),
    );
    found[fields.service_description!] = fields;
  }
  return found;
}

let nagios: ChildProcess | undefined;
let api: TestServer;
let dir: string;
let status: Record<string, Record<string, string>> = {};
beforeAll(async () => {
  const bin = tool("nagios");
  tool("python");
  const dist = await builtDist();
  api = await startServer(fakeApi(CREDITS));
  dir = await mkdtemp(path.join(tmpdir(), "stability-tools-nagios-"));
  await mkdir(path.join(dir, "checkresults"));
  const key = await keyFile(path.join(dir, "key"));
  const command = `/usr/bin/env STABILITY_API_KEY_FILE=${key} ${process.execPath} ${path.join(dist.dir, "cli.js")} check --base-url ${api.url} --deadline-ms 30000`;
  await writeFile(path.join(dir, "nagios.cfg"), mainConfig(dir));
  await writeFile(path.join(dir, "objects.cfg"), objects(command));
  const verified = await exec(bin, ["-v", path.join(dir, "nagios.cfg")]);
  if (verified.code !== 0)
    throw new Error(`nagios4 -v refused the configuration:\n${verified.stdout}`);
  nagios = spawn(bin, [path.join(dir, "nagios.cfg")], { stdio: "ignore" });
  // Every service checked once: Nagios has run the plugin and recorded its result.
  for (let i = 0; i < 900; i++) {
    status = serviceStatus(await readFile(path.join(dir, "status.dat"), "utf8").catch(() => ""));
    const checked = Object.values(status).filter((s) => s.has_been_checked === "1");
    if (checked.length === Object.keys(SERVICES).length) return;
    await sleep(100);
  }
  throw new Error(
    `Nagios did not check every service within 90 s:\n${await readFile(path.join(dir, "nagios.log"), "utf8").catch(() => "")}`,
  );
});
afterAll(async () => {
  nagios?.kill();
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("Nagios Core runs check", () => {
  it.each(Object.keys(SERVICES))("and records %s with its output and performance data", (name) => {
    const expected = SERVICES[name]!;
    const recorded = status[name]!;
    expect({
      state: Number(recorded.current_state),
      perf: recorded.performance_data,
    }).toEqual({ state: expected.state, perf: expected.perf });
    expect(recorded.plugin_output).toMatch(expected.output);
  });
});

/** Runs nagiosplugin: for each [range, value], whether Range(range).match(value) (no alert). */
async function nagiospluginMatches(pairs: [string, number][]): Promise<boolean[]> {
  const script = [
    "import json, sys, nagiosplugin",
    "print(json.dumps([nagiosplugin.Range(r).match(v) for r, v in json.load(sys.stdin)]))",
  ].join("\n");
  const ran = await exec(tool("python"), ["-c", script], JSON.stringify(pairs));
  if (ran.code !== 0) throw new Error(`python3 -c nagiosplugin failed: ${ran.stderr}`);
  return JSON.parse(ran.stdout) as boolean[];
}

describe("python3-nagiosplugin", () => {
  it("reads the state Nagios recorded from each service's performance data thresholds", async () => {
    const data = Object.entries(SERVICES)
      .filter(([, s]) => s.perf !== "")
      .flatMap(([name]) =>
        status[name]!.performance_data!.split(" ").map((datum) => {
          const [, value, warning, critical] =
            /^'(?:[^']|'')*'=([-0-9.]+);([^;]*);([^;]*);[-0-9.]*$/.exec(datum)!;
          return { name, value: Number(value), warning: warning!, critical: critical! };
        }),
      );
    const matches = await nagiospluginMatches(
      data.flatMap((d) => [
        [d.warning || "~:", d.value] as [string, number],
        [d.critical || "~:", d.value] as [string, number],
      ]),
    );
    // The worst datum's state by nagiosplugin's reading, per service.
    const states: Record<string, number> = {};
    for (const [i, d] of data.entries()) {
      const state = !matches[2 * i + 1] ? 2 : !matches[2 * i] ? 1 : 0;
      states[d.name] = Math.max(states[d.name] ?? 0, state);
    }
    for (const [name, state] of Object.entries(states))
      expect({ name, state }).toEqual({ name, state: Number(status[name]!.current_state) });
  });

  it("agrees with the CLI's ranges on every case, reading the range as performance data writes it", async () => {
    const ranges = [
      "10",
      "10:",
      "~:10",
      "10:20",
      "@10:20",
      ":10",
      "-5:-1",
      "~:",
      "0.5:1.25",
      "@0:0",
      "@~:0",
    ];
    const values = [-1e9, -5, -1, 0, 0.5, 1.25, 9.99, 10, 10.5, 15, 20, 20.5, 1e9];
    const pairs = ranges.flatMap((text) => values.map((v) => [text, v] as const));
    const matches = await nagiospluginMatches(
      pairs.map(([text, v]) => [parseRange("--warning", text).perf, v]),
    );
    for (const [i, [text, v]] of pairs.entries())
      expect({ text, v, alerts: alerts(parseRange("--warning", text), v) }).toEqual({
        text,
        v,
        alerts: !matches[i],
      });
  });
});
