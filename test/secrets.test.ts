import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  StabilityInputError,
  StabilityResponseError,
  createStabilityClient,
} from "../src/index.ts";
import { json, recordingFetch, redirect, text, serverPerTest, failure } from "./helpers/server.ts";

const apiKey = "sk-secrets-test-key-0123456789";
const balancePath = "/v1alpha/user/balance";

const serve = serverPerTest();

function thrown(make: () => unknown): Error {
  try {
    make();
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error("expected a throw");
}

describe("header injection", () => {
  it.each([
    ["CR", "sk-abc\rX-Evil: 1"],
    ["LF", "sk-abc\nX-Evil: 1"],
    ["NUL", "sk-abc\0def"],
  ])("refuses a key containing %s before anything is sent", async (_char, badKey) => {
    const server = await serve(json(200, { credits: 1 }));
    const error = thrown(() => createStabilityClient({ apiKey: badKey, baseUrl: server.url }));
    expect(error.constructor).toBe(StabilityInputError);
    expect(error.message).toMatch(/^apiKey contains a character HTTP cannot carry/);
    expect(error.message).not.toContain("sk-abc");
    expect(server.received).toHaveLength(0);
  });

  it.each([
    ["CR", "org-1\rX-Evil: 1"],
    ["LF", "org-1\nX-Evil: 1"],
    ["NUL", "org-1\0"],
  ])("refuses an organization containing %s before anything is sent", async (_char, org) => {
    const server = await serve(json(200, { credits: 1 }));
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logLevel: "off" });
    const error = await failure(client.balance({ organization: org }));
    expect(error.constructor).toBe(StabilityInputError);
    expect(error.message).toMatch(/^organization contains a character HTTP cannot carry/);
    expect(error.message).not.toContain("org-1");
    expect(server.received).toHaveLength(0);
  });

  it("refuses an extra header value containing LF", () => {
    const { fetch, requests } = recordingFetch();
    const error = thrown(() =>
      createStabilityClient({ apiKey, fetch, headers: { "X-Trace": "a\nb" } }),
    );
    expect(error.constructor).toBe(StabilityInputError);
    expect(requests).toHaveLength(0);
  });
});

describe("plain http", () => {
  it("refuses http:// to a host other than loopback, sending nothing", () => {
    const { fetch, requests } = recordingFetch();
    const error = thrown(() =>
      createStabilityClient({ apiKey, fetch, baseUrl: "http://api.example.com" }),
    );
    expect(error.constructor).toBe(StabilityInputError);
    expect(error.message).toMatch(/baseUrl is plain http:\/\/ to api\.example\.com/);
    expect(error.message).toMatch(/allowInsecureHttp/);
    expect(requests).toHaveLength(0);
  });

  it("refuses a host that merely starts like loopback", () => {
    const { fetch } = recordingFetch();
    for (const baseUrl of ["http://127.0.0.1.example.com", "http://localhost.example.com"])
      expect(thrown(() => createStabilityClient({ apiKey, fetch, baseUrl })).constructor).toBe(
        StabilityInputError,
      );
  });

  it("sends over http:// to a non-loopback host with allowInsecureHttp: true", async () => {
    const { fetch, requests } = recordingFetch();
    const client = createStabilityClient({
      apiKey,
      fetch,
      baseUrl: "http://api.example.com",
      allowInsecureHttp: true,
    });
    await expect(client.balance()).resolves.toEqual({ credits: 1 });
    expect(requests.map((r) => r.url)).toEqual([`http://api.example.com${balancePath}`]);
  });

  it("allows http:// to loopback without the flag", async () => {
    const { fetch, requests } = recordingFetch();
    for (const baseUrl of ["http://localhost:8080", "http://127.0.0.1:8080", "http://[::1]:8080"])
      await createStabilityClient({ apiKey, fetch, baseUrl }).balance();
    expect(requests).toHaveLength(3);
  });
});

describe("redirects", () => {
  it("drops Authorization on a redirect to another origin", async () => {
    const other = await serve(json(200, { credits: 3 }));
    const server = await serve(redirect(`${other.url}${balancePath}`));
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logLevel: "off" });
    await expect(client.balance()).resolves.toEqual({ credits: 3 });
    expect(server.received).toHaveLength(1);
    expect(server.received[0]?.headers.authorization).toBe(apiKey);
    expect(other.received).toHaveLength(1);
    expect(other.received[0]?.headers).not.toHaveProperty("authorization");
  });

  it("keeps Authorization on a redirect within the same origin, so the test above can tell", async () => {
    const server = await serve(redirect(`${balancePath}?moved=1`), json(200, { credits: 4 }));
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logLevel: "off" });
    await expect(client.balance()).resolves.toEqual({ credits: 4 });
    expect(server.received.map((r) => r.path)).toEqual([balancePath, `${balancePath}?moved=1`]);
    expect(server.received[1]?.headers.authorization).toBe(apiKey);
  });
});

describe("the key stays out of errors and inspection", () => {
  const shown = (value: unknown) => [
    inspect(value, { depth: 10, showHidden: true }),
    JSON.stringify(value) ?? "",
  ];

  it("redacts a key that a 401 body echoes", async () => {
    const server = await serve(
      json(401, { name: "unauthorized", message: `key ${apiKey} is not valid` }),
    );
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logLevel: "off" });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(AuthenticationError);
    expect(error.message).toMatch(/key \[redacted\] is not valid/);
    for (const output of [error.message, error.stack ?? "", ...shown(error)])
      expect(output).not.toContain(apiKey);
    expect(server.received).toHaveLength(1);
  });

  it("redacts a key that a bad 200 body echoes", async () => {
    const server = await serve(text(200, `<p>${apiKey}</p>`));
    const client = createStabilityClient({ apiKey, baseUrl: server.url, logLevel: "off" });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(StabilityResponseError);
    for (const output of [error.message, ...shown(error)]) expect(output).not.toContain(apiKey);
    expect(server.received).toHaveLength(1);
  });

  it("does not show the key when the client is inspected or serialised", () => {
    const client = createStabilityClient({ apiKey, fetch: recordingFetch().fetch });
    for (const output of shown(client)) expect(output).not.toContain(apiKey);
  });
});
