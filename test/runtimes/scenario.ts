// The one scenario `npm run test:runtimes` (scripts/test-runtimes.ts) runs in every runtime, against
// the mock API of scripts/lib/runtimes-api.ts. It imports nothing: each entry in entries/ passes in
// the library and the testing kit as that runtime loaded them from the installed tarball, so the
// same code runs under Node, Bun, Deno, workerd and a browser. Each step either returns or throws,
// and a throw becomes that step's one-line failure.
import type * as Library from "../../src/index.ts";
import type * as Testing from "../../src/testing.ts";

/** What the harness tells a runtime: baked into each entry's bundle as `__CONTEXT__`. */
export interface Context {
  /** The runtime's name in the table, and the mock API's namespace for its requests. */
  runtime: string;
  /** The mock API's origin, `http://127.0.0.1:<port>`. */
  api: string;
  /** Whether this runs in a browser page (a `window` and a `document`), where the guard applies. */
  page: boolean;
  /** Whether this runs in a browser (a page or a worker), which sends its own User-Agent. */
  browser: boolean;
}

export interface StepResult {
  step: string;
  ok: boolean;
  /** The error's class and message on one line, when the step failed. */
  error?: string;
}

interface Kit {
  lib: typeof Library;
  testing: typeof Testing;
  context: Context;
}

/** The key the mock API expects; v1alpha sends it bare. */
export const API_KEY = "sk-runtime-test-key-0123456789";
export const ORGANIZATION = "org-runtime";

/** A request as the mock API saw it, from its `/_seen/<runtime>/<step>` record. */
interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
}

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(`expected ${what}`);
}

/** The error `run` throws, or a failure when it does not throw one of `Class`. */
async function rejection<E extends Error>(
  run: () => Promise<unknown>,
  Class: abstract new (...args: never[]) => E,
): Promise<E> {
  try {
    await run();
  } catch (error) {
    if (error instanceof Class) return error;
    throw error;
  }
  throw new Error(`expected ${Class.name}, but the call succeeded`);
}

/** A client for one step: every option given, so nothing needs the environment. */
function client({ lib, context }: Kit, step: string, options: Library.StabilityClientOptions = {}) {
  return lib.createStabilityClient({
    apiKey: API_KEY,
    baseUrl: `${context.api}/${context.runtime}/${step}`,
    logLevel: "off",
    logger: { error() {}, warn() {}, info() {}, debug() {} },
    dangerouslyAllowBrowser: context.page,
    ...options,
  });
}

async function seen({ context }: Kit, step: string): Promise<Seen[]> {
  const response = await fetch(`${context.api}/_seen/${context.runtime}/${step}`);
  return (await response.json()) as Seen[];
}

const gets = (requests: Seen[]) => requests.filter((request) => request.method === "GET");

