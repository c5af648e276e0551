// The CLI in-process as an operator runs it, for the test files about its output and its waits
// (test/cli-output.test.ts, test/cli-monitoring.test.ts): a fake API, a scratch folder, and main()
// with a key that must never show. Call operatorKit() at the top level of a file.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, expect } from "vitest";
import { runCli } from "./cli.ts";
import { json, startServer, type Behaviour, type TestServer } from "./server.ts";

export const KEY = "sk-monitoring-test-1f2e3d4c5b6a";
export const ENV = { STABILITY_API_KEY: KEY };

export const lines = (output: string) => output.split("\n").filter((line) => line !== "");

/**
 * A fake Stability API: /…/account lists `organizations`, /…/balance answers the Organization
 * header's credits (or behaviour), and a 403 with a request id for an organization it does not know.
 */
export function api(
  credits: Record<string, number | Behaviour>,
  organizations = Object.keys(credits),
): Behaviour {
  const account = {
    id: "user-1",
    email: "ops@example.com",
    organizations: organizations.map((id) => ({
      id,
      name: "N",
      role: "MEMBER",
      is_default: false,
    })),
  };
  return (req, res) => {
    if (req.url?.endsWith("/account")) return json(200, account)(req, res);
    const found = credits[String(req.headers.organization ?? "default")];
    if (found === undefined)
      return json(403, { name: "permission_denied", message: "not yours", id: "R-403" })(req, res);
    if (typeof found === "function") return found(req, res);
    json(200, { credits: found })(req, res);
  };
}

/** Runs the CLI; whatever it prints, the key must not be in it, nor a stack. */
export async function cli(args: string[], env: Record<string, string> = ENV) {
  const run = await runCli(args, env);
  for (const output of [run.stdout, run.stderr]) {
    expect(output).not.toContain(KEY);
    expect(output).not.toMatch(/^\s+at /m);
  }
  return run;
}

/**
 * For one file of concurrent tests: `serve(...script)` starts a server that lives until the file is
 * done, and `fresh(name)` is a new path in a scratch folder removed then.
 */
export function operatorKit(prefix: string) {
  const servers: TestServer[] = [];
  let scratch = "";
  let n = 0;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), `stability-user-${prefix}-`));
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await rm(scratch, { recursive: true, force: true });
  });
  return {
    serve: async (...script: Behaviour[]) => {
      const server = await startServer(...script);
      servers.push(server);
      return server;
    },
    fresh: (name: string) => path.join(scratch, `${++n}-${name}`),
    scratch: () => scratch,
  };
}

type Family = ReturnType<typeof parsePrometheusTextFormat>[number];
/** The samples of one family, as label sets with their value. */
export const samples = (families: Family[], name: string): Record<string, string>[] =>
  families
    .find((f) => f.name === name)!
    .metrics.map((m) => ({ ...(m as { labels?: Record<string, string> }).labels, value: m.value }));
