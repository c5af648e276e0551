// The CLI as cron, a monitoring system and a textfile collector run it: main() in-process against
// a local server (and a local proxy), judged by exit code, stdout, stderr, files and what reached
// the wire.
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.ts";
import {
  closedPort,
  json,
  startConnectProxy,
  startServer,
  stall,
  type Behaviour,
} from "./helpers/server.ts";

const KEY = "sk-operators-test-5a4b3c2d1e0f";
const ENV = { STABILITY_API_KEY: KEY };
const ORGS = [
  { id: "org-a", name: "A", role: "OWNER", is_default: true },
  { id: "org-b", name: "B", role: "MEMBER", is_default: false },
  { id: "org-c", name: "C", role: "MEMBER", is_default: false },
];
const ACCOUNT = { id: "user-1", email: "ops@example.com", organizations: ORGS };
const REFUSED = { name: "permission_denied", message: "not a member of this organization" };

/** Answers /…/account with ACCOUNT and /…/balance with the credits of the Organization header. */
function byOrganization(credits: Record<string, number | "refused">): Behaviour {
  return (req, res) => {
    if (req.url?.endsWith("/account")) return json(200, ACCOUNT)(req, res);
    const found = credits[String(req.headers.organization ?? "default")];
    if (found === undefined || found === "refused") return json(403, REFUSED)(req, res);
    json(200, { credits: found })(req, res);
  };
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "stability-user-operators-"));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** Runs the CLI; whatever it prints, the key must not be in it. */
async function cli(args: string[], env: Record<string, string> = ENV) {
  const run = await runCli(args, env);
  expect(run.stdout).not.toContain(KEY);
  expect(run.stderr).not.toContain(KEY);
  return run;
}
const lines = (output: string) => output.split("\n").filter((line) => line !== "");

