import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  InternalServerError,
  StabilityResponseError,
  StabilityValidationError,
  createStabilityClient,
} from "../src/index.ts";
import { json, text, serverPerTest, failure, clientFor } from "./helpers/server.ts";

const apiKey = "sk-bad-responses-test-key";
const html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
const asJson = { "content-type": "application/json" };

/** The spec's own balance example, so the valid case tracks the vendored document. */
const spec = JSON.parse(
  readFileSync(new URL("../openapi/v1alpha.openapi.json", import.meta.url), "utf8"),
) as {
  components: {
    schemas: { BalanceResponseBody: { properties: { credits: { example: number } } } };
  };
};
const validBalance = {
  credits: spec.components.schemas.BalanceResponseBody.properties.credits.example,
};

const serve = serverPerTest();

describe("bad responses", () => {
  it("reports a 502 HTML page as InternalServerError carrying the page text", async () => {
    const server = await serve(text(502, html));
    const client = clientFor(server, { apiKey, maxRetries: 0 });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(InternalServerError);
    expect((error as InternalServerError).status).toBe(502);
    expect((error as InternalServerError).body).toBe(html);
    expect(error.message).toMatch(/502 <html>.*Bad Gateway/);
    expect(server.received).toHaveLength(1);
  });

  it("reports an empty 503 body as empty, not as a pair of quotes", async () => {
    const server = await serve(text(503, "", { "content-length": "0" }));
    const client = clientFor(server, { apiKey, maxRetries: 0 });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(InternalServerError);
    expect((error as InternalServerError).body).toBe("");
    expect(error.message).toMatch(/503 \(empty body\)$/);
    expect(server.received).toHaveLength(1);
  });

  it.each([
    ["empty", "", /200 empty body where JSON was expected$/, ""],
    [
      "cut short",
      '{"credits": 1',
      /200 body is not valid JSON: "\{\\"credits\\": 1"$/,
      '{"credits": 1',
    ],
    [
      "not JSON",
      "<html>ok</html>",
      /200 body is not valid JSON: "<html>ok<\/html>"$/,
      "<html>ok</html>",
    ],
  ])(
    "reports a 200 whose body is %s as StabilityResponseError, never SyntaxError, without retrying",
    async (_case, body, message, excerpt) => {
      const server = await serve(text(200, body, asJson), json(200, { credits: 1 }));
      const client = createStabilityClient({ apiKey, baseUrl: server.url, logLevel: "off" });
      const error = await failure(client.balance());
      expect(error.constructor).toBe(StabilityResponseError);
      expect((error as StabilityResponseError).status).toBe(200);
      expect((error as StabilityResponseError).excerpt).toBe(excerpt);
      expect(error.message).toMatch(message);
      expect(server.received).toHaveLength(1);
    },
  );

  it("keeps the excerpt of a long bad body short", async () => {
    const server = await serve(text(200, "x".repeat(5000), asJson));
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logLevel: "off" });
    const error = (await failure(client.balance())) as StabilityResponseError;
    expect(error.constructor).toBe(StabilityResponseError);
    expect(error.excerpt.length).toBeLessThanOrEqual(201);
    expect(server.received).toHaveLength(1);
  });
});

describe("validateResponses", () => {
  it("names /credits when credits is a string", async () => {
    const server = await serve(json(200, { credits: "12" }));
    const client = clientFor(server, { apiKey, validateResponses: true });
    const error = (await failure(client.balance())) as StabilityValidationError;
    expect(error.constructor).toBe(StabilityValidationError);
    expect(error).toBeInstanceOf(StabilityResponseError);
    expect(error.issue).toEqual({ path: "/credits", message: "expected number" });
    expect(error.message).toMatch(/\/credits: expected number/);
    expect(error.status).toBe(200);
    expect(server.received).toHaveLength(1);
  });

  it("names a missing required property", async () => {
    const server = await serve(json(200, {}));
    const client = clientFor(server, { apiKey, validateResponses: true });
    const error = (await failure(client.balance())) as StabilityValidationError;
    expect(error.constructor).toBe(StabilityValidationError);
    expect(error.issue).toEqual({ path: "/credits", message: "required property missing" });
    expect(server.received).toHaveLength(1);
  });

  it("names /credits when credits does not fit a double (1e400 parses as Infinity)", async () => {
    const server = await serve(text(200, '{"credits": 1e400}', asJson));
    const client = clientFor(server, { apiKey, validateResponses: true });
    const error = (await failure(client.balance())) as StabilityValidationError;
    expect(error.constructor).toBe(StabilityValidationError);
    expect(error.issue).toEqual({ path: "/credits", message: "expected a finite number" });
    expect(server.received).toHaveLength(1);
  });

  it("passes a body that matches the schema", async () => {
    const server = await serve(json(200, validBalance));
    const client = clientFor(server, { apiKey, validateResponses: true });
    await expect(client.balance()).resolves.toEqual(validBalance);
    expect(server.received).toHaveLength(1);
  });

  it("returns an off-schema body untouched when validation is off", async () => {
    const server = await serve(json(200, { credits: "12" }));
    const client = createStabilityClient({
      apiKey,
      baseUrl: server.url,
      logLevel: "off",
      validateResponses: false,
    });
    await expect(client.balance()).resolves.toEqual({ credits: "12" });
    expect(server.received).toHaveLength(1);
  });
});
