// The client's methods come from the operation table, and each request is built from the table's
// bindings: the path below the base URL's own path, each bound option where the spec puts it, and
// messages that name the path as it was requested.
import { afterEach, describe, expect, it } from "vitest";
import {
  NotFoundError,
  OPERATIONS,
  StabilityInputError,
  createStabilityClient,
  type ApiVersion,
} from "../src/index.ts";
import { failure, json, recordingFetch, startServer, type TestServer } from "./helpers/server.ts";

const apiKey = "sk-operation-table";
const names = Object.keys(OPERATIONS) as (keyof typeof OPERATIONS)[];
let server: TestServer | undefined;
afterEach(() => server?.close());

describe("the operation table", () => {
  it.for<ApiVersion>(["v1alpha", "v1"])(
    "gives a %s client one method and one WithHttpInfo method per operation, each calling its path",
    async (apiVersion) => {
      const { fetch, requests } = recordingFetch();
      const client = createStabilityClient({ apiKey, apiVersion, fetch, validateResponses: false });
      for (const name of names) {
        const methods = client as unknown as Record<string, (o?: object) => Promise<unknown>>;
        await methods[name]!();
        await methods[`${name}WithHttpInfo`]!();
      }
      expect(requests.map((r) => new URL(r.url).pathname)).toEqual(
        names.flatMap((name) => [0, 1].map(() => `/${apiVersion}${OPERATIONS[name].path}`)),
      );
    },
  );

  it("sends each bound option as the spec parameter it is bound to, and only when given", async () => {
    const { fetch, requests } = recordingFetch();
    const client = createStabilityClient({ apiKey, fetch, validateResponses: false });
    await client.balance({ organization: "org-7" });
    await client.balance();
    await client.balance({ organization: undefined });
    const [name] = Object.values(OPERATIONS.balance.params).map((binding) => binding.name);
    expect(requests.map((r) => r.headers.get(name!))).toEqual(["org-7", null, null]);
  });

  it("refuses a bound option that HTTP cannot carry, naming the option, before sending", async () => {
    const { fetch, requests } = recordingFetch();
    const client = createStabilityClient({ apiKey, fetch });
    const error = await failure(client.balance({ organization: "org\r\nX-Evil: 1" }));
    expect(error).toBeInstanceOf(StabilityInputError);
    expect((error as StabilityInputError).field).toBe("organization");
    expect(requests).toHaveLength(0);
  });
});

describe("the requested path", () => {
  it("keeps the base URL's own path, and every error message names the full path requested", async () => {
    server = await startServer(json(404, { name: "not_found", message: "nope" }));
    const client = createStabilityClient({
      apiKey,
      baseUrl: `${server.url}/gateway/stability`,
      maxRetries: 0,
    });
    const error = await failure(client.balance());
    expect(error).toBeInstanceOf(NotFoundError);
    expect(server.received.map((r) => r.path)).toEqual(["/gateway/stability/v1alpha/user/balance"]);
    expect(error.message).toMatch(/^GET \/gateway\/stability\/v1alpha\/user\/balance: 404/);
  });
});

describe("the fetch it is given", () => {
  it("is called as a plain function, as browsers and workers require (their fetch refuses another `this`)", async () => {
    const seen: unknown[] = [];
    const fetch = function (this: unknown) {
      seen.push(this);
      if (this !== undefined && this !== globalThis) throw new TypeError("Illegal invocation");
      return Promise.resolve(Response.json({ credits: 1 }));
    };
    const client = createStabilityClient({ apiKey, fetch, maxRetries: 0 });
    await expect(client.balance()).resolves.toEqual({ credits: 1 });
    expect(seen).toEqual([undefined]);
  });
});
