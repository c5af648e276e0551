// The MCP tools' small decisions, tested directly: what a method promises, which arguments a tool
// refuses before anything is sent, that the schemas are strict JSON Schema 2020-12, and what a
// result hands the model. test/mcp.test.ts and test/mcp-hostile.test.ts cover them over the wire.
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { examples as v1Examples } from "../src/generated/v1.examples.ts";
import { examples as v1alphaExamples } from "../src/generated/v1alpha.examples.ts";
import { PIPELINE } from "../scripts/lib/pipeline.ts";
import { API_VERSIONS, OPERATIONS, type ApiVersion, type OperationName } from "../src/index.ts";
import { redactJson, toolError, toolSuccess } from "../src/mcp/result.ts";
import { argumentsProblem, hintsFor, toolsFor } from "../src/mcp/tools.ts";
import { redactor } from "../src/redact.ts";

const EXAMPLES = { v1alpha: v1alphaExamples, v1: v1Examples };

/** An operation's summary, as the vendored spec writes it. */
function summaryOf(version: ApiVersion, name: OperationName): string | undefined {
  const spec = JSON.parse(readFileSync(PIPELINE[version].vendored, "utf8")) as {
    paths: Record<string, Record<string, { summary?: string }>>;
  };
  const { method, path } = OPERATIONS[name];
  return spec.paths[`/${version}${path}`]?.[method.toLowerCase()]?.summary;
}

const tool = (name: string) => {
  const found = toolsFor("v1").find((t) => t.name === name);
  if (!found) throw new Error(`no ${name} tool`);
  return found;
};

describe("hintsFor", () => {
  it("marks a GET read-only and safe to repeat", () => {
    expect(hintsFor("GET")).toEqual({
      readOnlyHint: true,
      idempotentHint: true,
      openWorldHint: true,
    });
  });

  it("promises nothing of a POST", () => {
    expect(hintsFor("POST")).toMatchObject({ readOnlyHint: false, idempotentHint: false });
  });
});

describe("argumentsProblem", () => {
  it("accepts the arguments a tool takes, none, and no arguments object at all", () => {
    expect(argumentsProblem(tool("balance"), { organization: "org-1" })).toBeUndefined();
    expect(argumentsProblem(tool("account"), {})).toBeUndefined();
    expect(argumentsProblem(tool("account"), undefined)).toBeUndefined();
  });

  it("names the argument a tool does not take, and what it takes", () => {
    expect(argumentsProblem(tool("balance"), { org: "org-1" })).toBe(
      'balance: unknown argument "org" (balance takes organization)',
    );
  });

  it("suggests the argument meant (src/suggest.ts): another case, a typo, or part of the name", () => {
    expect(argumentsProblem(tool("balance"), { Organization: "org-1" })).toBe(
      'balance: unknown argument "Organization" (did you mean organization?)',
    );
    expect(argumentsProblem(tool("balance"), { organ: "org-1" })).toBe(
      'balance: unknown argument "organ" (did you mean organization?)',
    );
    expect(argumentsProblem(tool("balance"), { orgnization: "org-1" })).toBe(
      'balance: unknown argument "orgnization" (did you mean organization?)',
    );
  });

  it("refuses __proto__ and constructor as own names, as JSON.parse gives them", () => {
    const parsed = JSON.parse('{"__proto__":{"organization":"org-b"}}') as object;
    expect(argumentsProblem(tool("balance"), parsed)).toBe(
      'balance: unknown argument "__proto__" (balance takes organization)',
    );
    expect(argumentsProblem(tool("account"), { constructor: 1 })).toBe(
      'account: unknown argument "constructor" (account takes no arguments)',
    );
  });

  it.each([
    [[], "array"],
    [null, "null"],
    ["org-1", "string"],
    [1, "number"],
  ])("refuses %j as arguments in one line", (args, kind) => {
    expect(argumentsProblem(tool("balance"), args)).toBe(
      `balance: arguments must be an object of named arguments, got ${kind}`,
    );
  });

  it("cuts a long argument name to 40 characters", () => {
    expect(argumentsProblem(tool("account"), { ["x".repeat(100)]: 1 })).toBe(
      `account: unknown argument "${"x".repeat(40)}" (account takes no arguments)`,
    );
  });
});

describe.each(API_VERSIONS)("toolsFor(%s)", (version) => {
  const tools = toolsFor(version);

  it("refuses arguments the spec does not list", () => {
    for (const t of tools) expect(t.inputSchema.additionalProperties).toBe(false);
  });

  // MCP's structured content is an object: a tool whose body is one announces its schema.
  const objectBody = (name: keyof (typeof EXAMPLES)[typeof version]) => {
    const body: unknown = EXAMPLES[version][name];
    return typeof body === "object" && body !== null && !Array.isArray(body);
  };

  it("gives every tool an input schema, and one whose body is an object an output schema, strict Ajv compiles as JSON Schema 2020-12", () => {
    for (const t of tools) {
      expect(() => new Ajv2020({ strict: true }).compile(t.inputSchema), t.name).not.toThrow();
      expect(t.outputSchema !== undefined, t.name).toBe(objectBody(t.name));
      if (t.outputSchema) {
        expect(t.outputSchema, t.name).toMatchObject({ type: "object" });
        expect(() => new Ajv2020({ strict: true }).compile(t.outputSchema!), t.name).not.toThrow();
      }
    }
  });

  it("has output schemas the spec's example bodies match", () => {
    for (const t of tools.filter((t) => t.outputSchema)) {
      const validate = new Ajv2020({ strict: true }).compile(t.outputSchema!);
      expect(validate(EXAMPLES[version][t.name]), t.name).toBe(true);
    }
  });

  it("titles each tool with its operation's summary, and hints it read-only", () => {
    for (const t of tools) {
      expect(t.title, t.name).toBe(summaryOf(version, t.name));
      expect(t.annotations.readOnlyHint, t.name).toBe(true);
    }
  });
});

describe("redactJson", () => {
  const redact = redactor("sk-secret-0123456789abcdef");

  it("redacts the key in every string and every property name, at any depth", () => {
    const body = {
      email: "sk-secret-0123456789abcdef",
      "sk-secret-0123456789abcdef": [{ note: "key=sk-secret-0123456789abcdef;" }],
      credits: 3,
      ok: true,
      none: null,
    };
    expect(redactJson(body, redact)).toEqual({
      email: "[redacted]",
      "[redacted]": [{ note: "key=[redacted];" }],
      credits: 3,
      ok: true,
      none: null,
    });
  });

  it("keeps a __proto__ name as data, not as the copy's prototype", () => {
    const copy = redactJson(JSON.parse('{"__proto__":{"polluted":1}}'), redact) as object;
    expect(Object.keys(copy)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  });
});

describe("toolSuccess", () => {
  const redact = redactor("sk-secret-0123456789abcdef");

  it("gives the redacted body as structured content, and as JSON text with what a terminal obeys escaped", () => {
    const name = "Ada\u202e\u2066\u0085\u2028";
    const result = toolSuccess({ name, email: "sk-secret-0123456789abcdef" }, redact);
    expect(result.structuredContent).toEqual({ name, email: "[redacted]" });
    expect(result.content).toEqual([
      { type: "text", text: '{"name":"Ada\\u202e\\u2066\\u0085\\u2028","email":"[redacted]"}' },
    ]);
  });
});

describe("toolError", () => {
  it("is one clean line", () => {
    expect(toolError("bad\nline\u202e")).toEqual({
      isError: true,
      content: [{ type: "text", text: "bad line " }],
    });
  });
});
