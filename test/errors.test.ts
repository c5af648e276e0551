// Which error a failed call throws, what it carries, and that the API key never leaks through it.
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  StabilityApiError,
  StabilityConnectionError,
  StabilityError,
  UnprocessableEntityError,
  createStabilityClient,
  errorClassForStatus,
  type ApiErrorBody,
} from "../src/index.ts";
import {
  closedPort,
  json,
  startServer,
  text,
  type Behaviour,
  type TestServer,
} from "./helpers/server.ts";

const KEY = "sk-test-0123456789abcdef";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A client for a server scripted with `behaviours`; no retries, so one status is one request. */
async function clientFor(...behaviours: Behaviour[]) {
  server = await startServer(...behaviours);
  return createStabilityClient({ apiKey: KEY, baseUrl: server.url, maxRetries: 0 });
}

/** Runs `call` and returns what it rejected with; fails the test if it resolved. */
async function rejection(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to reject, but it resolved");
}

const apiError = (name: string, message: string, fault = false): ApiErrorBody => ({
  id: "3F1FKVRR",
  name,
  message,
  temporary: fault,
  timeout: false,
  fault,
});

const STATUS_CASES = [
  [400, BadRequestError],
  [401, AuthenticationError],
  [403, PermissionDeniedError],
  [404, NotFoundError],
  [409, ConflictError],
  [422, UnprocessableEntityError],
  [429, RateLimitError],
  [500, InternalServerError],
  [502, InternalServerError],
  [503, InternalServerError],
  [418, StabilityApiError],
] as const;

describe("the error class for each status", () => {
  it.each(STATUS_CASES)("throws for %i a %O, after one request", async (status, ErrorClass) => {
    const body = apiError("some_error", `status ${status} happened`, status >= 500);
    const stability = await clientFor(json(status, body, { "x-request-id": `req-${status}` }));

    const error = await rejection(stability.balance());

    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(StabilityApiError);
    expect(error).toBeInstanceOf(StabilityError);
    // The exact class, not a subclass: 418 must not be dressed up as one of the named statuses.
    expect((error as object).constructor).toBe(ErrorClass);
    const apiErr = error as StabilityApiError;
    expect(apiErr.name).toBe(ErrorClass.name);
    expect(apiErr.status).toBe(status);
    expect(apiErr.headers.get("x-request-id")).toBe(`req-${status}`);
    expect(apiErr.body).toEqual(body);
    expect(apiErr.method).toBe("GET");
    expect(apiErr.path).toBe("/v1alpha/user/balance");
    expect(apiErr.message).toContain("GET /v1alpha/user/balance");
    expect(apiErr.message).toContain(String(status));
    expect(apiErr.message).toContain(`status ${status} happened`);
    expect(server?.received).toHaveLength(1);
  });

  it("names account's failures with account's path", async () => {
    const stability = await clientFor(json(404, apiError("not_found", "no such user")));

    const error = (await rejection(stability.account())) as StabilityApiError;

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.path).toBe("/v1alpha/user/account");
    expect(error.message).toContain("GET /v1alpha/user/account");
    expect(error.message).toContain("404");
  });

  it.each([
    ...STATUS_CASES,
    [504, InternalServerError],
    [599, InternalServerError],
    [402, StabilityApiError],
    [408, StabilityApiError],
  ] as const)("errorClassForStatus(%i) is %O", (status, ErrorClass) => {
    expect(errorClassForStatus(status)).toBe(ErrorClass);
  });
});