/** The steps, in order: an id (the mock API answers `<runtime>/<id>/…` by it) and what to check. */
export const STEPS: { id: string; name: string; run: (kit: Kit) => Promise<void> }[] = [
  {
    id: "ok",
    name: "account and balance",
    async run(kit) {
      const stability = client(kit, "ok", { validateResponses: true });
      const account = await stability.account();
      check(account.id === "user-1234" && account.organizations.length === 2, "the account");
      const { credits } = await stability.balance();
      check(credits === 42.5, `42.5 credits, got ${credits}`);
    },
  },
  {
    id: "headers",
    name: "Authorization and Organization sent",
    async run(kit) {
      await client(kit, "headers").balance({ organization: ORGANIZATION });
      const requests = await seen(kit, "headers");
      const [request] = gets(requests);
      check(request?.headers.authorization === API_KEY, "Authorization: <key>");
      check(request.headers.organization === ORGANIZATION, `Organization: ${ORGANIZATION}`);
      const agent = `stability-user-client/${kit.lib.VERSION}`;
      if (!kit.context.browser)
        check(request.headers["user-agent"] === agent, `User-Agent: ${agent}`);
      // A browser sends its own, so the client sets none: it would join the CORS preflight.
      const asked = requests.find((each) => each.method === "OPTIONS");
      const preflight = asked?.headers["access-control-request-headers"];
      if (kit.context.browser)
        check(
          preflight === "authorization,organization",
          `a preflight for Authorization and Organization only, got ${preflight}`,
        );
    },
  },
  {
    id: "unauthorized",
    name: "401: class and message",
    async run(kit) {
      const error = await rejection(
        () => client(kit, "unauthorized").balance(),
        kit.lib.AuthenticationError,
      );
      // The path as requested: the base URL's own path, then the operation's.
      const path = `/${kit.context.runtime}/unauthorized/v1alpha/user/balance`;
      const message = `GET ${path}: 401 unauthorized: bad key`;
      check(error.status === 401 && error.message.startsWith(message), `"${message}…"`);
      check(!error.message.includes(API_KEY), "no key in the message");
    },
  },
  {
    id: "flaky",
    name: "503 then 200, retried",
    async run(kit) {
      const { credits } = await client(kit, "flaky", { maxRetries: 2 }).balance();
      check(credits === 42.5, `42.5 credits, got ${credits}`);
      check(gets(await seen(kit, "flaky")).length === 2, "two attempts");
    },
  },
  {
    id: "abort",
    name: "abort",
    async run(kit) {
      const controller = new AbortController();
      const reason = new Error("stop");
      setTimeout(() => controller.abort(reason), 100);
      const call = () => client(kit, "abort").balance({ signal: controller.signal });
      const error = await rejection(call, kit.lib.StabilityAbortError);
      check(error.cause === reason, "the signal's reason as its cause");
      check(gets(await seen(kit, "abort")).length === 1, "one attempt");
    },
  },
  {
    id: "slow",
    name: "timeoutMs on a slow answer",
    async run(kit) {
      const call = () => client(kit, "slow", { timeoutMs: 300, maxRetries: 0 }).balance();
      const error = await rejection(call, kit.lib.StabilityTimeoutError);
      check(error.message.includes("300 ms"), "the limit in the message");
    },
  },
  {
    id: "gzip",
    name: "gzip body over the cap",
    async run(kit) {
      const call = () => client(kit, "gzip", { maxResponseBytes: 4096 }).balance();
      const error = await rejection(call, kit.lib.StabilityResponseError);
      check(error.message.endsWith("body over 4096 bytes"), `"body over 4096 bytes"`);
      check(gets(await seen(kit, "gzip")).length === 1, "no retry");
    },
  },
  {
    id: "redirect",
    name: "same-origin 302",
    async run(kit) {
      const { credits } = await client(kit, "redirect").balance();
      check(credits === 42.5, `42.5 credits, got ${credits}`);
    },
  },
  {
    id: "loop",
    name: "redirect loop: one error, not retried",
    async run(kit) {
      const call = () => client(kit, "loop", { maxRetries: 2 }).balance();
      const error = await rejection(call, kit.lib.StabilityResponseError).catch(
        async (other: unknown) => {
          const requests = gets(await seen(kit, "loop")).length;
          throw new Error(`${describe(other)} (after ${requests} requests)`);
        },
      );
      check(error.message.includes("redirect"), "a message that names the redirect");
      // One attempt: the client's own hops (at most 6), or a browser's (a manual fetch, then 21).
      const requests = gets(await seen(kit, "loop")).length;
      check(requests <= 22, `one attempt, got ${requests} requests`);
    },
  },
  {
    id: "guard",
    name: "browser guard and dangerouslyAllowBrowser",
    async run(kit) {
      const unguarded = () => client(kit, "guard", { dangerouslyAllowBrowser: undefined });
      if (kit.context.page) {
        const error = await rejection(
          () => Promise.resolve().then(unguarded),
          kit.lib.StabilityInputError,
        );
        check(error.field === "dangerouslyAllowBrowser", "field dangerouslyAllowBrowser");
      } else await unguarded().balance();
      const { credits } = await client(kit, "guard", { dangerouslyAllowBrowser: true }).balance();
      check(credits === 42.5, `42.5 credits, got ${credits}`);
    },
  },
  {
    id: "testing",
    name: "testing kit",
    async run({ lib, testing, context }) {
      const fetch = testing.createMockFetch({ balance: { credits: 12.5 } });
      const options = { apiKey: "sk-test", fetch, dangerouslyAllowBrowser: context.page };
      const { credits } = await lib.createStabilityClient(options).balance();
      check(credits === 12.5, `12.5 credits, got ${credits}`);
      check(fetch.calls[0]?.path === "/v1alpha/user/balance", "the call recorded");
      const refused = await fetch("https://api.stability.ai/v1/user/account");
      check(refused.status === 401, "401 without Authorization");
    },
  },
];

/** One line, whatever a runtime's error looks like. */
function describe(error: unknown): string {
  // A failed check is a plain Error: its message says enough.
  const named = error instanceof Error && error.name !== "Error";
  const text =
    error instanceof Error ? `${named ? `${error.name}: ` : ""}${error.message}` : String(error);
  return text.replace(/\s+/g, " ").slice(0, 300);
}

/** Runs every step, one after another, and never throws. */
export async function runScenario(
  lib: typeof Library,
  testing: typeof Testing,
  context: Context,
): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const { name, run } of STEPS) {
    try {
      await run({ lib, testing, context });
      results.push({ step: name, ok: true });
    } catch (error) {
      results.push({ step: name, ok: false, error: describe(error) });
    }
  }
  return results;
}
