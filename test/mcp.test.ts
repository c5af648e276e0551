// `stability-user mcp` as MCP clients of each protocol generation meet it: the CLI's main()
// serving over a pair of streams (test/helpers/mcp.ts), against a local API on 127.0.0.1 per test,
// so the tests run side by side: the stable SDK's client at revision 2026-07-28 on each API
// version, the legacy SDK's client at 2025-11-25, and raw 2025 lines. The same over a real stdio
// process is test/mcp-process.test.ts (and the full client matrix, test/tools/mcp.tools.ts).
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { API_VERSIONS, OPERATIONS, VERSION, type ApiVersion } from "../src/index.ts";
import { runCli } from "./helpers/cli.ts";
import { MODERN, mcpKit, opening, toolCall } from "./helpers/mcp.ts";
import { json } from "./helpers/server.ts";

const KEY = "sk-mcp-test-0123456789abcdef";
const { serve, stable, legacy, raw } = mcpKit(KEY);

interface SpecSchema {
  type?: string;
  description?: string;
  properties?: Record<string, SpecSchema>;
  required?: string[];
  items?: SpecSchema;
  $ref?: string;
}
interface SpecParameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema: SpecSchema;
}
interface SpecDocument {
  paths: Record<
    string,
    {
      get: {
        description: string;
        summary?: string;
        parameters?: (SpecParameter | { $ref: string })[];
        responses: Record<string, { content: Record<string, { schema: SpecSchema }> }>;
      };
    }
  >;
  components: { parameters?: Record<string, SpecParameter>; schemas: Record<string, SpecSchema> };
}

/** What the vendored spec says of an operation, read here independently of src/. */
function specOf(version: ApiVersion, name: keyof typeof OPERATIONS) {
  const text = readFileSync(`openapi/${version}.openapi.json`, "utf8");
  const doc = JSON.parse(text) as SpecDocument;
  const operation = doc.paths[`/${version}${OPERATIONS[name].path}`]!.get;
  const parameters = (operation.parameters ?? []).map((p) =>
    "$ref" in p ? doc.components.parameters![p.$ref.split("/").pop()!]! : p,
  );
  const deref = (s: SpecSchema) => (s.$ref ? doc.components.schemas[s.$ref.split("/").pop()!]! : s);
  const body = deref(operation.responses["200"]!.content["application/json"]!.schema);
  return {
    description: operation.description,
    summary: operation.summary,
    parameters,
    body,
    deref,
  };
}

/** Each call option of an operation (the table's `params`) with the spec parameter it is sent as. */
function optionsOf(version: ApiVersion, name: keyof typeof OPERATIONS) {
  const { parameters } = specOf(version, name);
  return Object.entries(OPERATIONS[name].params).map(([option, binding]) => {
    const parameter = parameters.find((p) => p.in === binding.in && p.name === binding.name);
    if (!parameter) throw new Error(`${version} ${name}: the spec has no ${binding.name}`);
    return { option, parameter };
  });
}

const strictAjv = () => new Ajv2020({ strict: true });

const ACCOUNT = {
  id: "user-1",
  email: "ada@example.com",
  organizations: [{ id: "org-1", name: "Ada's", role: "OWNER", is_default: true }],
};

/** An API that answers every request with "not found": for tests that send nothing, or only list. */
const silent = () =>
  serve(json(404, { id: "e0", name: "not_found", message: "this test set no answer" }));