describe("the error body", () => {
  it("types only name and message as always present, as the error-body check does", async () => {
    // Compiles only while id, temporary, timeout and fault are optional in ApiErrorBody.
    const minimal: ApiErrorBody = { name: "conflict", message: "busy" };
    const stability = await clientFor(json(409, minimal));

    const error = (await rejection(stability.balance())) as StabilityApiError;

    expect(error.body).toEqual(minimal);
    expect(error.message).toBe("GET /v1alpha/user/balance: 409 conflict: busy");
  });

  it("keeps an HTML proxy page as text", async () => {
    const page = "<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>";
    const stability = await clientFor(text(502, page));

    const error = (await rejection(stability.balance())) as StabilityApiError;

    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.body).toBe(page);
    expect(error.message).toContain("GET /v1alpha/user/balance");
    expect(error.message).toContain("502");
    expect(error.message).toContain("502 Bad Gateway");
  });

  it("keeps JSON that is not the API's error shape as its text", async () => {
    const stability = await clientFor(json(400, { error: "something else" }));

    const error = (await rejection(stability.balance())) as StabilityApiError;

    expect(error.body).toBe('{"error":"something else"}');
  });

  it("keeps an empty error body (Content-Length: 0) as empty text", async () => {
    // Load balancers commonly answer 502/503 with no body at all.
    const stability = await clientFor(text(503, "", { "content-length": "0" }));

    const error = (await rejection(stability.balance())) as StabilityApiError;

    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.body).toBe("");
    expect(error.message).toBe("GET /v1alpha/user/balance: 503 (empty body)");
  });
});

describe("the request id support asks for", () => {
  const idOf = async (status: number, body: unknown, headers: Record<string, string> = {}) => {
    const stability = await clientFor(
      typeof body === "string" ? text(status, body, headers) : json(status, body, headers),
    );
    return (await rejection(stability.balance())) as StabilityApiError;
  };

  it("is the error JSON's id, before any request-id header", async () => {
    const error = await idOf(401, apiError("unauthorized", "no"), {
      "x-request-id": "hdr-1",
      "request-id": "hdr-2",
    });
    expect(error.requestId).toBe("3F1FKVRR");
    expect(error.message).toBe(
      "GET /v1alpha/user/balance: 401 unauthorized: no (request id 3F1FKVRR)",
    );
  });

  it("is the x-request-id header when the body has no usable id, else request-id", async () => {
    const noId = { name: "unauthorized", message: "no" };
    const cases: [unknown, Record<string, string>, string][] = [
      [noId, { "x-request-id": "hdr-x", "request-id": "hdr-r" }, "hdr-x"],
      [{ ...noId, id: "" }, { "x-request-id": "hdr-x" }, "hdr-x"],
      [{ ...noId, id: 42 }, { "request-id": "hdr-r" }, "hdr-r"],
      [noId, { "request-id": "hdr-r" }, "hdr-r"],
      ["<html>bad gateway</html>", { "x-request-id": "hdr-html" }, "hdr-html"],
    ];
    for (const [body, headers, expected] of cases) {
      const error = await idOf(body === noId ? 403 : 502, body, headers);
      expect({ body, requestId: error.requestId }).toEqual({ body, requestId: expected });
      expect(error.message).toMatch(new RegExp(` \\(request id ${expected}\\)$`));
      await server?.close();
      server = undefined;
    }
  });

  it("is absent when neither the body nor a header carries one", async () => {
    const error = await idOf(404, { name: "not_found", message: "no" });
    expect(error.requestId).toBeUndefined();
    expect("requestId" in error).toBe(false);
    expect(error.message).toBe("GET /v1alpha/user/balance: 404 not_found: no");
    const shown = JSON.parse(JSON.stringify(await idOf(401, apiError("x", "y")))) as object;
    expect(shown).toMatchObject({ requestId: "3F1FKVRR" });
  });
});

describe("the API key never leaks through an error", () => {
  /** Echoes the Authorization header it received, the way a careless server or proxy might. */
  const echoKeyAsJson: Behaviour = (req, res) =>
    json(401, apiError("unauthorized", `key ${String(req.headers.authorization)} is not valid`))(
      req,
      res,
    );
  const echoKeyAsHtml: Behaviour = (req, res) =>
    text(403, `<html><p>Forbidden for ${String(req.headers.authorization)}</p></html>`)(req, res);

  const leaks = (error: unknown, client: unknown) => [
    (error as Error).message,
    JSON.stringify(error),
    inspect(error, { depth: Infinity }),
    inspect(error, { depth: Infinity, showHidden: true }),
    String(error),
    inspect(client, { depth: Infinity, showHidden: true }),
  ];

  it.each([
    ["API error JSON", echoKeyAsJson, AuthenticationError],
    ["an HTML page", echoKeyAsHtml, PermissionDeniedError],
  ] as const)("not when the server echoes it in %s", async (_, behaviour, ErrorClass) => {
    const stability = await clientFor(behaviour);

    const error = await rejection(stability.balance());

    expect(error).toBeInstanceOf(ErrorClass);
    // The echo did come back: the redaction, not luck, keeps the key out.
    expect(JSON.stringify((error as StabilityApiError).body)).toContain("[redacted]");
    for (const output of leaks(error, stability)) expect(output).not.toContain(KEY);
  });

  it("not with a Bearer prefix either", async () => {
    server = await startServer(echoKeyAsJson);
    const stability = createStabilityClient({
      apiKey: KEY,
      apiKeyPrefix: "Bearer",
      baseUrl: server.url,
      maxRetries: 0,
    });

    const error = await rejection(stability.account());

    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as StabilityApiError).body).toMatchObject({
      message: "key Bearer [redacted] is not valid",
    });
    for (const output of leaks(error, stability)) expect(output).not.toContain(KEY);
  });
});