describe.concurrent("stability-user for operators", () => {
  describe("many organizations", () => {
    it("reads each repeated --organization once, one line each, in order", async () => {
      const server = await startServer(byOrganization({ "org-a": 10, "org-b": 20 }));
      const run = await cli([
        "balance",
        ...["--organization", "org-a", "--organization", "org-b", "--organization", "org-a"],
        ...["--base-url", server.url],
      ]);
      await server.close();
      expect(run.code).toBe(0);
      expect(lines(run.stdout)).toEqual([
        "credits: 10 (organization org-a)",
        "credits: 20 (organization org-b)",
      ]);
      expect(server.received.map((r) => r.headers.organization).sort()).toEqual(["org-a", "org-b"]);
    });

    it("reads the account, then every organization in it, with --all-organizations", async () => {
      const server = await startServer(byOrganization({ "org-a": 1, "org-b": 2, "org-c": 3 }));
      const run = await cli(["balance", "--all-organizations", "--json", "--base-url", server.url]);
      await server.close();
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual([
        { organization: "org-a", balance: { credits: 1 } },
        { organization: "org-b", balance: { credits: 2 } },
        { organization: "org-c", balance: { credits: 3 } },
      ]);
      expect(server.received[0]!.path).toBe("/v1alpha/user/account");
      expect(server.received).toHaveLength(4);
    });

    it("exits with the worst result: a refused organization among good ones is exit 4", async () => {
      const server = await startServer(byOrganization({ "org-a": 500, "org-b": "refused" }));
      const run = await cli([
        "balance",
        ...["--organization", "org-a", "--organization", "org-b", "--min-credits", "100"],
        ...["--json", "--base-url", server.url],
      ]);
      await server.close();
      expect(run.code).toBe(4);
      expect(JSON.parse(run.stdout)).toEqual([
        { organization: "org-a", balance: { credits: 500 } },
        {
          organization: "org-b",
          error: {
            type: "PermissionDeniedError",
            status: 403,
            message: expect.stringMatching(/403 permission_denied/) as string,
            requestId: null,
          },
        },
      ]);
      expect(lines(run.stderr)).toEqual([
        expect.stringMatching(/^stability-user: organization org-b: .*403/),
      ]);
    });

    it("refuses an empty organization, a comma list, and --organization beside --all-organizations", async () => {
      const server = await startServer(byOrganization({}));
      const runs = await Promise.all(
        [
          [["--organization", ""], /--organization is empty/],
          [["--organization", "a,b"], /--organization takes one value; repeat it/],
          [["--organization", "a", "--all-organizations"], /--organization or --all-organizations/],
        ].map(async ([args, says]) => ({
          says: says as RegExp,
          run: await cli(["balance", ...(args as string[]), "--base-url", server.url]),
        })),
      );
      await server.close();
      for (const { run, says } of runs) {
        expect(run.code).toBe(2);
        expect(lines(run.stderr)[0]).toMatch(says);
      }
      expect(server.received).toHaveLength(0);
    });
  });

  describe("check, a monitoring plugin", () => {
    it("is OK with its performance data and nothing on stderr", async () => {
      const server = await startServer(byOrganization({ "org-a": 500 }));
      const run = await cli([
        "check",
        ...["--organization", "org-a", "--warning", "100", "--critical", "10"],
        ...["--base-url", server.url],
      ]);
      await server.close();
      expect(run.code).toBe(0);
      expect(run.stdout).toBe("STABILITY CREDITS OK - org-a 500 | 'org-a'=500;100:;10:;0\n");
      expect(run.stderr).toBe("");
    });

    it("is WARNING below --warning and CRITICAL below --critical, the worst organization winning", async () => {
      const server = await startServer(byOrganization({ "org-a": 42.5, "org-b": 5, "org-c": 900 }));
      const args = ["--warning", "100", "--critical", "10", "--base-url", server.url];
      const warning = await cli(["check", "--organization", "org-a", ...args]);
      const critical = await cli(["check", "--all-organizations", ...args]);
      await server.close();
      expect(warning.code).toBe(1);
      expect(warning.stdout).toBe(
        "STABILITY CREDITS WARNING - org-a 42.5 (< 100) | 'org-a'=42.5;100:;10:;0\n",
      );
      expect(critical.code).toBe(2);
      expect(critical.stdout).toBe(
        "STABILITY CREDITS CRITICAL - org-a 42.5 (< 100), org-b 5 (< 10), org-c 900 | " +
          "'org-a'=42.5;100:;10:;0 'org-b'=5;100:;10:;0 'org-c'=900;100:;10:;0\n",
      );
    });

    it("is UNKNOWN (3) for a refused key, the network, a bad body and a usage error", async () => {
      const refused = await startServer(json(401, { name: "unauthorized", message: "bad key" }));
      const bad = await startServer(json(200, { credits: "lots" }));
      const runs = await Promise.all([
        cli(["check", "--base-url", refused.url]),
        cli([
          "check",
          "--max-retries",
          "0",
          "--base-url",
          `http://127.0.0.1:${await closedPort()}`,
        ]),
        cli(["check", "--base-url", bad.url]),
        cli(["check", "--warning", "ten", "--base-url", bad.url]),
      ]);
      await Promise.all([refused.close(), bad.close()]);
      for (const run of runs) {
        expect(run.code).toBe(3);
        expect(lines(run.stdout)).toEqual([expect.stringMatching(/^STABILITY CREDITS UNKNOWN - /)]);
      }
      expect(runs[0].stdout).toMatch(/401/);
      expect(runs[1].stdout).toMatch(/ECONNREFUSED/);
      expect(runs[2].stdout).toMatch(/off-schema/);
      expect(runs[3].stdout).toMatch(/--warning must be a range/);
    });
  });

  describe("Prometheus text exposition", () => {
    it("writes a gauge per organization and a success gauge, as a parser reads them", async () => {
      const server = await startServer(byOrganization({ "org-a": 42.5, 'org-"q"\\x': 7 }));
      const run = await cli([
        "balance",
        ...["--organization", "org-a", "--organization", 'org-"q"\\x', "--organization", "org-z"],
        ...["--format", "prometheus", "--api-version", "v1", "--base-url", server.url],
      ]);
      await server.close();
      expect(run.code).toBe(4);
      const families = parsePrometheusTextFormat(run.stdout);
      expect(families).toEqual([
        {
          name: "stability_credits",
          help: "Credit balance of a Stability AI organization.",
          type: "GAUGE",
          metrics: [
            { labels: { organization: "org-a", api_version: "v1" }, value: "42.5" },
            { labels: { organization: 'org-"q"\\x', api_version: "v1" }, value: "7" },
          ],
        },
        {
          name: "stability_credits_check_success",
          help: "Whether reading stability_credits succeeded (1) or failed (0).",
          type: "GAUGE",
          metrics: [
            { labels: { organization: "org-a", api_version: "v1" }, value: "1" },
            { labels: { organization: 'org-"q"\\x', api_version: "v1" }, value: "1" },
            { labels: { organization: "org-z", api_version: "v1" }, value: "0" },
          ],
        },
        {
          name: "stability_credits_check_failure_info",
          help: "Why reading stability_credits failed: reason is usage, refused, temporary or failed, as in the exit codes.",
          type: "GAUGE",
          metrics: [
            {
              labels: { organization: "org-z", api_version: "v1", reason: "refused" },
              value: "1",
            },
          ],
        },
      ]);
      expect(run.stdout).toContain('organization="org-\\"q\\"\\\\x"');
    });

    it("writes --output atomically: the whole file, no temporary file left, even on failure", async () => {
      const file = path.join(scratch, "stability.prom");
      await writeFile(file, "old contents\n");
      const server = await startServer(
        json(200, { credits: 12 }),
        json(500, { name: "x", message: "down" }),
      );
      const ok = await cli([
        "check",
        "--format",
        "prometheus",
        "--output",
        file,
        "--base-url",
        server.url,
      ]);
      const first = await readFile(file, "utf8");
      const failed = await cli([
        ...["balance", "--format", "prometheus", "--output", file, "--max-retries", "0"],
        ...["--base-url", server.url],
      ]);
      const second = await readFile(file, "utf8");
      await server.close();
      expect(ok.code).toBe(0);
      expect(ok.stdout).toBe("");
      expect(parsePrometheusTextFormat(first)[0]!.metrics).toEqual([
        { labels: { api_version: "v1alpha" }, value: "12" },
      ]);
      expect(failed.code).toBe(5);
      expect(parsePrometheusTextFormat(second).map((f) => f.metrics)).toEqual([
        [],
        [{ labels: { api_version: "v1alpha" }, value: "0" }],
        [{ labels: { api_version: "v1alpha", reason: "temporary" }, value: "1" }],
      ]);
      expect((await readdir(scratch)).filter((name) => name.includes("stability.prom"))).toEqual([
        "stability.prom",
      ]);
    });
  });

  describe("exit codes", () => {
    it("tells refused (4), temporary (5) and a bad body (1) apart, with JSON on stdout", async () => {
      const cases: [Behaviour, number, string][] = [
        [json(403, REFUSED), 4, "PermissionDeniedError"],
        [json(503, { name: "unavailable", message: "later" }), 5, "InternalServerError"],
        [json(429, { name: "rate_limited", message: "slow down" }), 5, "RateLimitError"],
        [json(200, { credits: null }), 1, "StabilityValidationError"],
        [json(404, { name: "not_found", message: "no" }), 1, "NotFoundError"],
      ];
      const runs = await Promise.all(
        cases.map(async ([behaviour]) => {
          const server = await startServer(behaviour);
          const run = await cli([
            "balance",
            "--json",
            "--max-retries",
            "0",
            "--base-url",
            server.url,
          ]);
          await server.close();
          return run;
        }),
      );
      for (const [i, run] of runs.entries()) {
        expect({
          code: run.code,
          type: (JSON.parse(run.stdout) as { error: { type: string } }).error.type,
        }).toEqual({
          code: cases[i]![1],
          type: cases[i]![2],
        });
        expect(lines(run.stderr)).toHaveLength(1);
      }
    });
  });

  describe("the key from a file", () => {
    it("reads and trims STABILITY_API_KEY_FILE", async () => {
      const file = path.join(scratch, "key-ok");
      await writeFile(file, `  ${KEY}\n\n`, { mode: 0o600 });
      await chmod(file, 0o600);
      const server = await startServer(json(200, { credits: 3 }));
      const run = await cli(["balance", "--base-url", server.url], {
        STABILITY_API_KEY_FILE: file,
      });
      await server.close();
      expect(run.code).toBe(0);
      expect(server.received[0]!.headers.authorization).toBe(KEY);
    });

    it("refuses a key file others can read, a missing one, a large one, and both variables at once", async () => {
      const open = path.join(scratch, "key-open");
      await writeFile(open, KEY);
      await chmod(open, 0o644);
      const large = path.join(scratch, "key-large");
      await writeFile(large, "k".repeat(4097), { mode: 0o600 });
      const server = await startServer(json(200, { credits: 3 }));
      const runs = await Promise.all(
        [
          [{ STABILITY_API_KEY_FILE: open }, /readable by others \(mode 644\); run chmod o-rwx/],
          [{ STABILITY_API_KEY_FILE: path.join(scratch, "none") }, /cannot be read \(ENOENT\)/],
          [{ STABILITY_API_KEY_FILE: large }, /is over 4096 bytes; it should hold the key only$/],
          [{ STABILITY_API_KEY_FILE: open, STABILITY_API_KEY: KEY }, /both STABILITY_API_KEY and/],
        ].map(async ([env, says]) => ({
          says: says as RegExp,
          run: await cli(["balance", "--base-url", server.url], env as Record<string, string>),
        })),
      );
      await server.close();
      for (const { run, says } of runs) {
        expect(run.code).toBe(2);
        expect(lines(run.stderr)[0]).toMatch(says);
      }
      expect(server.received).toHaveLength(0);
    });
  });

  describe("deadlines and waits", () => {
    it("ends the whole command at --deadline-ms, retries included", async () => {
      const server = await startServer(stall());
      const run = await cli([
        ...["balance", "--deadline-ms", "300", "--timeout-ms", "60000", "--max-retries", "5"],
        ...["--base-url", server.url],
      ]);
      await server.close();
      expect(run.code).toBe(5);
      expect(lines(run.stderr)).toEqual([
        "stability-user: no complete answer within --deadline-ms 300; gave up after 1 attempt",
      ]);
    });

    it("says how long a 429 asked to wait, and that the CLI did not wait beyond its limit", async () => {
      const server = await startServer(
        json(429, { name: "rate_limited", message: "Too many requests" }, { "retry-after": "120" }),
      );
      const run = await cli(["balance", "--base-url", server.url]);
      await server.close();
      expect(run.code).toBe(5);
      expect(lines(run.stderr)).toEqual([
        expect.stringMatching(
          /429 rate_limited: Too many requests; the server asked to wait 120 s, longer than the 60 s the CLI waits, so it did not wait; gave up after 1 attempt$/,
        ),
      ]);
      expect(server.received).toHaveLength(1);
    });

    it("says how many attempts a 500 on every attempt took", async () => {
      const server = await startServer(json(500, { name: "internal", message: "boom" }));
      const run = await cli(["balance", "--max-retries", "2", "--base-url", server.url]);
      await server.close();
      expect(run.code).toBe(5);
      expect(lines(run.stderr)).toEqual([
        expect.stringMatching(/500 internal: boom; gave up after 3 attempts$/),
      ]);
      expect(server.received).toHaveLength(3);
    });
  });

  describe("usage errors in the CLI's words", () => {
    const cases: [string[], RegExp][] = [
      [
        ["--api-key", KEY],
        /^stability-user: there is no --api-key: the key comes from STABILITY_API_KEY/,
      ],
      [["--quiet"], /^stability-user: unknown option --quiet$/],
      [
        ["--organization"],
        /^stability-user: --organization needs a value: --organization <value>$/,
      ],
      [
        ["--organization", "--json"],
        /--organization needs a value.*written --organization=<value>/,
      ],
      [
        ["--min-credits", "-5", "--min-credits", "3"],
        /^stability-user: --min-credits is given twice/,
      ],
      [["--json=yes"], /^stability-user: --json takes no value$/],
      [
        ["--format", "yaml"],
        /^stability-user: --format must be one of text, json, prometheus, check$/,
      ],
      [["--deadline-ms", "0"], /^stability-user: --deadline-ms must be a positive number/],
      [["--", "--api-key"], /^stability-user: unexpected argument 2 \(after balance\)$/],
    ];
    for (const [args, says] of cases)
      it(`refuses ${args.join(" ").replace(KEY, "<key>")} in one line, then the usage hint`, async () => {
        const run = await cli(["balance", ...args]);
        expect(run.code).toBe(2);
        expect(lines(run.stderr)).toEqual([
          expect.stringMatching(says),
          "Run stability-user --help for usage.",
        ]);
        expect(run.stderr).not.toMatch(/positional|ambiguous|ERR_PARSE_ARGS/);
      });

    it("writes a usage error as JSON on stdout too with --json", async () => {
      const run = await cli(["balance", "--json", "--organization", ""]);
      expect(run.code).toBe(2);
      expect(JSON.parse(run.stdout)).toEqual({
        error: {
          type: "UsageError",
          status: null,
          message: expect.stringMatching(/empty/) as string,
          requestId: null,
        },
      });
    });

    it("reads a negative --min-credits as a number", async () => {
      const server = await startServer(json(200, { credits: -1 }));
      const run = await cli(["balance", "--min-credits", "-5", "--base-url", server.url]);
      await server.close();
      expect(run.code).toBe(0);
      expect(run.stdout).toBe("credits: -1\n");
    });
  });

  describe("proxies", () => {
    it("goes through HTTP_PROXY, and around it for a host in NO_PROXY", async () => {
      const proxy = await startConnectProxy();
      const server = await startServer(json(200, { credits: 8 }));
      const through = await cli(["balance", "--base-url", server.url], {
        ...ENV,
        HTTP_PROXY: proxy.url,
      });
      const around = await cli(["balance", "--base-url", server.url], {
        ...ENV,
        HTTPS_PROXY: proxy.url,
        HTTP_PROXY: proxy.url,
        NO_PROXY: "127.0.0.1",
      });
      await Promise.all([server.close(), proxy.close()]);
      expect(through.code).toBe(0);
      expect(around.code).toBe(0);
      expect(proxy.tunnels).toEqual([new URL(server.url).host]);
      expect(server.received).toHaveLength(2);
    });
  });
});
