// The client against Prism serving each API version's vendored spec: Prism checks every request
// the client sends against the spec (--errors turns a violation into an error response), answers
// with the spec's examples, and in its dynamic mode with random schema-valid bodies that must come
// back through the client unchanged. One Prism per version serves both: dynamic mode is asked for
// per request with `Prefer: dynamic=true` (Prism's own switch, the same generator as `-d`), which
// saves starting two more Prism processes, a few seconds of CPU each.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPrism, type PrismMock } from "../scripts/lib/prism.ts";
import { PIPELINE } from "../scripts/lib/pipeline.ts";
import {
  API_VERSIONS,
  createStabilityClient,
  type ApiVersion,
  type StabilityClientOptions,
} from "../src/index.ts";

const KEY = "sk-contract-test-key";

interface Schema {
  $ref?: string;
  example?: unknown;
  properties?: Record<string, Schema>;
}
interface Spec {
  paths: Record<
    string,
    {
      get: {
        responses: { 200: { content: Record<string, { example?: unknown; schema: Schema }> } };
      };
    }
  >;
  components: { schemas: Record<string, Schema> };
}
const specOf = (version: ApiVersion) =>
  JSON.parse(
    readFileSync(new URL(`../${PIPELINE[version].vendored}`, import.meta.url), "utf8"),
  ) as Spec;

/**
 * The body Prism's static mode answers with: the media type's example, else the schema's, else
 * one built from the properties' examples (v1's account has only those).
 */
function example(spec: Spec, path: string): unknown {
  const media = spec.paths[path]!.get.responses[200].content["application/json"]!;
  if (media.example !== undefined) return media.example;
  const ref = media.schema.$ref;
  const schema = ref ? spec.components.schemas[ref.split("/").pop()!]! : media.schema;
  if (schema.example !== undefined) return schema.example;
  return Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([name, property]) => [name, property.example]),
  );
}

const PASSED = /The request passed the validation rules/g;
const VIOLATION = /did not pass the validation rules|Request terminated with error|✖/;
// Prism's last log line for each request, whatever its outcome.
const ANSWERED = /> Responding with "\d+"|Request terminated with error/g;

/**
 * Prism's log for the requests sent since `mark`. Prism writes it on its own schedule, possibly
 * after the client has its response, so this waits until all `requests` have been logged.
 */
async function logSince(
  prism: PrismMock,
  mark: number,
  requests: number,
  last = ANSWERED,
): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const log = prism.output().slice(mark);
    if ((log.match(last)?.length ?? 0) >= requests) return log;
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

const prisms = new Map<ApiVersion, PrismMock>();
beforeAll(async () => {
  // Both at once; whichever started is stopped below even if the other failed.
  const started = await Promise.allSettled(
    API_VERSIONS.map(async (version) => {
      prisms.set(version, await startPrism({ spec: PIPELINE[version].vendored }));
    }),
  );
  const failed = started.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
}, 120_000);
afterAll(() => Promise.all([...prisms.values()].map((prism) => prism.stop())));

describe.for(API_VERSIONS)("%s against Prism", (version) => {
  const spec = specOf(version);
  const ACCOUNT = `/${version}/user/account` as const;
  const BALANCE = `/${version}/user/balance` as const;
  let prism: PrismMock;
  beforeAll(() => {
    prism = prisms.get(version)!;
  });
  const client = (options: StabilityClientOptions<ApiVersion> = {}) =>
    createStabilityClient({
      apiVersion: version,
      apiKey: KEY,
      baseUrl: prism.url,
      maxRetries: 0,
      ...options,
    });

  describe("serving the spec's examples", () => {
    it("answers a request without Authorization with an error, so validation is on", async () => {
      const mark = prism.output().length;

      const response = await fetch(`${prism.url}${BALANCE}`, {
        headers: { Accept: "application/json" },
      });

      // Both specs declare a 401 whose Error schema requires a `status` it never defines, so Prism
      // (with --errors) may answer 500 about that instead: either way, not a success.
      expect(response.ok).toBe(false);
      // A refused request's last line; waiting for it keeps it out of the next test's log.
      const log = await logSince(prism, mark, 1, /Request terminated with error/g);
      expect(log).toMatch(/did not pass the validation rules/);
      expect(log).toMatch(/Invalid security scheme used/);
      expect(log).not.toMatch(PASSED);
    });

    it("account() gets the spec's example, and Prism finds the request valid", async () => {
      const mark = prism.output().length;

      await expect(client().account()).resolves.toStrictEqual(example(spec, ACCOUNT));

      await expectAllValid(prism, mark, 1);
    });

    it("balance() gets the spec's example with and without organization, every request valid", async () => {
      const mark = prism.output().length;
      const stability = client();
      const expected = example(spec, BALANCE);

      await expect(stability.balance()).resolves.toStrictEqual(expected);
      await expect(stability.balance({ organization: "org-123456" })).resolves.toStrictEqual(
        expected,
      );

      await expectAllValid(prism, mark, 2);
    });

    it("*WithHttpInfo, another key prefix and raw all make valid requests", async () => {
      const mark = prism.output().length;
      const stability = client({
        apiKeyPrefix: version === "v1" ? "" : "Bearer",
        headers: { "User-Agent": "contract" },
      });

      const balance = await stability.balanceWithHttpInfo({ organization: "org-123456" });
      const account = await stability.accountWithHttpInfo();
      const raw = await stability.raw.GET(BALANCE, {
        params: { header: { Organization: "org-123456" } },
      });

      expect(balance.status).toBe(200);
      expect(balance.data).toStrictEqual(example(spec, BALANCE));
      expect(account.status).toBe(200);
      expect(account.data).toStrictEqual(example(spec, ACCOUNT));
      expect(raw.response.status).toBe(200);
      expect(raw.data).toStrictEqual(example(spec, BALANCE));
      await expectAllValid(prism, mark, 3);
    });
  });

  describe("in dynamic mode, generating random schema-valid bodies", () => {
    const ROUNDS = 50;

    /** A client asking for dynamic bodies, whose fetch keeps the text of every response body. */
    function recordingClient() {
      const bodies: string[] = [];
      const keepText: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        bodies.push(await response.clone().text());
        return response;
      };
      // validateResponses: the client's own schema check must accept whatever Prism finds valid.
      const stability = client({
        fetch: keepText,
        validateResponses: true,
        // No seed: Prism re-seeds for every request, so a seeded mock sends one body over and over.
        headers: { Prefer: "dynamic=true" },
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
});