describe.concurrent("each protocol generation", () => {
  it.each(API_VERSIONS)(
    "a 2.x client is served at revision 2026-07-28 on %s, by stability-user at the package's version",
    async (version) => {
      const client = await stable(await silent(), "--api-version", version);
      expect(client.getProtocolEra()).toBe("modern");
      expect(client.getNegotiatedProtocolVersion()).toBe(MODERN);
      expect(client.getServerVersion()).toMatchObject({ name: "stability-user", version: VERSION });
      expect(client.getServerCapabilities()?.tools).toBeDefined();
    },
  );

  it("a 1.x client is served at 2025-11-25, with the same tools as a 2.x client", async () => {
    const api = await silent();
    const [old, current] = await Promise.all([legacy(api), stable(api)]);
    expect(old.protocolVersion).toBe("2025-11-25");
    expect(old.getServerVersion()).toEqual({ name: "stability-user", version: VERSION });
    const { tools } = await old.listTools();
    expect(tools).toEqual((await current.listTools()).tools);
  });

  it.each(["2025-11-25", "2025-06-18"])(
    "raw 2025 lines at %s are answered at that revision",
    async (revision) => {
      const api = await serve(json(200, { credits: 2 }));
      const run = await raw(api, [...opening(revision), toolCall(1, "balance", {})]);
      expect(run.code).toBe(0);
      expect(run.messages).toMatchObject([
        { id: 0, result: { protocolVersion: revision } },
        { id: 1, result: { structuredContent: { credits: 2 } } },
      ]);
    },
  );
});

describe.concurrent.each(API_VERSIONS)("tools/list on %s", (version) => {
  const listed = async () =>
    (await (await stable(await silent(), "--api-version", version)).listTools()).tools;

  it("lists one tool per operation, described and parameterised as the spec says", async () => {
    const tools = await listed();
    expect(tools.map((t) => t.name)).toEqual(Object.keys(OPERATIONS));
    for (const tool of tools) {
      const name = tool.name as keyof typeof OPERATIONS;
      expect(tool.description).toBe(specOf(version, name).description);
      expect(tool.title).toBe(specOf(version, name).summary);
      expect(tool.annotations?.readOnlyHint).toBe(true);
      const options = optionsOf(version, name);
      const properties = tool.inputSchema.properties as Record<string, SpecSchema>;
      expect(Object.keys(properties)).toEqual(options.map((o) => o.option));
      for (const { option, parameter } of options) {
        expect(properties[option]?.type).toBe(parameter.schema.type);
        expect(properties[option]?.description).toBe(parameter.description);
      }
      const required = options.filter(({ parameter }) => parameter.required).map((o) => o.option);
      expect(tool.inputSchema.required ?? []).toEqual(required);
    }
  });

  it("gives each tool whose 200 body is an object that body as its output schema (MCP wants an object)", async () => {
    for (const tool of await listed()) {
      const { body, deref } = specOf(version, tool.name as keyof typeof OPERATIONS);
      if (body.type !== "object") {
        expect(tool.outputSchema, tool.name).toBeUndefined();
        continue;
      }
      const output = tool.outputSchema as SpecSchema;
      expect(output.type, tool.name).toBe("object");
      expect(output.required, tool.name).toEqual(body.required);
      for (const [property, schema] of Object.entries(body.properties!)) {
        expect(output.properties?.[property]?.type, property).toBe(deref(schema).type);
        if (deref(schema).items)
          expect(output.properties?.[property]?.items?.required, property).toEqual(
            deref(deref(schema).items!).required,
          );
      }
    }
  });

  it("has input and output schemas that compile in Ajv's strict mode as JSON Schema 2020-12", async () => {
    for (const tool of await listed()) {
      expect(() => strictAjv().compile(tool.inputSchema), tool.name).not.toThrow();
      if (tool.outputSchema)
        expect(() => strictAjv().compile(tool.outputSchema as object), tool.name).not.toThrow();
    }
  });
});

