// Type tests, checked by tsc (vitest typecheck) and never run: what the public types promise.
import { assertType, describe, expectTypeOf, it } from "vitest";
import {
  VERSION,
  createStabilityClient,
  type OPERATIONS,
  type OperationName,
  type ApiVersion,
  type Account,
  type Balance,
  type CallOptions,
  type HttpInfo,
  type ParamOptions,
  type ResponseBody,
  type OrganizationMembership,
  type StabilityApiError,
  type ApiErrorBody,
  type components,
  type operations,
  type paths,
  type StabilityClient,
  type StabilityClientOptions,
  type v1,
} from "../src/index.ts";
import { createMockFetch, type MockFetch, type MockFixtures } from "../src/testing.ts";
// The spec's facts about the table's operations (operationIds), as generate wrote them.
import type { operations as v1alphaMetadata } from "../src/generated/v1alpha.operations.ts";

/** The generated `paths` keys the table's operations have in a version: `/v1/user/balance`, … */
type TablePaths<V extends ApiVersion> = {
  [N in OperationName]: `/${V}${(typeof OPERATIONS)[N]["path"]}`;
}[OperationName];
/** v1alpha's operationId of a table operation: the key it has in the exported `operations`. */
type OperationId<N extends OperationName> = (typeof v1alphaMetadata)[N]["operationId"];

const stability = createStabilityClient({ apiKey: "sk-test" });

