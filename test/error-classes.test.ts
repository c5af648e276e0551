// What each error class calls itself, and what an error's message and properties say, on the wire.
import { describe, expect, it } from "vitest";
import {
  StabilityAbortError,
  StabilityApiError,
  StabilityConnectionError,
  StabilityError,
  StabilityInputError,
  StabilityResponseError,
  StabilityTimeoutError,
  StabilityValidationError,
  createStabilityClient,
} from "../src/index.ts";
import {
  clientFor,
  closedPort,
  failure,
  json,
  refusal,
  serverPerTest,
  stall,
  text,
} from "./helpers/server.ts";

const apiKey = "sk-error-classes-key";
const serve = serverPerTest();

describe("every error is named after its class", () => {
  it("calls a refused option a StabilityInputError", () => {
    const error = refusal({ apiKey, maxRetries: 1.5 });
    expect(error.name).toBe("StabilityInputError");
    expect(String(error)).toMatch(/^StabilityInputError: maxRetries /);
  });

  it("calls an attempt past timeoutMs a StabilityTimeoutError", async () => {
    const server = await serve(stall());
    const client = clientFor(server, { apiKey, maxRetries: 0, timeoutMs: 50 });
    const error = await failure(client.balance());
    expect(error).toBeInstanceOf(StabilityTimeoutError);
    expect(error.name).toBe("StabilityTimeoutError");
  });

  it("calls a call the caller aborted a StabilityAbortError", async () => {
    const server = await serve(json(200, { credits: 1 }));
    const client = clientFor(server, { apiKey });
    const error = await failure(client.balance({ signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(StabilityAbortError);
    expect(error.name).toBe("StabilityAbortError");
  });

  it("calls a 2xx body that is not JSON a StabilityResponseError", async () => {
    const server = await serve(text(200, "<html>"));
    const error = await failure(clientFor(server, { apiKey }).balance());
    expect(error).toBeInstanceOf(StabilityResponseError);
    expect(error.name).toBe("StabilityResponseError");
  });

  it("calls an off-schema body a StabilityValidationError", async () => {
    const server = await serve(json(200, { credits: "many" }));
    const error = await failure(clientFor(server, { apiKey, validateResponses: true }).balance());
    expect(error).toBeInstanceOf(StabilityValidationError);
    expect(error.name).toBe("StabilityValidationError");
  });

  it("calls a refused connection a StabilityConnectionError", async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}`;
    const client = createStabilityClient({ apiKey, baseUrl, maxRetries: 0, logLevel: "off" });
    const error = await failure(client.balance());
    expect(error).toBeInstanceOf(StabilityConnectionError);
    expect(error.name).toBe("StabilityConnectionError");
  });
  it("calls the base class, made by hand, a StabilityError", () => {
    const error = new StabilityError("something failed");
    expect(error.name).toBe("StabilityError");
    expect(String(error)).toBe("StabilityError: something failed");
  });
});

describe("an input error's message", () => {
  it("is the field and the problem alone when there is no hint", () => {
    const error = refusal({ apiKey, maxRetries: 1.5 });
    expect(error).toBeInstanceOf(StabilityInputError);
    expect(error.message).toBe("maxRetries must be a non-negative integer, got 1.5");
    expect(error.field).toBe("maxRetries");
  });

  it("adds the hint after a semicolon when there is one", () => {
    const error = refusal({ apiKey, baseUrl: "http://api.example.com" });
    expect(error.message).toMatch(/; allowInsecureHttp: true allows it$/);
  });
});

describe("an API error's summary of a text body", () => {
  const summary = async (body: string) => {
    const server = await serve(text(502, body));
    const error = await failure(clientFor(server, { apiKey, maxRetries: 0 }).balance());
    expect(error).toBeInstanceOf(StabilityApiError);
    return error.message.replace(/^GET \/v1alpha\/user\/balance: 502 /, "");
  };

  it("puts the body on one line, each run of white space one space, trimmed", async () => {
    expect(await summary("\n  <html>\n\n  <b>Bad   gateway</b>\t</html>  \n")).toBe(
      "<html> <b>Bad gateway</b> </html>",
    );
  });

  it("keeps the first 120 characters of a long body", async () => {
    expect(await summary("x".repeat(500))).toBe("x".repeat(120));
  });

  it("says (empty body) when the body is only white space", async () => {
    expect(await summary(" \n\t ")).toBe("(empty body)");
  });
});

describe("an API error's retryAfterMs", () => {
  it("is the server's wait when it asked for one", async () => {
    const server = await serve(json(500, {}, { "retry-after": "3" }));
    const error = await failure(clientFor(server, { apiKey, maxRetries: 0 }).balance());
    expect(error).toMatchObject({ status: 500, retryAfterMs: 3000 });
  });

  it("is not a property at all when the server asked for no wait", async () => {
    const server = await serve(json(500, {}));
    const error = await failure(clientFor(server, { apiKey, maxRetries: 0 }).balance());
    expect(error).toBeInstanceOf(StabilityApiError);
    expect(Object.hasOwn(error, "retryAfterMs")).toBe(false);
    expect(JSON.stringify(error)).not.toContain("retryAfterMs");
  });
});
