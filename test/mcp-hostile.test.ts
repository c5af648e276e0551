// `stability-user mcp` against a hostile API and a careless or hostile client, served in-process
// over a pair of streams (test/helpers/mcp.ts) by the real SDK and stdio transport, one local API
// per test: nothing unsafe reaches the model, arguments are judged as the client sent them, and
// every request received before stdin closes is answered before the server ends.
// test/mcp-process.test.ts shows the last through the real process.
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { mcpKit, modernRequest, opening, toolCall } from "./helpers/mcp.ts";
import { delayed, json, text, type Behaviour } from "./helpers/server.ts";

const KEY = "sk-mcp-hostile-0123456789abcdef";
const { serve, stable, legacy, raw } = mcpKit(KEY);

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

describe.concurrent("a success body that echoes the key", () => {
  it.each([
    ["a 2.x client", stable],
    ["a 1.x client", legacy],
  ] as const)(
    "reaches %s redacted, in the text and in the structured content",
    async (_, connect) => {
      const client = await connect(await serve(echoing()));
      const result = await client.callTool({ name: "account", arguments: {} });
      expect(result.isError).toBeFalsy();
      expect(JSON.stringify(result)).not.toContain(KEY);
      expect(result.structuredContent).toMatchObject({
        email: "[redacted]",
        "[redacted]": "as a name",
      });
      const { tools } = await client.listTools();
      const schema = tools.find((t) => t.name === "account")!.outputSchema!;
      expect(
        new Ajv2020({ strict: true }).validate(schema as object, result.structuredContent),
      ).toBe(true);
    },
  );

  it("never reaches stdout, even JSON-escaped in the body", async () => {
    const escaped = `\\u0073${KEY.slice(1)}`;
    const api = await serve(
      text(200, `{"id":"u","email":"${escaped}","organizations":[]}`, {
        "content-type": "application/json",
      }),
    );
    const run = await raw(api, [...opening("2025-11-25"), toolCall(1, "account", {})]);
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
    const api = await serve(json(200, { credits: 5 }));
    const run = await raw(api, [...opening("2025-11-25"), toolCall(1, "balance", {})], {
      env: { STABILITY_API_KEY: "credits" },
    });
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

describe.concurrent("control and bidi characters in a body", () => {
  it("are JSON escapes in the tool text, and exact values in the structured content", async () => {
    const client = await stable(await serve(echoing()));
    const result = await client.callTool({ name: "account", arguments: {} });
    const toolText = (result.content as { text: string }[])[0]!.text;
    expect(toolText).not.toMatch(OBEYED);
    expect(toolText).toContain("Acme\\u0085\\u2028\\u202eTXT.EXE\\u2066hidden\\u2069");
    expect(result.structuredContent).toMatchObject({ organizations: [{ name: NAME }] });
  });

  it("never reach stdout raw (only the newline after each message)", async () => {
    const api = await serve(echoing());
    const run = await raw(api, [...opening("2025-06-18"), toolCall(1, "account", {})]);
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
    const api = await serve(json(200, { credits: 1 }));
    const calls = refusals.map(([, args], i) => toolCall(i + 1, "balance", args));
    const run = await raw(api, [...opening("2025-11-25"), ...calls]);
    for (const [i, [what, , line]] of refusals.entries())
      expect(
        run.messages.find((m) => m.id === i + 1),
        what,
      ).toEqual({
        jsonrpc: "2.0",
        id: i + 1,
        result: { isError: true, content: [{ type: "text", text: line }] },
      });
    expect(api.received).toHaveLength(0);
  });
});

describe.concurrent("when stdin closes", () => {
  it("answers every request already received, then ends with exit code 0", async () => {
    // Each call is still waiting on the API when stdin closes.
    const api = await serve(delayed(200, json(200, { credits: 4 })));
    const calls = [1, 2, 3].map((id) => toolCall(id, "balance", {}));
    const list = { jsonrpc: "2.0", id: 4, method: "tools/list" };
    const run = await raw(api, [...opening("2025-11-25"), ...calls, list]);
    expect(run.code).toBe(0);
    const byId = new Map(run.messages.map((m) => [m.id, m]));
    expect([...byId.keys()].sort()).toEqual([0, 1, 2, 3, 4]);
    for (const id of [1, 2, 3])
      expect(byId.get(id)).toMatchObject({ result: { structuredContent: { credits: 4 } } });
    expect(api.received).toHaveLength(3);
  });

  it("at revision 2026-07-28 too, and ends an open subscription with its answer instead of waiting for it", async () => {
    const api = await serve(delayed(200, json(200, { credits: 6 })));
    const run = await raw(api, [
      modernRequest(1, "server/discover"),
      modernRequest(2, "subscriptions/listen", { notifications: { toolsListChanged: true } }),
      modernRequest(3, "tools/call", { name: "balance", arguments: {} }),
    ]);
    expect(run.code).toBe(0);
    const byId = new Map(run.messages.map((m) => [m.id, m]));
    expect(byId.get(3)).toMatchObject({ result: { structuredContent: { credits: 6 } } });
    expect(byId.get(2)).toMatchObject({ result: { resultType: "complete" } });
    expect(byId.get(1)).toMatchObject({ result: { supportedVersions: ["2026-07-28"] } });
  });
});
