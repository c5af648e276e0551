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

  it("refuses a $ref to nothing, and a $ref cycle", () => {
    expect(() => translate({ $ref: "#/components/schemas/Gone" })).toThrow(/a \$ref to nothing/);
    const doc = {
      components: {
        schemas: {
          Node: { type: "object", properties: { next: { $ref: "#/components/schemas/Node" } } },
        },
      },
    };
    expect(() => translate({ $ref: "#/components/schemas/Node" }, doc)).toThrow(/\$ref cycle/);
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
});
