// Header merging: client-level and per-call headers merge case-insensitively, the per-call value
// (and the organization option above all) wins, and Authorization is always the client's own.
import { describe, expect, it } from "vitest";
import { createStabilityClient } from "../src/index.ts";
import { mergeHeaders } from "../src/headers.ts";
import { clientFor, json, recordingFetch, refusal, serverPerTest } from "./helpers/server.ts";

const apiKey = "sk-headers-test-key-0123456789";
const serve = serverPerTest();

describe("header merging, on the wire", () => {
  it("sends one Organization, the call's, over a client-level header of any case", async () => {
    const server = await serve(json(200, { credits: 1 }));
    for (const name of ["organization", "ORGANIZATION", "Organization"]) {
      const client = clientFor(server, { apiKey, headers: { [name]: "org-A" } });
      await client.balance({ organization: "org-B" });
      await client.balance();
    }
    expect(server.received.map((r) => r.headers.organization)).toEqual([
      "org-B",
      "org-A",
      "org-B",
      "org-A",
      "org-B",
      "org-A",
    ]);
  });

  it("sends per-call headers beside the client's, the call's value winning whatever its case", async () => {
    const server = await serve(json(200, { credits: 1 }));
    const client = clientFor(server, {
      apiKey,
      headers: { "X-Trace": "client", "X-Client-Only": "1" },
      validateResponses: false,
    });
    await client.balance({ headers: { "x-trace": "call", "X-Call-Only": "2" } });
    await client.account({ headers: { "X-TRACE": "call-2" } });
    await client.balance();
    expect(
      server.received.map((r) => [
        r.headers["x-trace"],
        r.headers["x-client-only"],
        r.headers["x-call-only"],
      ]),
    ).toEqual([
      ["call", "1", "2"],
      ["call-2", "1", undefined],
      ["client", "1", undefined],
    ]);
  });

  it("never lets a per-call header replace Authorization, and lets organization win over a per-call header", async () => {
    const server = await serve(json(200, { credits: 1 }));
    const client = clientFor(server, { apiKey, apiKeyPrefix: "Bearer" });
    await client.balance({
      organization: "org-option",
      headers: { authorization: "Bearer sk-other", AUTHORIZATION: "x", organization: "org-header" },
    });
    await client.balance({ headers: { Organization: "org-header" } });
    expect(server.received.map((r) => [r.headers.authorization, r.headers.organization])).toEqual([
      [`Bearer ${apiKey}`, "org-option"],
      [`Bearer ${apiKey}`, "org-header"],
    ]);
  });

  it("lets a header replace Accept without sending two values", async () => {
    const server = await serve(json(200, { credits: 1 }));
    const client = clientFor(server, { apiKey, headers: { accept: "application/json; q=1" } });
    await client.balance();
    await client.balance({ headers: { ACCEPT: "*/*" } });
    expect(server.received.map((r) => r.headers.accept)).toEqual(["application/json; q=1", "*/*"]);
  });

  it("sends a client-level header given twice in different cases once, the last one", async () => {
    const server = await serve(json(200, { credits: 1 }));
    const client = clientFor(server, { apiKey, headers: { "x-a": "1", "X-A": "2" } });
    await client.balance();
    expect(server.received[0]?.headers["x-a"]).toBe("2");
  });
});

describe("which hosts count as loopback, where plain http:// may carry the key", () => {
  it.each([
    "http://localhost:8080",
    "http://127.0.0.1:9",
    "http://127.1.2.3",
    "http://[::1]:80",
    "http://LOCALHOST",
  ])("accepts plain http to %s", (baseUrl) => {
    expect(
      createStabilityClient({ apiKey, baseUrl, fetch: recordingFetch().fetch }).apiVersion,
    ).toBe("v1alpha");
  });

  it.each([
    "http://evillocalhost",
    "http://localhost.evil.example",
    "http://127.0.0.1.evil.example",
    "http://my-localhost",
    "http://[::2]",
  ])("refuses plain http to %s, which only contains a loopback name", (baseUrl) => {
    const error = refusal({ apiKey, baseUrl, fetch: recordingFetch().fetch });
    expect(error.field).toBe("baseUrl");
    expect(error.problem).toMatch(
      /^is plain http:\/\/ to .*, which would send the key in clear text$/,
    );
  });
});

describe("which header names and values the client sends", () => {
  it("sends a header whose name only begins with __proto__", async () => {
    const { fetch, requests } = recordingFetch();
    await createStabilityClient({ apiKey, fetch, headers: { __proto__x: "v" } }).balance();
    expect(requests[0]?.headers.get("__proto__x")).toBe("v");
  });

  it("refuses a header value that is not a string, naming the header, before sending", async () => {
    const { fetch, requests } = recordingFetch();
    const headers = { "X-Trace": 5 } as unknown as Record<string, string>;
    const error = await createStabilityClient({ apiKey, fetch })
      .balance({ headers })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "StabilityInputError", field: "headers.X-Trace" });
    expect(requests).toHaveLength(0);
  });
});

describe("mergeHeaders", () => {
  it("skips a header whose value is undefined (an optional header not given)", () => {
    expect(mergeHeaders({ Accept: "application/json" }, { accept: undefined, "X-A": "1" })).toEqual(
      { Accept: "application/json", "X-A": "1" },
    );
  });

  it("never lets extra headers replace Authorization, in any case", () => {
    expect(mergeHeaders({ Authorization: "k" }, { AUTHORIZATION: "other" })).toEqual({
      Authorization: "k",
    });
  });
});
