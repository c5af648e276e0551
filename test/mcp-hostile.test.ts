// `stability-user mcp` against a hostile API and a careless or hostile client, over a real stdio
// child process: nothing unsafe reaches the model, arguments are judged as the client sent them,
// and every request received before stdin closes is answered before the process exits.
import type { Client as StableClient } from "@modelcontextprotocol/client";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { builtDist, type BuiltDist } from "./helpers/dist.ts";
import {
  connectLegacy,
  connectStable,
  modernMeta,
  opening,
  rawSession,
  toolCall,
} from "./helpers/mcp.ts";
import { json, startServer, text, type Behaviour, type TestServer } from "./helpers/server.ts";

const KEY = "sk-mcp-hostile-0123456789abcdef";
let dist: BuiltDist;
let server: TestServer;
let answer: Behaviour;
let stable: StableClient;

const launch = () => ({
  dist,
  args: ["--base-url", server.url],
  env: { STABILITY_API_KEY: KEY },
});

beforeAll(async () => {
  dist = await builtDist();
  server = await startServer((req, res) => answer(req, res));
  stable = await connectStable(launch());
}, 60_000);
afterAll(async () => {
  await stable.close();
  await server.close();
});
beforeEach(() => {
  answer = json(404, { id: "e0", name: "not_found", message: "this test set no answer" });
  server.received.length = 0;
});

// What a terminal obeys rather than prints, as an organization's name may carry it.
// eslint-disable-next-line no-control-regex -- matching control characters is its purpose
const OBEYED = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const NAME = "Acme\u0085\u2028\u202eTXT.EXE\u2066hidden\u2069";

/** An account body that echoes the key as a value, as a property name and JSON-escaped. */
const echoing = (): Behaviour =>
  json(200, {
    id: "user-1",
    email: KEY,
    organizations: [{ id: "org-1", name: NAME, role: "OWNER", is_default: true }],
    [KEY]: "as a name",
  });

describe("a success body that echoes the key", () => {
  it.each([
    ["a 2.x client", () => Promise.resolve(stable)],
    ["a 1.x client", () => connectLegacy(launch())],
  ] as const)(
    "reaches %s redacted, in the text and in the structured content",
    async (_, connect) => {
      answer = echoing();
      const client = await connect();
      try {
        const result = await client.callTool({ name: "account", arguments: {} });
        expect(result.isError).toBeFalsy();
        expect(JSON.stringify(result)).not.toContain(KEY);
        expect(result.structuredContent).toMatchObject({
          email: "[redacted]",
          "[redacted]": "as a name",
        });
        const { tools } = await stable.listTools();
        const schema = tools.find((t) => t.name === "account")!.outputSchema!;
        expect(
          new Ajv2020({ strict: true }).validate(schema as object, result.structuredContent),
        ).toBe(true);
      } finally {
        if (client !== stable) await client.close();
      }
    },
  );

  it("never reaches stdout, even JSON-escaped in the body", async () => {
    const escaped = `\\u0073${KEY.slice(1)}`;
    answer = text(200, `{"id":"u","email":"${escaped}","organizations":[]}`, {
      "content-type": "application/json",
    });
    const run = await rawSession(launch(), [...opening("2025-11-25"), toolCall(1, "account", {})]);
    expect(run.stdout).not.toContain(KEY);
    expect(run.stdout).not.toContain(KEY.slice(1));
    expect(run.messages[1]).toMatchObject({
      id: 1,
      result: { structuredContent: { email: "[redacted]" } },
    });
  });
});

describe("a success body that redaction would take off its schema", () => {
  it("is a tool error, never structured content that breaks the output schema", async () => {
    // A short key counts where it stands as a token: here, the one name the body requires.
    answer = json(200, { credits: 5 });
    const run = await rawSession({ ...launch(), env: { STABILITY_API_KEY: "credits" } }, [
      ...opening("2025-11-25"),
      toolCall(1, "balance", {}),
    ]);
    expect(run.messages[1]).toEqual({
      jsonrpc: "2.0",
      id: 1,
      result: {
        isError: true,
        content: [
          {
            type: "text",
            text: "balance: the response held the API key where the spec's schema does not allow [redacted]",
          },
        ],
      },
    });
  });
});

