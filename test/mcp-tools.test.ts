// The MCP tools' small decisions, tested directly: what a method promises, and which arguments
// a tool refuses before anything is sent. test/mcp.test.ts covers the tools over the wire.
import { describe, expect, it } from "vitest";
import { API_VERSIONS } from "../src/index.ts";
import { hintsFor, toolsFor, unknownArgument } from "../src/mcp/tools.ts";

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

describe("unknownArgument", () => {
  it("accepts the arguments a tool takes, and none", () => {
    expect(unknownArgument(tool("balance"), { organization: "org-1" })).toBeUndefined();
    expect(unknownArgument(tool("account"), {})).toBeUndefined();
  });

  it("names the argument a tool does not take, and what it takes", () => {
    expect(unknownArgument(tool("balance"), { org: "org-1" })).toBe(
      'balance: unknown argument "org" (balance takes organization)',
    );
  });

  it("cuts a long argument name to 40 characters", () => {
    expect(unknownArgument(tool("account"), { ["x".repeat(100)]: 1 })).toBe(
      `account: unknown argument "${"x".repeat(40)}" (account takes no arguments)`,
    );
  });
});

describe("toolsFor", () => {
  it.each(API_VERSIONS)("refuses arguments the spec does not list, on %s", (version) => {
    for (const t of toolsFor(version)) expect(t.inputSchema.additionalProperties).toBe(false);
  });
});