describe("when no response comes", () => {
  it("throws StabilityConnectionError with the cause on a refused connection", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const stability = createStabilityClient({ apiKey: KEY, baseUrl: url, maxRetries: 0 });

    const error = (await rejection(stability.balance())) as StabilityConnectionError;

    expect(error).toBeInstanceOf(StabilityConnectionError);
    expect(error).toBeInstanceOf(StabilityError);
    expect(error).not.toBeInstanceOf(StabilityApiError);
    expect(error.name).toBe("StabilityConnectionError");
    expect(error.cause).toBeInstanceOf(Error);
    expect(inspect(error.cause, { depth: Infinity })).toContain("ECONNREFUSED");
    expect(error.message).toBe(
      `GET /v1alpha/user/balance: connection to ${new URL(url).host} failed (ECONNREFUSED)`,
    );
    for (const output of [error.message, JSON.stringify(error), inspect(error)])
      expect(output).not.toContain(KEY);
  });
});

describe("error bodies that only look like the API's", () => {
  it.each([
    ['{"message":"upstream down"}', "a message without a name"],
    ['{"name":"bad_gateway"}', "a name without a message"],
    ['{"name":1,"message":"x"}', "a name that is not a string"],
  ])("keeps %s (%s) as text", async (body) => {
    const stability = await clientFor(text(502, body, { "content-type": "application/json" }));
    const error = (await rejection(stability.balance())) as StabilityApiError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.body).toBe(body);
  });
});

describe("an error as inspect and JSON show it", () => {
  it("shows message, status and the headers as a plain object, redacted", async () => {
    const stability = await clientFor(
      json(429, apiError("rate_limited", "slow down"), { "x-request-id": "req-9", "x-echo": KEY }),
    );
    const error = (await rejection(stability.balance())) as StabilityApiError;
    const shown = JSON.parse(JSON.stringify(error)) as Record<string, unknown>;
    expect(shown).toMatchObject({
      name: "RateLimitError",
      message: "GET /v1alpha/user/balance: 429 rate_limited: slow down (request id 3F1FKVRR)",
      status: 429,
      method: "GET",
      path: "/v1alpha/user/balance",
      headers: { "x-request-id": "req-9", "x-echo": "[redacted]" },
    });
    const inspected = inspect(error);
    expect(inspected).toContain(
      "GET /v1alpha/user/balance: 429 rate_limited: slow down (request id 3F1FKVRR)",
    );
    expect(inspected).toContain("status: 429");
    expect(inspected).toMatch(/headers: \{[^}]*'x-request-id': 'req-9'/);
    expect(inspected).toMatch(/'x-echo': '\[redacted\]'/);
    expect(inspected).not.toContain(KEY);
  });

  it("shows the message of an error without a status in JSON too", async () => {
    const port = await closedPort();
    const stability = createStabilityClient({
      apiKey: KEY,
      baseUrl: `http://127.0.0.1:${port}`,
      maxRetries: 0,
      logLevel: "off",
    });
    const error = (await rejection(stability.balance())) as StabilityConnectionError;
    const shown = JSON.parse(JSON.stringify(error)) as Record<string, unknown>;
    expect(shown.name).toBe("StabilityConnectionError");
    expect(shown.message).toMatch(
      /^GET \/v1alpha\/user\/balance: connection to 127\.0\.0\.1:\d+ failed/,
    );
  });
});