describe("control and bidi characters in a body", () => {
  it("are JSON escapes in the tool text, and exact values in the structured content", async () => {
    answer = echoing();
    const result = await stable.callTool({ name: "account", arguments: {} });
    const toolText = (result.content as { text: string }[])[0]!.text;
    expect(toolText).not.toMatch(OBEYED);
    expect(toolText).toContain("Acme\\u0085\\u2028\\u202eTXT.EXE\\u2066hidden\\u2069");
    expect(result.structuredContent).toMatchObject({ organizations: [{ name: NAME }] });
  });

  it("never reach stdout raw (only the newline after each message)", async () => {
    answer = echoing();
    const run = await rawSession(launch(), [...opening("2025-06-18"), toolCall(1, "account", {})]);
    expect(run.stdout.replace(/\n/g, "")).not.toMatch(OBEYED);
    expect(run.messages[1]).toMatchObject({
      result: { structuredContent: { organizations: [{ name: NAME }] } },
    });
  });
});

describe("arguments, as the client sent them", () => {
  const refusals: [string, unknown, string][] = [
    [
      "__proto__",
      JSON.parse('{"__proto__":{"organization":"org-b"}}'),
      'balance: unknown argument "__proto__" (balance takes organization)',
    ],
    [
      "constructor",
      { constructor: "org-b" },
      'balance: unknown argument "constructor" (balance takes organization)',
    ],
    [
      "an undeclared name",
      { org: "org-b" },
      'balance: unknown argument "org" (balance takes organization)',
    ],
    [
      "a near name",
      { Organization: "org-b" },
      'balance: unknown argument "Organization" (did you mean organization?)',
    ],
    ["an array", [], "balance: arguments must be an object of named arguments, got array"],
    ["a string", "org-b", "balance: arguments must be an object of named arguments, got string"],
  ];

  it("refuses each with a one-line tool error, and sends nothing", async () => {
    answer = json(200, { credits: 1 });
    const calls = refusals.map(([, args], i) => toolCall(i + 1, "balance", args));
    const run = await rawSession(launch(), [...opening("2025-11-25"), ...calls]);
    for (const [i, [what, , line]] of refusals.entries())
      expect(
        run.messages.find((m) => m.id === i + 1),
        what,
      ).toEqual({
        jsonrpc: "2.0",
        id: i + 1,
        result: { isError: true, content: [{ type: "text", text: line }] },
      });
    expect(server.received).toHaveLength(0);
  });
});

describe("when stdin closes", () => {
  it("answers every request already received, then exits 0", async () => {
    // Each call is still waiting on the API when stdin closes.
    answer = (_req, res) => void setTimeout(() => json(200, { credits: 4 })(_req, res), 200);
    const calls = [1, 2, 3].map((id) => toolCall(id, "balance", {}));
    const list = { jsonrpc: "2.0", id: 4, method: "tools/list" };
    const run = await rawSession(launch(), [...opening("2025-11-25"), ...calls, list]);
    expect(run.code).toBe(0);
    const byId = new Map(run.messages.map((m) => [m.id, m]));
    expect([...byId.keys()].sort()).toEqual([0, 1, 2, 3, 4]);
    for (const id of [1, 2, 3])
      expect(byId.get(id)).toMatchObject({ result: { structuredContent: { credits: 4 } } });
    expect(server.received).toHaveLength(3);
  });

  it("at revision 2026-07-28 too, and ends an open subscription with its answer instead of waiting for it", async () => {
    answer = (_req, res) => void setTimeout(() => json(200, { credits: 6 })(_req, res), 200);
    const request = (id: number, method: string, params: object = {}) => ({
      jsonrpc: "2.0",
      id,
      method,
      params: { ...params, _meta: modernMeta },
    });
    const run = await rawSession(launch(), [
      request(1, "server/discover"),
      request(2, "subscriptions/listen", { notifications: { toolsListChanged: true } }),
      request(3, "tools/call", { name: "balance", arguments: {} }),
    ]);
    expect(run.code).toBe(0);
    const byId = new Map(run.messages.map((m) => [m.id, m]));
    expect(byId.get(3)).toMatchObject({ result: { structuredContent: { credits: 6 } } });
    expect(byId.get(2)).toMatchObject({ result: { resultType: "complete" } });
    expect(byId.get(1)).toMatchObject({ result: { supportedVersions: ["2026-07-28"] } });
  });
});
