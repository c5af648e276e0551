// The CLI as operators run it: main() in-process against a real server on 127.0.0.1, judged by
// exit code, stdout, stderr and what reached the wire (the process around it: test/bin.test.ts).
// Each test starts its own server, so the tests run concurrently.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.ts";
import { closedPort, json, startServer, text, type Run } from "./helpers/server.ts";

const KEY = "sk-cli-test-9f8e7d6c5b4a39281706";
const ACCOUNT = {
  id: "user-1234",
  email: "ops@example.com",
  profile_picture: "https://example.com/me.png",
  organizations: [
    { id: "org-default", name: "Main Org", role: "OWNER", is_default: true },
    { id: "org-side", name: "Side Project", role: "MEMBER", is_default: false },
  ],
};
const BALANCE = { credits: 42.5 };
const API_ERROR = {
  id: "a1b2c3",
  name: "unauthorized",
  message: "missing or invalid API key",
  temporary: false,
  timeout: false,
  fault: false,
};
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

/** Runs `stability-user ...args`; whatever it prints, the key must not be in it. */
async function cli(args: string[], env: Record<string, string> = { STABILITY_API_KEY: KEY }) {
  const run = await runCli(args, env);
  expect(run.stdout).not.toContain(KEY);
  expect(run.stderr).not.toContain(KEY);
  return run;
}

const lines = (output: string) => output.split("\n").filter((line) => line !== "");
/** An expected failure is reported, never thrown: a stack trace has "    at " frames. */
const noStack = (run: Run) => expect(run.stderr).not.toMatch(/^\s+at /m);

/** Runs the CLI against a fresh server that answers every request with `body` as given. */
async function against(body: string, args: string[], status = 200) {
  const server = await startServer(text(status, body, { "content-type": "application/json" }));
  const run = await cli([...args, "--base-url", server.url]);
  await server.close();
  return run;
}

