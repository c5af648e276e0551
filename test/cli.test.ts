// The CLI as operators run it: a child process against a real server on 127.0.0.1, judged by
// exit code, stdout, stderr and what reached the wire. Each test starts its own server, so the
// tests run concurrently (every child pays ~0.45 s of CPU for tsx start-up).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { closedPort, json, runTs, startServer, text, type Run } from "./helpers/server.ts";

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
  const run = await runTs("src/cli.ts", args, env);
  expect(run.stdout).not.toContain(KEY);
  expect(run.stderr).not.toContain(KEY);
  return run;
}

const lines = (output: string) => output.split("\n").filter((line) => line !== "");
/** An expected failure is reported, never thrown: a stack trace has "    at " frames. */
const noStack = (run: Run) => expect(run.stderr).not.toMatch(/^\s+at /m);

// Generous: every test spawns tsx children, and the machine is shared with other suites.
describe.concurrent("stability-user", { timeout: 60_000 }, () => {
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
      expect(run.stdout).toMatch(/Exit codes: 0 .*1 .*2 .*3 /);
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

  describe("failures (exit 1)", () => {
    it("reports an API error as one stderr line with the status and the API's message", async () => {
      const server = await startServer(json(401, API_ERROR));
      const human = await cli(["balance", "--base-url", server.url]);
      const asJson = await cli(["account", "--json", "--base-url", server.url]);
      await server.close();
      for (const run of [human, asJson]) {
        expect(run.code).toBe(1);
        expect(run.stdout).toBe("");
        expect(lines(run.stderr)).toEqual([
          expect.stringMatching(/401.*missing or invalid API key/),
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

    it("reports a refused connection as one line, without a stack", async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      const run = await cli(["balance", "--max-retries", "0", "--base-url", url]);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(lines(run.stderr)).toEqual([expect.stringMatching(/connection.*ECONNREFUSED/)]);
      noStack(run);
    });

    it("ends with the connection error after the default retries, still without a stack", async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      const run = await cli(["balance", "--base-url", url]);
      expect(run.code).toBe(1);
      expect(lines(run.stderr).at(-1)).toMatch(/^stability-user: .*ECONNREFUSED/);
      noStack(run);
    });
  });

  describe("usage errors (exit 2, nothing sent)", () => {
    const cases: { name: string; args: string[]; env?: Record<string, string>; says: RegExp }[] = [
      { name: "an unknown command", args: ["credits"], says: /unknown command "credits"/ },
      { name: "no command", args: [], says: /missing command/ },
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
        says: /--organization.*balance only/,
      },
      {
        name: "--min-credits that is not a number",
        args: ["balance", "--min-credits", "lots"],
        says: /--min-credits must be a number, got "lots"/,
      },
      {
        name: "--min-credits on account",
        args: ["account", "--min-credits", "5"],
        says: /--min-credits.*balance only/,
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
        noStack(run);
        expect(server.received).toHaveLength(0);
      });
    }
  });
});
