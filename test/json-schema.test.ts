// OpenAPI 3.0 schemas as JSON Schema 2020-12 (scripts/lib/json-schema.ts): what generation writes
// into src/generated/<version>.operations.ts for the MCP tools, and what it refuses.
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { checkStrict, toJsonSchema } from "../scripts/lib/json-schema.ts";

const translate = (schema: unknown, doc: Record<string, unknown> = {}) =>
  toJsonSchema(schema, doc, "#/test");
const strictAjv = () => new Ajv2020({ strict: true });

describe("toJsonSchema", () => {
  it("keeps JSON Schema's own keywords as they are", () => {
    const schema = {
      type: "object",
      title: "Balance",
      description: "what is left",
      properties: { credits: { type: "number", minimum: 0, default: 0 } },
      required: ["credits"],
      additionalProperties: false,
    };
    expect(translate(schema)).toEqual(schema);
  });

  it("turns example into examples, and drops x-* and format", () => {
    expect(
      translate({ type: "string", example: "org-1", format: "email", "x-go-name": "ID" }),
    ).toEqual({ type: "string", examples: ["org-1"] });
  });

  it("turns nullable into anyOf with null, which strict Ajv accepts (a union type it does not)", () => {
    const schema = translate({ type: "string", nullable: true, description: "d" });
    expect(schema).toEqual({ anyOf: [{ type: "string", description: "d" }, { type: "null" }] });
    const validate = strictAjv().compile(schema);
    expect([validate(null), validate("a"), validate(1)]).toEqual([true, true, false]);
  });

  it("drops nullable: false", () => {
    expect(translate({ type: "string", nullable: false })).toEqual({ type: "string" });
  });

  it("turns OpenAPI 3.0's boolean exclusive bounds into 2020-12's numeric ones, in any key order", () => {
    expect(translate({ type: "number", exclusiveMinimum: true, minimum: 0 })).toEqual({
      type: "number",
      exclusiveMinimum: 0,
    });
    expect(translate({ type: "number", maximum: 9, exclusiveMaximum: true })).toEqual({
      type: "number",
      exclusiveMaximum: 9,
    });
    expect(translate({ type: "number", minimum: 1, exclusiveMinimum: false })).toEqual({
      type: "number",
      minimum: 1,
    });
  });

  it("inlines local $refs, in properties, items and lists of schemas", () => {
    const doc = {
      components: {
        schemas: {
          Org: { type: "object", properties: { id: { $ref: "#/components/schemas/Id" } } },
          Id: { type: "string", example: "org-1" },
        },
      },
    };
    expect(
      translate(
        {
          type: "array",
          items: { $ref: "#/components/schemas/Org" },
          allOf: [{ $ref: "#/components/schemas/Id" }],
        },
        doc,
      ),
    ).toEqual({
      type: "array",
      items: { type: "object", properties: { id: { type: "string", examples: ["org-1"] } } },
      allOf: [{ type: "string", examples: ["org-1"] }],
    });
  });

  it("keeps values as values: an example or enum holding a schema keyword is not translated", () => {
    const value = { nullable: true, $ref: "#/nowhere", "x-a": 1 };
    expect(translate({ type: "object", example: value, enum: [value] })).toEqual({
      type: "object",
      examples: [value],
      enum: [value],
    });
  });

  it("refuses a keyword neither JSON Schema nor OpenAPI knows, naming it and where", () => {
    expect(() => translate({ type: "object", properties: { a: { typo: 1 } } })).toThrow(
      '#/test/properties/a: unknown schema keyword "typo" (neither JSON Schema nor OpenAPI 3.0)',
    );
  });

  it("refuses a $ref to nothing", () => {
    expect(() => translate({ $ref: "#/components/schemas/Gone" })).toThrow(
      "#/test: not a schema, or a $ref to nothing",
    );
  });

  it("follows a $ref written as a URI fragment (percent-encoded JSON pointer)", () => {
    const doc = { components: { schemas: { "a/b c": { type: "string" } } } };
    expect(translate({ $ref: "#/components/schemas/a~1b%20c" }, doc)).toEqual({ type: "string" });
  });

  it("keeps a schema that refers to itself in $defs, and strict Ajv validates by it", () => {
    const doc = {
      components: {
        schemas: {
          Node: {
            type: "object",
            properties: { next: { $ref: "#/components/schemas/Node" }, id: { type: "string" } },
            required: ["id"],
          },
        },
      },
    };
    const schema = translate({ $ref: "#/components/schemas/Node" }, doc);
    const node = {
      type: "object",
      properties: { next: { $ref: "#/$defs/Node" }, id: { type: "string" } },
      required: ["id"],
    };
    expect(schema).toEqual({
      type: "object",
      properties: { next: { $ref: "#/$defs/Node" }, id: { type: "string" } },
      required: ["id"],
      $defs: { Node: node },
    });
    const validate = strictAjv().compile(schema);
    expect(validate({ id: "a", next: { id: "b", next: { id: "c" } } })).toBe(true);
    expect(validate({ id: "a", next: { id: "b", next: {} } })).toBe(false);
  });

  it("refuses a schema nested deeper than 32 levels", () => {
    let deep: unknown = { type: "string" };
    for (let i = 0; i < 40; i++) deep = { type: "array", items: deep };
    expect(() => translate(deep)).toThrow(/schema nested over 32 deep$/);
  });

  it("gives booleans as schemas their 2020-12 meaning", () => {
    expect(translate({ type: "object", additionalProperties: false })).toEqual({
      type: "object",
      additionalProperties: false,
    });
    expect(translate(true)).toEqual({});
  });
});

describe("checkStrict", () => {
  it("accepts a schema strict Ajv compiles", () => {
    expect(() => checkStrict({ type: "object", properties: {} }, "#/ok")).not.toThrow();
  });

  it("refuses one it does not, naming where", () => {
    expect(() => checkStrict({ type: "string", format: "email" }, "#/email")).toThrow(
      /^#\/email: not valid JSON Schema 2020-12 in Ajv's strict mode \(unknown format "email"/,
    );
    expect(() => checkStrict({ properties: { a: {} } }, "#/untyped")).toThrow(/^#\/untyped: /);
  });

  it("judges each schema alone: an $id checked before, even in a refused schema, is not taken", () => {
    const named = { $id: "https://example.test/balance", type: "object" };
    expect(() => checkStrict({ ...named, format: "x" }, "#/first")).toThrow(/^#\/first: /);
    expect(() => checkStrict(named, "#/second")).not.toThrow();
    expect(() => checkStrict({ ...named }, "#/third")).not.toThrow();
  });
});