/** Control characters (C0, DEL, C1) and the bidi and line-separator characters a terminal obeys. */
// eslint-disable-next-line no-control-regex -- matching control characters is its purpose
const UNSAFE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe.concurrent("stability-user", () => {
  describe("success (exit 0)", () => {
    it("prints the account as id, email and a table of organizations", async () => {
      const server = await startServer(json(200, ACCOUNT));
      const run = await cli(["account", "--base-url", server.url]);
      await server.close();
      expect(run.code).toBe(0);
      expect(run.stderr).toBe("");
      expect(run.stdout).toContain("user-1234");
      expect(run.stdout).toContain("ops@example.com");
      expect(run.stdout).toMatch(/ID\s+NAME\s+ROLE\s+DEFAULT/);
      expect(run.stdout).toMatch(/org-default\s+Main Org\s+OWNER\s+yes/);
      expect(run.stdout).toMatch(/org-side\s+Side Project\s+MEMBER\s+no/);
      expect(server.received).toHaveLength(1);
      expect(server.received[0]).toMatchObject({ method: "GET", path: "/v1alpha/user/account" });
      expect(server.received[0]!.headers.authorization).toBe(KEY);
      expect(server.received[0]!.headers.accept).toBe("application/json");
    });

    it("prints the balance's credits", async () => {
      const server = await startServer(json(200, BALANCE));
      const run = await cli(["balance", "--base-url", server.url]);
      await server.close();
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/credits: 42\.5\b/);
      expect(server.received[0]).toMatchObject({ method: "GET", path: "/v1alpha/user/balance" });
    });

    it("prints exactly the API's body with --json, for both commands", async () => {
      const server = await startServer(
        json(200, ACCOUNT),
        json(200, { credits: 0.2944737146168059 }),
      );
      const account = await cli(["account", "--json", "--base-url", server.url]);
      const balance = await cli(["balance", "--json", "--base-url", server.url]);
      await server.close();
      expect(account.code).toBe(0);
      expect(JSON.parse(account.stdout)).toEqual(ACCOUNT);
      expect(balance.code).toBe(0);
      expect(JSON.parse(balance.stdout)).toEqual({ credits: 0.2944737146168059 });
    });

    it("sends --organization as the Organization header, and no Organization header without it", async () => {
      const server = await startServer(json(200, BALANCE));
      const scoped = await cli(["balance", "--organization", "org-side", "--base-url", server.url]);
      const plain = await cli(["balance", "--base-url", server.url]);
      await server.close();
      expect(scoped.code).toBe(0);
      expect(plain.code).toBe(0);
      expect(scoped.stdout).toContain("org-side");
      expect(server.received[0]!.headers.organization).toBe("org-side");
      expect(server.received[1]!.headers).not.toHaveProperty("organization");
    });

    it("puts the --api-key-prefix word before the key in Authorization", async () => {
      const server = await startServer(json(200, BALANCE));
      const run = await cli(["balance", "--api-key-prefix", "Bearer", "--base-url", server.url]);
      await server.close();
      expect(run.code).toBe(0);
      expect(server.received[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    });

    it("prints the usage, options and exit codes with --help", async () => {
      const run = await cli(["--help"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: stability-user/);
      for (const word of ["account", "balance", "--min-credits", "--json", "STABILITY_API_KEY"])
        expect(run.stdout).toContain(word);
      expect(run.stdout).toMatch(
        /Exit codes: 0 ok, 1 failed, 2 usage, 3 low, 4 refused, 5 temporary/,
      );
    });

    it("prints package.json's version with --version", async () => {
      const run = await cli(["--version"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${PACKAGE_VERSION}\n`);
    });
  });

  describe("--min-credits (exit 3 below the threshold)", () => {
    it("exits 3 when the balance is below --min-credits, with and without --json", async () => {
      const server = await startServer(json(200, BALANCE));
      const human = await cli(["balance", "--min-credits", "100", "--base-url", server.url]);
      const asJson = await cli([
        "balance",
        "--min-credits",
        "42.6",
        "--json",
        "--base-url",
        server.url,
      ]);
      await server.close();
      expect(human.code).toBe(3);
      expect(human.stdout).toMatch(/credits: 42\.5\b/);
      expect(lines(human.stderr)).toEqual([expect.stringMatching(/42\.5 .*below.*100/)]);
      expect(asJson.code).toBe(3);
      expect(JSON.parse(asJson.stdout)).toEqual(BALANCE);
    });

    it("exits 0 when the balance equals or exceeds --min-credits, with and without --json", async () => {
      const server = await startServer(json(200, BALANCE));
      const equal = await cli(["balance", "--min-credits", "42.5", "--base-url", server.url]);
      const below = await cli([
        "balance",
        "--min-credits",
        "10",
        "--json",
        "--base-url",
        server.url,
      ]);
      await server.close();
      expect(equal.code).toBe(0);
      expect(equal.stderr).toBe("");
      expect(below.code).toBe(0);
      expect(JSON.parse(below.stdout)).toEqual(BALANCE);
    });
  });

  describe("failures (1 bad answer, 4 refused, 5 temporary)", () => {
    it("reports a refused key as one stderr line with the status and the API's message, exit 4", async () => {
      const server = await startServer(json(401, API_ERROR));
      const human = await cli(["balance", "--base-url", server.url]);
      const asJson = await cli(["account", "--json", "--base-url", server.url]);
      await server.close();
      expect(human.stdout).toBe("");
      expect(JSON.parse(asJson.stdout)).toEqual({
        error: {
          type: "AuthenticationError",
          status: 401,
          message:
            "GET /v1alpha/user/account: 401 unauthorized: missing or invalid API key (request id a1b2c3)",
          requestId: "a1b2c3",
        },
      });
      for (const run of [human, asJson]) {
        expect(run.code).toBe(4);
        expect(lines(run.stderr)).toEqual([
          expect.stringMatching(/401.*missing or invalid API key \(request id a1b2c3\)$/),
        ]);
        noStack(run);
      }
    });

    it("reports a non-JSON error page as one line with the status", async () => {
      const server = await startServer(text(404, "<html><body>Not Found</body></html>"));
      const run = await cli(["balance", "--base-url", server.url]);
      await server.close();
      expect(run.code).toBe(1);
      expect(lines(run.stderr)).toEqual([expect.stringMatching(/404.*Not Found/)]);
      noStack(run);
    });

    it("reports a refused connection as one temporary line, without a stack, exit 5", async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      const run = await cli(["balance", "--max-retries", "0", "--base-url", url]);
      expect(run.code).toBe(5);
      expect(run.stdout).toBe("");
      expect(lines(run.stderr)).toEqual([
        expect.stringMatching(/connection.*ECONNREFUSED.*; gave up after 1 attempt$/),
      ]);
      noStack(run);
    });

    it("ends with the connection error and the number of attempts after the default retries", async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      const run = await cli(["balance", "--base-url", url]);
      expect(run.code).toBe(5);
      expect(lines(run.stderr)).toEqual([
        expect.stringMatching(/^stability-user: .*ECONNREFUSED.*; gave up after 3 attempts$/),
      ]);
      noStack(run);
    });
  });

  describe("fails closed on what the server sends", () => {
    it("exits 1 with one stderr line for a balance that is not a finite number, even with --min-credits", async () => {
      const bodies = [
        "{}",
        "[]",
        '{"credits":"abc"}',
        "null",
        '{"credits": 1e400}',
        '{"credits": null}',
      ];
      const runs = await Promise.all(
        bodies.map((body, i) =>
          against(body, ["balance", "--min-credits", "100", ...(i % 2 ? ["--json"] : [])]),
        ),
      );
      for (const [i, run] of runs.entries()) {
        expect({ body: bodies[i], code: run.code }).toEqual({ body: bodies[i], code: 1 });
        if (i % 2) expect(JSON.parse(run.stdout)).toMatchObject({ error: { status: 200 } });
        else expect(run.stdout).toBe("");
        expect(lines(run.stderr)).toEqual([expect.stringMatching(/^stability-user: .*200 /)]);
        noStack(run);
      }
    });

    it("exits 1 with one stderr line for an account off the schema", async () => {
      const { organizations: _, ...withoutOrganizations } = ACCOUNT;
      const runs = await Promise.all([
        against(JSON.stringify(withoutOrganizations), ["account"]),
        against("null", ["account", "--json"]),
      ]);
      expect(runs[0].stdout).toBe("");
      expect(JSON.parse(runs[1].stdout)).toMatchObject({
        error: { type: "StabilityValidationError", status: 200 },
      });
      for (const run of runs) {
        expect(run.code).toBe(1);
        expect(lines(run.stderr)).toEqual([expect.stringMatching(/off-schema/)]);
        noStack(run);
      }
    });

    it("prints server strings as one clean, short line each, so a server cannot forge output", async () => {
      const forged = "no\nstability-user: balance 999999 ok\r\x1b[32mOK\x1b[0m\u202e\x9b31m";
      const account = {
        ...ACCOUNT,
        email: `\x1b]8;;https://evil.example\x07click\x1b]8;;\x07${"x".repeat(5000)}`,
        organizations: [{ id: "org\n1", name: forged, role: "OWNER", is_default: true }],
      };
      const [error, human] = await Promise.all([
        against(JSON.stringify({ ...API_ERROR, message: forged }), ["balance"], 401),
        against(JSON.stringify(account), ["account"]),
      ]);
      expect(error.code).toBe(4);
      expect(lines(error.stderr)).toHaveLength(1);
      expect(error.stderr).not.toMatch(UNSAFE);
      expect(error.stderr).not.toMatch(/\n./);
      expect(human.code).toBe(0);
      expect(human.stdout).not.toMatch(UNSAFE);
      expect(human.stdout).not.toContain("evil.example");
      // id, email, "organizations:", the table's header and its one row.
      expect(lines(human.stdout)).toHaveLength(5);
      for (const line of lines(human.stdout)) expect(line.length).toBeLessThan(600);
    });

    it("prints --json bodies as received, escaping only what a terminal would obey", async () => {
      const balance = '{ "credits" : 1.50,\n  "note": "kept"}';
      const account = JSON.stringify({ ...ACCOUNT, email: "a\u009bb@example.com" });
      const [b, a] = await Promise.all([
        against(balance, ["balance", "--json", "--min-credits", "1"]),
        against(account, ["account", "--json"]),
      ]);
      expect(b.code).toBe(0);
      expect(b.stdout).toBe(`${balance}\n`);
      expect(a.code).toBe(0);
      expect(a.stdout).not.toMatch(UNSAFE);
      expect(a.stdout).toContain("a\\u009bb@example.com");
      expect(JSON.parse(a.stdout)).toEqual(JSON.parse(account));
    });
  });

  describe("usage errors (exit 2, nothing sent)", () => {
    const cases: { name: string; args: string[]; env?: Record<string, string>; says: RegExp }[] = [
      { name: "an unknown command", args: ["credits"], says: /unknown command "credits"/ },
      { name: "no command", args: [], says: /missing command/ },
      {
        name: "an extra argument by its position, without echoing it (it may be a pasted key)",
        args: ["balance", "sk-pasted-0123456789"],
        says: /^stability-user: unexpected argument 2 \(after balance\)$/m,
      },
      {
        name: "an unknown command that is not a word, without echoing it",
        args: ["sk-pasted-0123456789", "balance"],
        says: /^stability-user: unknown command \(argument 1\)$/m,
      },
      { name: "an unknown flag", args: ["balance", "--verbose"], says: /--verbose/ },
      {
        name: "the key as --api-key (pointing to STABILITY_API_KEY)",
        args: ["balance", "--api-key", KEY],
        says: /STABILITY_API_KEY/,
      },
      {
        name: "the key as --api-key=<key>",
        args: ["balance", `--api-key=${KEY}`],
        says: /STABILITY_API_KEY/,
      },
      {
        name: "--organization on account",
        args: ["account", "--organization", "org-1"],
        says: /--organization applies to balance and check only/,
      },
      {
        name: "--min-credits that is not a number",
        args: ["balance", "--min-credits", "lots"],
        says: /--min-credits must be a decimal number, got "lots"/,
      },
      {
        name: "--min-credits on account",
        args: ["account", "--min-credits", "5"],
        says: /--min-credits applies to balance only/,
      },
      { name: "no STABILITY_API_KEY", args: ["balance"], env: {}, says: /STABILITY_API_KEY/ },
      {
        name: "an empty STABILITY_API_KEY",
        args: ["account"],
        env: { STABILITY_API_KEY: "" },
        says: /STABILITY_API_KEY/,
      },
    ];
    for (const { name, args, env, says } of cases) {
      it(`refuses ${name}`, async () => {
        const server = await startServer(json(200, BALANCE));
        const run = await cli([...args, "--base-url", server.url], env);
        await server.close();
        expect(run.code).toBe(2);
        expect(run.stdout).toBe("");
        expect(run.stderr).toMatch(says);
        expect(run.stderr).toContain("--help");
        expect(run.stderr).not.toContain("sk-pasted");
        noStack(run);
        expect(server.received).toHaveLength(0);
      });
    }

    it("names the flag or STABILITY_API_KEY in every refusal from the library, never an option name", async () => {
      const server = await startServer(json(200, BALANCE));
      const cases: [string[], Record<string, string>, RegExp][] = [
        [["--max-retries", "1.5"], {}, /^--max-retries must be/],
        [["--timeout-ms", "0"], {}, /^--timeout-ms must be/],
        [["--api-version", "v9"], {}, /^--api-version must be one of/],
        [["--organization", "org-\x01"], {}, /^--organization contains/],
        [["--api-key-prefix", "Bearer\x01"], {}, /^--api-key-prefix contains/],
        [
          ["--base-url", "https://user:pw@api.example.com"],
          {},
          /^--base-url must not contain credentials/,
        ],
        [
          ["--base-url", "https://api.example.com/?v=1"],
          {},
          /^--base-url must not contain a query/,
        ],
        [["--base-url", "http://api.example.com"], {}, /^--base-url is plain http/],
        [[], { STABILITY_API_KEY: "sk-\u{1f511}" }, /^STABILITY_API_KEY contains/],
      ];
      const runs = await Promise.all(
        cases.map(([args, env]) =>
          cli(
            [
              "balance",
              ...(args.includes("--base-url") ? [] : ["--base-url", server.url]),
              ...args,
            ],
            {
              STABILITY_API_KEY: KEY,
              ...env,
            },
          ),
        ),
      );
      await server.close();
      for (const [i, run] of runs.entries()) {
        const says = new RegExp(`^stability-user: ${cases[i]![2].source.slice(1)}`);
        expect(run.code).toBe(2);
        expect(lines(run.stderr)[0]).toMatch(says);
        expect(run.stderr).not.toMatch(
          /maxRetries|timeoutMs|apiVersion|apiKey|baseUrl|allowInsecureHttp|maxResponseBytes|\{ \w+ \}/,
        );
      }
      expect(server.received).toHaveLength(0);
    });
  });
});
