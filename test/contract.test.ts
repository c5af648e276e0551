// The client against Prism serving the vendored spec: Prism checks every request the client sends
// against the spec (--errors turns a violation into an error response), and in dynamic mode it
// answers with random schema-valid bodies that must come back through the client unchanged.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPrism, type PrismMock } from "../scripts/lib/prism.ts";
import { createStabilityClient, type StabilityClientOptions } from "../src/index.ts";

const KEY = "sk-contract-test-key";
const spec = JSON.parse(
  readFileSync(new URL("../openapi/v1alpha.openapi.json", import.meta.url), "utf8"),
) as {
  paths: Record<
    string,
    { get: { responses: { 200: { content: Record<string, { example: unknown }> } } } }
  >;
};
const example = (path: string) =>
  spec.paths[path]?.get.responses[200].content["application/json"]?.example;

const PASSED = /The request passed the validation rules/g;
const VIOLATION = /did not pass the validation rules|Request terminated with error|✖/;
// Prism's last log line for each request, whatever its outcome.
const ANSWERED = /> Responding with "\d+"|Request terminated with error/g;

/**
 * Prism's log for the requests sent since `mark`. Prism writes it on its own schedule, possibly
 * after the client has its response, so this waits until all `requests` have been logged.
 */
async function logSince(prism: PrismMock, mark: number, requests: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const log = prism.output().slice(mark);
    if ((log.match(ANSWERED)?.length ?? 0) >= requests) return log;
    if (Date.now() > deadline)
      throw new Error(`Prism logged fewer than ${requests} requests within 10 s:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Asserts Prism found each of `requests` requests valid against the spec. */
async function expectAllValid(prism: PrismMock, mark: number, requests: number) {
  const log = await logSince(prism, mark, requests);
  expect(log).not.toMatch(VIOLATION);
  expect(log.match(PASSED)?.length).toBe(requests);
}

describe("against Prism serving the spec's examples", () => {
  let prism: PrismMock;
  beforeAll(async () => {
    prism = await startPrism();
  });
  afterAll(() => prism?.stop());

  const client = (options: StabilityClientOptions = {}) =>
    createStabilityClient({ apiKey: KEY, baseUrl: prism.url, maxRetries: 0, ...options });

  it("answers a request without Authorization with an error, so validation is on", async () => {
    const mark = prism.output().length;

    const response = await fetch(`${prism.url}/v1alpha/user/balance`, {
      headers: { Accept: "application/json" },
    });

    expect(response.status).toBe(401);
    const log = await logSince(prism, mark, 1);
    expect(log).toMatch(/did not pass the validation rules/);
    expect(log).not.toMatch(PASSED);
  });

  it("account() gets the spec's example, and Prism finds the request valid", async () => {
    const mark = prism.output().length;

    await expect(client().account()).resolves.toStrictEqual(example("/v1alpha/user/account"));

    await expectAllValid(prism, mark, 1);
  });

  it("balance() gets the spec's example with and without organization, every request valid", async () => {
    const mark = prism.output().length;
    const stability = client();
    const expected = example("/v1alpha/user/balance");

    await expect(stability.balance()).resolves.toStrictEqual(expected);
    await expect(stability.balance({ organization: "org-123456" })).resolves.toStrictEqual(
      expected,
    );

    await expectAllValid(prism, mark, 2);
  });

  it("*WithHttpInfo, a Bearer prefix and raw all make valid requests", async () => {
    const mark = prism.output().length;
    const stability = client({ apiKeyPrefix: "Bearer", headers: { "User-Agent": "contract" } });

    const balance = await stability.balanceWithHttpInfo({ organization: "org-123456" });
    const account = await stability.accountWithHttpInfo();
    const raw = await stability.raw.GET("/v1alpha/user/balance", {
      params: { header: { Organization: "org-123456" } },
    });

    expect(balance.status).toBe(200);
    expect(balance.data).toStrictEqual(example("/v1alpha/user/balance"));
    expect(account.status).toBe(200);
    expect(account.data).toStrictEqual(example("/v1alpha/user/account"));
    expect(raw.response.status).toBe(200);
    expect(raw.data).toStrictEqual(example("/v1alpha/user/balance"));
    await expectAllValid(prism, mark, 3);
  });
});

describe("against Prism generating random schema-valid bodies", () => {
  const ROUNDS = 50;
  let prism: PrismMock;
  beforeAll(async () => {
    // No seed: Prism re-seeds for every request, so a seeded mock sends one body over and over.
    prism = await startPrism({ dynamic: true });
  });
  afterAll(() => prism?.stop());

  /** A client whose fetch keeps the text of every response body it hands to the client. */
  function recordingClient() {
    const bodies: string[] = [];
    const keepText: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      bodies.push(await response.clone().text());
      return response;
    };
    // validateResponses: the client's own schema check must accept whatever Prism finds valid.
    const stability = createStabilityClient({
      apiKey: KEY,
      baseUrl: prism.url,
      maxRetries: 0,
      fetch: keepText,
      validateResponses: true,
    });
    return { stability, bodies };
  }

  it(`returns ${ROUNDS} random balance bodies unchanged`, async () => {
    const mark = prism.output().length;
    const { stability, bodies } = recordingClient();

    for (let i = 0; i < ROUNDS; i++) {
      const { data, status } = await stability.balanceWithHttpInfo(
        i % 2 ? { organization: `org-${i}` } : {},
      );
      expect(status).toBe(200);
      expect(data).toStrictEqual(JSON.parse(bodies[i]!));
    }

    expect(bodies).toHaveLength(ROUNDS);
    // Many different bodies, or this would test one example fifty times.
    expect(new Set(bodies).size).toBeGreaterThan(ROUNDS / 2);
    await expectAllValid(prism, mark, ROUNDS);
  });

  it(`returns ${ROUNDS} random account bodies unchanged`, async () => {
    const mark = prism.output().length;
    const { stability, bodies } = recordingClient();

    for (let i = 0; i < ROUNDS; i++) {
      const { data, status } = await stability.accountWithHttpInfo();
      expect(status).toBe(200);
      expect(data).toStrictEqual(JSON.parse(bodies[i]!));
    }

    expect(bodies).toHaveLength(ROUNDS);
    expect(new Set(bodies).size).toBeGreaterThan(ROUNDS / 2);
    // Some bodies carry organizations, so the nested schema is exercised too.
    expect(bodies.some((body) => body.includes('"is_default"'))).toBe(true);
    await expectAllValid(prism, mark, ROUNDS);
  });
});