describe.concurrent("tools/call", () => {
  it.each([
    ["a 2.x client", stable],
    ["a 1.x client", legacy],
  ] as const)(
    "account, for %s: the body as structured content matching the output schema, and as JSON text",
    async (_, connect) => {
      const api = await serve(json(200, ACCOUNT));
      const client = await connect(api);
      const result = await client.callTool({ name: "account", arguments: {} });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual(ACCOUNT);
      expect(result.content).toEqual([{ type: "text", text: JSON.stringify(ACCOUNT) }]);
      const { tools } = await client.listTools();
      const validate = strictAjv().compile(
        tools.find((t) => t.name === "account")!.outputSchema as object,
      );
      expect(validate(result.structuredContent)).toBe(true);
      expect(api.received.map((r) => r.path)).toEqual(["/v1alpha/user/account"]);
      expect(api.received[0]?.headers.authorization).toBe(KEY);
      expect(api.received[0]?.headers).not.toHaveProperty("organization");
    },
  );

  it("balance sends the organization as the Organization header on v1", async () => {
    const api = await serve(json(200, { credits: 12.5 }));
    const client = await stable(api, "--api-version", "v1");
    const result = await client.callTool({
      name: "balance",
      arguments: { organization: "org-42" },
    });
    expect(result.structuredContent).toEqual({ credits: 12.5 });
    expect(api.received[0]?.path).toBe("/v1/user/balance");
    expect(api.received[0]?.headers.organization).toBe("org-42");
    expect(api.received[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("balance without an organization sends no Organization header", async () => {
    const api = await serve(json(200, { credits: 3 }));
    const result = await (await stable(api)).callTool({ name: "balance" });
    expect(result.structuredContent).toEqual({ credits: 3 });
    expect(api.received[0]?.headers).not.toHaveProperty("organization");
  });

  it("a body that breaks the schema is a tool error, not structured content", async () => {
    const api = await serve(json(200, { credits: "lots" }));
    const result = await (await stable(api)).callTool({ name: "balance" });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
  });

  it("a call the client cancels ends its request to the API", async () => {
    let arrived!: () => void;
    let ended!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const end = new Promise<void>((resolve) => (ended = resolve));
    // Never answers; without the cancellation the request would stay open for the 60 s timeout.
    const api = await serve((req) => {
      req.socket.once("close", ended);
      arrived();
    });
    const client = await stable(api);
    const controller = new AbortController();
    const call = client.callTool({ name: "balance" }, { signal: controller.signal });
    await arrival;
    controller.abort();
    await expect(call).rejects.toThrow();
    await end;
  });
});

describe.concurrent("tool errors", () => {
  it("a 401 is one line, the CLI's own, without the key (even when the server echoes it)", async () => {
    const api = await serve(
      json(401, { id: "e1", name: "unauthorized", message: `bad key ${KEY}` }),
    );
    const result = await (await stable(api)).callTool({ name: "balance" });
    expect(result.isError).toBe(true);
    const content = result.content as { type: string; text: string }[];
    expect(content).toHaveLength(1);
    const line = content[0]!.text;
    expect(line).toContain("401");
    expect(line).not.toMatch(/\n/);
    expect(JSON.stringify(result)).not.toContain(KEY);
    const cli = await runCli(["balance", "--base-url", api.url], { STABILITY_API_KEY: KEY });
    expect(cli.stderr).toBe(`stability-user: ${line}\n`);
  });

  it("an argument of the wrong type is refused by name, and nothing is sent", async () => {
    const api = await silent();
    const result = await (
      await stable(api)
    ).callTool({
      name: "balance",
      arguments: { organization: 42 },
    });
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([
      { type: "text", text: "balance: organization must be string" },
    ]);
    expect(api.received).toHaveLength(0);
  });

  it("an unknown tool is a protocol error naming it", async () => {
    const client = await stable(await silent());
    await expect(client.callTool({ name: "no-such-tool" })).rejects.toThrow(
      /unknown tool "no-such-tool"/,
    );
  });
});

describe("starting", () => {
  it("refuses to start without an API key, as the CLI's other commands do", async () => {
    const api = await silent();
    const run = await runCli(["mcp", "--base-url", api.url]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^stability-user: no API key/);
    expect(api.received).toHaveLength(0);
  });
});