describe("the facade's result types", () => {
  it("balance() resolves to { credits: number }", () => {
    expectTypeOf(stability.balance()).resolves.toEqualTypeOf<{ credits: number }>();
    expectTypeOf(stability.balance({ organization: "org-1" })).resolves.toEqualTypeOf<
      Balance<"v1alpha">
    >();
    expectTypeOf<Balance<"v1alpha">>().toEqualTypeOf<{ credits: number }>();
  });

  it("account() resolves to Account, whose organizations are OrganizationMembership[]", () => {
    expectTypeOf(stability.account()).resolves.toEqualTypeOf<Account<"v1alpha">>();
    expectTypeOf<Account<"v1alpha">["organizations"]>().toEqualTypeOf<
      OrganizationMembership<"v1alpha">[]
    >();
    expectTypeOf<Account>().toHaveProperty("id").toEqualTypeOf<string>();
    expectTypeOf<Account>().toHaveProperty("email").toEqualTypeOf<string>();
    expectTypeOf<Account<"v1alpha">["profile_picture"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<OrganizationMembership<"v1alpha">>().toEqualTypeOf<{
      id: string;
      name: string;
      role: string;
      is_default: boolean;
    }>();
  });

  it("balanceWithHttpInfo() resolves to { data: Balance, status, headers }", () => {
    expectTypeOf(stability.balanceWithHttpInfo()).resolves.toEqualTypeOf<
      HttpInfo<Balance<"v1alpha">>
    >();
    expectTypeOf<HttpInfo<Balance<"v1alpha">>>().toEqualTypeOf<{
      data: { credits: number };
      status: number;
      headers: Headers;
    }>();
    expectTypeOf(stability.accountWithHttpInfo())
      .resolves.toHaveProperty("data")
      .toEqualTypeOf<Account<"v1alpha">>();
  });

  it("an API error's body is the API's error JSON or text", () => {
    expectTypeOf<StabilityApiError["body"]>().toEqualTypeOf<ApiErrorBody | string>();
    expectTypeOf<StabilityApiError["status"]>().toEqualTypeOf<number>();
  });
});

describe("each version is typed by its own spec", () => {
  const onV1 = createStabilityClient({ apiKey: "sk-test", apiVersion: "v1" });

  it("a v1 client's methods return v1's generated body types", () => {
    type V1Balance = v1.components["schemas"]["BalanceResponseBody"];
    type V1Account = v1.components["schemas"]["AccountResponseBody"];
    expectTypeOf(onV1.balance()).resolves.toEqualTypeOf<V1Balance>();
    expectTypeOf(onV1.accountWithHttpInfo()).resolves.toEqualTypeOf<HttpInfo<V1Account>>();
    expectTypeOf<ResponseBody<"balance", "v1">>().toEqualTypeOf<V1Balance>();
    expectTypeOf<Balance<"v1">>().toEqualTypeOf<V1Balance>();
  });

  it("StabilityClient without a type argument accepts a client of either version", () => {
    const watch = (client: StabilityClient) => client.balance();
    assertType(watch(stability));
    assertType(watch(onV1));
    expectTypeOf(watch).returns.resolves.toEqualTypeOf<Balance<"v1alpha"> | Balance<"v1">>();
    expectTypeOf<StabilityClient["apiVersion"]>().toEqualTypeOf<"v1alpha" | "v1">();
  });

  it("a client of any version is told apart by apiVersion", () => {
    const either = stability as StabilityClient;
    if (either.apiVersion === "v1") expectTypeOf(either).toExtend<StabilityClient<"v1">>();
    else expectTypeOf(either.apiVersion).toEqualTypeOf<"v1alpha">();
  });

  it("a parameter is optional where the spec makes it optional, and typed by the spec", () => {
    expectTypeOf<CallOptions<"v1", "balance">>()
      .toHaveProperty("organization")
      .toEqualTypeOf<string | undefined>();
    expectTypeOf<ParamOptions<"v1alpha", "balance">>().toEqualTypeOf<{
      organization?: string | undefined;
    }>();
    expectTypeOf<keyof ParamOptions<"v1", "account">>().toEqualTypeOf<never>();
    assertType(onV1.balance());
  });
});

describe("every operation of the table", () => {
  it("has its body type, ResponseBody<name, version>, in every version", () => {
    type Untyped = {
      [N in OperationName]: [ResponseBody<N, "v1alpha"> | ResponseBody<N, "v1">] extends [never]
        ? N
        : [ResponseBody<N, "v1alpha">] extends [never]
          ? N
          : [ResponseBody<N, "v1">] extends [never]
            ? N
            : never;
    }[OperationName];
    expectTypeOf<Untyped>().toEqualTypeOf<never>();
  });
});

describe("the generated types are exported", () => {
  it("paths and operations describe exactly the table's operations, operations by operationId", () => {
    expectTypeOf<keyof paths>().toEqualTypeOf<TablePaths<"v1alpha">>();
    expectTypeOf<keyof operations>().toEqualTypeOf<OperationId<OperationName>>();
    expectTypeOf<components["schemas"]["BalanceResponseBody"]>().toEqualTypeOf<
      Balance<"v1alpha">
    >();
    expectTypeOf<
      NonNullable<operations[OperationId<"balance">]["parameters"]["header"]>
    >().toEqualTypeOf<{ Organization?: string }>();
  });
});

describe("raw is typed by the spec's paths", () => {
  it("returns the path's body type as data", async () => {
    const { data } = await stability.raw.GET("/v1alpha/user/balance", {
      params: { header: { Organization: "org-1" } },
    });
    expectTypeOf(data).toEqualTypeOf<Balance<"v1alpha"> | undefined>();
    const account = await stability.raw.GET("/v1alpha/user/account");
    expectTypeOf(account.data).toEqualTypeOf<Account<"v1alpha"> | undefined>();
  });

  it("types error on v1alpha as its spec's Error (401) or the API's error body (any other status)", async () => {
    const { data, error } = await stability.raw.GET("/v1alpha/user/balance");
    expectTypeOf(error).toEqualTypeOf<
      components["schemas"]["Error"] | ApiErrorBody | string | undefined
    >();
    if (error !== undefined) {
      expectTypeOf(data).toEqualTypeOf<undefined>();
      if (typeof error !== "string") expectTypeOf(error.message).toEqualTypeOf<string>();
    }
  });

  it("types error on v1 as its spec's Error (401, 500) or the API's error body (any other status)", async () => {
    const v1Client = createStabilityClient({ apiKey: "sk-test", apiVersion: "v1" });
    const { error } = await v1Client.raw.GET("/v1/user/account");
    expectTypeOf(error).toEqualTypeOf<
      v1.components["schemas"]["Error"] | ApiErrorBody | string | undefined
    >();
    if (error !== undefined && typeof error !== "string")
      expectTypeOf(error.name).toEqualTypeOf<string>();
  });

  it("does not compile an unknown path", () => {
    // @ts-expect-error -- not a path of the spec
    assertType(stability.raw.GET("/v1alpha/user/nope"));
  });

  it("does not compile a non-string Organization header", () => {
    assertType(
      stability.raw.GET("/v1alpha/user/balance", {
        // @ts-expect-error -- Organization is a string
        params: { header: { Organization: 1 } },
      }),
    );
  });
});

describe("options are checked at compile time", () => {
  it("does not compile a non-string organization", () => {
    // @ts-expect-error -- organization is a string
    assertType(stability.balance({ organization: 123 }));
  });

  it("does not compile an organization on account()", () => {
    // @ts-expect-error -- account() takes no organization
    assertType(stability.account({ organization: "org-1" }));
  });

  it("does not compile an unknown client option", () => {
    // @ts-expect-error -- there is no such option
    assertType(createStabilityClient({ apiKey: "sk-test", apiKeyHeader: "X-Key" }));
  });

  it("does not compile an unknown call option", () => {
    // @ts-expect-error -- there is no such option
    assertType(stability.balance({ org: "org-1" }));
  });

  it("accepts every documented option", () => {
    assertType(
      createStabilityClient({
        apiKey: "sk-test",
        apiKeyPrefix: "Bearer",
        baseUrl: "https://api.stability.ai",
        headers: { "User-Agent": "x" },
        fetch: globalThis.fetch,
      }),
    );
    assertType(createStabilityClient());
    assertType(stability.balance({ organization: "org-1", signal: AbortSignal.timeout(1) }));
    assertType(stability.account({ signal: new AbortController().signal }));
  });
});

describe("withOptions", () => {
  it("keeps the client's API version unless the overrides change it", () => {
    expectTypeOf(stability.withOptions({ maxRetries: 0 })).toEqualTypeOf<
      StabilityClient<"v1alpha">
    >();
    expectTypeOf(stability.withOptions({ apiVersion: "v1" })).toEqualTypeOf<
      StabilityClient<"v1">
    >();
    const onV1 = createStabilityClient({ apiKey: "sk-test", apiVersion: "v1" });
    expectTypeOf(onV1.withOptions({ timeoutMs: 5 }).raw.GET)
      .parameter(0)
      .toEqualTypeOf<TablePaths<"v1">>();
  });

  it("does not compile a new apiKey", () => {
    // @ts-expect-error -- the key stays the client's; create a new client for another
    assertType(stability.withOptions({ apiKey: "sk-other" }));
  });
});

describe("new options and exports", () => {
  it("accepts dangerouslyAllowBrowser and exports VERSION as a string", () => {
    assertType(createStabilityClient({ apiKey: "sk-test", dangerouslyAllowBrowser: true }));
    expectTypeOf(VERSION).toEqualTypeOf<string>();
  });
});

describe("the testing kit", () => {
  it("makes a fetch the client takes, with its calls", () => {
    const fetch = createMockFetch();
    expectTypeOf(fetch).toEqualTypeOf<MockFetch>();
    expectTypeOf(fetch).toExtend<NonNullable<StabilityClientOptions["fetch"]>>();
    expectTypeOf(fetch.calls[0]!).toEqualTypeOf<{
      method: string;
      path: string;
      headers: Record<string, string>;
    }>();
  });

  it("takes a typed body, a reply or a function of the request", () => {
    assertType<MockFixtures>({
      account: { id: "u", email: "e", organizations: [] },
      balance: { credits: 1 },
    });
    assertType<MockFixtures>({ balance: { status: 429, headers: { "retry-after": "1" } } });
    assertType<MockFixtures>({
      balance: (request: Request, n: number) =>
        n === 0 && request.headers.has("organization") ? { status: 503 } : { credits: 2 },
      account: (request: Request) =>
        Promise.resolve({ id: request.url, email: "e", organizations: [] }),
    });
  });

  it("does not compile a body off the schema", () => {
    // @ts-expect-error -- credits is a number
    assertType<MockFixtures>({ balance: { credits: "12" } });
    // @ts-expect-error -- an account has an email and organizations
    assertType<MockFixtures>({ account: { id: "u" } });
    // @ts-expect-error -- a function must return a Balance or a reply
    assertType<MockFixtures>({ balance: () => ({ credit: 1 }) });
  });
});
