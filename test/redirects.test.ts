// Redirects: loops and long chains end with an error that says so, a redirect never takes the
// request to plain http:// off loopback, and Authorization stays with the client's own origin.
import { describe, expect, it } from "vitest";
import {
  StabilityAbortError,
  StabilityConnectionError,
  StabilityResponseError,
  createStabilityClient,
} from "../src/index.ts";
import {
  clientFor,
  closedPort,
  failure,
  json,
  recordingFetch,
  redirect,
  serverPerTest,
  type Behaviour,
} from "./helpers/server.ts";

const apiKey = "sk-redirects-test-key-0123456789";
const balancePath = "/v1alpha/user/balance";
const serve = serverPerTest();

/** What a browser returns for redirect: "manual": an opaque redirect, status 0, no Location to read. */
function opaqueRedirect(): Response {
  const hidden = new Response(null, { status: 200 });
  Object.defineProperties(hidden, {
    type: { value: "opaqueredirect" },
    status: { value: 0 },
    ok: { value: false },
  });
  return hidden;
}

/** Redirects every request to `/hop/<n+1>`: a chain that never ends but never repeats. */
const chain: Behaviour = (req, res) => {
  const n = Number(/\/hop\/(\d+)/.exec(req.url ?? "")?.[1] ?? 0);
  redirect(`/hop/${n + 1}`)(req, res);
};

describe("redirects", () => {
  it("ends a redirect loop with an error that says so, without retrying", async () => {
    const server = await serve(redirect(balancePath));
    const client = clientFor(server, { apiKey });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(StabilityResponseError);
    expect(error.message).toMatch(/^GET \/v1alpha\/user\/balance: 302 redirect loop/);
    expect(server.received.length).toBeLessThanOrEqual(2);
  });

  it("ends a chain of more than 5 redirects with an error that says so, without retrying", async () => {
    const server = await serve(chain);
    const client = clientFor(server, { apiKey });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(StabilityResponseError);
    expect(error.message).toMatch(/302 too many redirects \(more than 5\)/);
    expect(server.received).toHaveLength(6);
  });

  it("follows a short same-origin chain, keeping Authorization", async () => {
    const server = await serve(
      redirect("/hop/1", 301),
      redirect("/hop/2", 307),
      json(200, { credits: 5 }),
    );
    const client = clientFor(server, { apiKey });
    await expect(client.balance()).resolves.toEqual({ credits: 5 });
    expect(server.received.map((r) => r.headers.authorization)).toEqual([apiKey, apiKey, apiKey]);
  });

  it("refuses a redirect from https to plain http, sending nothing there", async () => {
    const { fetch, requests } = recordingFetch(
      () => new Response(null, { status: 302, headers: { location: "http://api.stability.ai/x" } }),
    );
    const client = createStabilityClient({ apiKey, fetch, logLevel: "off" });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(StabilityResponseError);
    expect(error.message).toMatch(/302 redirect to plain http:\/\/api\.stability\.ai refused/);
    expect(requests.map((r) => r.url)).toEqual([`https://api.stability.ai${balancePath}`]);
  });

  it("refuses a redirect from loopback to plain http elsewhere, on the wire", async () => {
    const server = await serve(redirect("http://stability.invalid/v1alpha/user/balance"));
    const client = clientFor(server, { apiKey });
    const error = await failure(client.balance());
    expect(error.message).toMatch(/redirect to plain http:\/\/stability\.invalid refused/);
    expect(server.received).toHaveLength(1);
  });

  it("refuses a redirect to a scheme other than http(s)", async () => {
    const server = await serve(redirect("file:///etc/passwd"));
    const client = clientFor(server, { apiKey });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(StabilityResponseError);
    expect(error.message).toMatch(/302 redirect to file: refused/);
  });

  it("lets the platform follow a redirect it hides (a browser's opaque redirect), with the key and headers", async () => {
    const { fetch, requests } = recordingFetch((request) =>
      request.redirect === "follow" ? Response.json({ credits: 6 }) : opaqueRedirect(),
    );
    const client = createStabilityClient({ apiKey, fetch, logLevel: "off" });
    await expect(client.balance({ headers: { "X-Trace": "t1" } })).resolves.toEqual({ credits: 6 });
    expect(requests.map((r) => r.redirect)).toEqual(["manual", "follow"]);
    const [, followed] = requests;
    expect(followed?.headers.get("authorization")).toBe(apiKey);
    expect(followed?.headers.get("x-trace")).toBe("t1");
  });

  it("sends the browser's re-fetch with the call's signal, so an abort reaches it", async () => {
    const caller = new AbortController();
    const { fetch, requests } = recordingFetch((request) => {
      if (request.redirect !== "follow") return opaqueRedirect();
      setTimeout(() => caller.abort(), 10);
      return new Promise<Response>(() => {});
    });
    const client = createStabilityClient({ apiKey, fetch, logLevel: "off" });
    const error = await failure(client.balance({ signal: caller.signal }));
    expect(error.constructor).toBe(StabilityAbortError);
    expect(requests[1]?.signal.aborted).toBe(true);
  });

  it("ends a redirect the browser could not follow with a StabilityResponseError, not retried", async () => {
    // A browser's loop, a chain too long, or a CORS failure: its fetch rejects like a network error.
    const { fetch, requests } = recordingFetch((request) =>
      request.redirect === "follow"
        ? Promise.reject(new TypeError("Failed to fetch"))
        : opaqueRedirect(),
    );
    const client = createStabilityClient({ apiKey, fetch, maxRetries: 2, logLevel: "off" });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(StabilityResponseError);
    expect(error.message).toBe(
      "GET /v1alpha/user/balance: 0 redirect the platform could not follow",
    );
    expect(requests.map((r) => r.redirect)).toEqual(["manual", "follow"]);
  });

  it("describes a redirect target that refuses the connection as the hop that failed", async () => {
    const port = await closedPort();
    const server = await serve(redirect(`http://127.0.0.1:${port}/v1alpha/user/balance`, 307));
    const client = clientFor(server, { apiKey, maxRetries: 0 });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(StabilityConnectionError);
    expect(error.message).toBe(
      `GET /v1alpha/user/balance: connection to 127.0.0.1:${port} failed while following the 307 redirect (ECONNREFUSED)`,
    );
  });

  it("follows https to plain http on loopback, without Authorization (another origin)", async () => {
    const { fetch, requests } = recordingFetch((request) =>
      request.url.startsWith("https:")
        ? new Response(null, {
            status: 302,
            headers: { location: "http://localhost:8080/v1alpha/user/balance" },
          })
        : Response.json({ credits: 9 }),
    );
    const client = createStabilityClient({ apiKey, fetch, logLevel: "off" });
    await expect(client.balance()).resolves.toEqual({ credits: 9 });
    expect(requests.map((r) => [r.url, r.headers.get("authorization")])).toEqual([
      [`https://api.stability.ai${balancePath}`, apiKey],
      [`http://localhost:8080${balancePath}`, null],
    ]);
  });
});

/** A fetch that answers the first request with `status` and `location`, and any other with a balance. */
const redirectingFetch = (status: number, location: string) =>
  recordingFetch((request) =>
    request.url.endsWith(balancePath) && request.url.startsWith("https://api.stability.ai")
      ? new Response(null, { status, headers: { location } })
      : Response.json({ credits: 7 }),
  );
const pct = (text: string) =>
  [...text].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join("");

describe("which responses are redirects", () => {
  it.each([301, 302, 303, 307, 308])("follows a %i with a Location", async (status) => {
    const { fetch, requests } = redirectingFetch(status, "/v1alpha/user/balance2");
    const client = createStabilityClient({ apiKey, fetch, logLevel: "off" });
    await expect(client.balance()).resolves.toEqual({ credits: 7 });
    expect(requests.map((r) => r.url)).toEqual([
      `https://api.stability.ai${balancePath}`,
      `https://api.stability.ai${balancePath}2`,
    ]);
  });

  it.each([200, 300, 309, 401])("does not follow a Location on a %i", async (status) => {
    const { fetch, requests } = recordingFetch(
      () =>
        new Response(JSON.stringify({ credits: 3 }), {
          status,
          headers: { location: "/elsewhere", "content-type": "application/json" },
        }),
    );
    const client = createStabilityClient({ apiKey, fetch, maxRetries: 0, logLevel: "off" });
    await client.balance().catch(() => undefined);
    expect(requests.map((r) => r.url)).toEqual([`https://api.stability.ai${balancePath}`]);
  });

  it("follows a redirect to another https origin, without Authorization", async () => {
    const { fetch, requests } = redirectingFetch(
      302,
      "https://mirror.example/v1alpha/user/balance",
    );
    const client = createStabilityClient({ apiKey, fetch, logLevel: "off" });
    await expect(client.balance()).resolves.toEqual({ credits: 7 });
    expect(requests.map((r) => [r.url, r.headers.get("authorization")])).toEqual([
      [`https://api.stability.ai${balancePath}`, apiKey],
      [`https://mirror.example${balancePath}`, null],
    ]);
  });

  it.each([
    "http://evillocalhost/x",
    "http://localhost.evil.example/x",
    "http://127.0.0.1.evil.example/x",
  ])("refuses plain http to %s, a host that only contains a loopback name", async (location) => {
    const { fetch, requests } = redirectingFetch(302, location);
    const client = createStabilityClient({ apiKey, fetch, logLevel: "off" });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(StabilityResponseError);
    expect(error.message).toMatch(/302 redirect to plain http:\/\/.* refused$/);
    expect(requests).toHaveLength(1);
  });
});

describe("redirects that echo the key", () => {
  // Upper and lower case: a URL's scheme and host arrive lowercased.
  const echoKey = "SK-Echo-Redirect-Key-0123456789";
  const renderings = (error: Error) => [error.message, error.stack ?? "", JSON.stringify(error)];

  it.each([
    ["another scheme", `${echoKey}:x`, /302 redirect to \[redacted\]: refused$/],
    [
      "a plain-http host",
      `http://${echoKey}.example/`,
      /302 redirect to plain http:\/\/\[redacted\]\.example refused$/,
    ],
  ])(
    "refuses a redirect to %s without the key in the message",
    async (_kind, location, message) => {
      const { fetch } = redirectingFetch(302, location);
      const client = createStabilityClient({ apiKey: echoKey, fetch, logLevel: "off" });
      const error = await failure(client.balance());
      expect(error.constructor).toBe(StabilityResponseError);
      expect(error.message).toMatch(message);
      for (const output of renderings(error))
        expect(output.toLowerCase()).not.toContain(echoKey.toLowerCase());
    },
  );

  it("refuses a redirect whose Location carries credentials, without echoing them", async () => {
    for (const credentials of [`user:${pct(echoKey)}`, pct(echoKey), `user:${echoKey}`]) {
      const { fetch, requests } = redirectingFetch(
        307,
        `https://${credentials}@api.stability.ai/x`,
      );
      const client = createStabilityClient({ apiKey: echoKey, fetch, logLevel: "off" });
      const error = await failure(client.balance());
      expect(error.constructor).toBe(StabilityResponseError);
      expect(error.message).toMatch(/307 redirect to a location with credentials refused$/);
      for (const output of renderings(error)) {
        expect(output).not.toContain(echoKey);
        expect(output).not.toContain(pct(echoKey));
      }
      expect(requests).toHaveLength(1);
    }
  });
});

describe("which redirect targets are refused", () => {
  it("refuses a Location that is not a URL, without sending anything more", async () => {
    const { fetch, requests } = redirectingFetch(302, "http://[");
    const client = createStabilityClient({ apiKey, fetch, logLevel: "off" });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(StabilityResponseError);
    expect(error.message).toMatch(/302 redirect to an unreadable location refused$/);
    expect(requests).toHaveLength(1);
  });

  it("refuses a scheme that merely ends in http", async () => {
    const { fetch, requests } = redirectingFetch(302, "xhttps://api.stability.ai/x");
    const client = createStabilityClient({ apiKey, fetch, logLevel: "off" });
    const error = await failure(client.balance());
    expect(error.message).toMatch(/302 redirect to xhttps: refused$/);
    expect(requests).toHaveLength(1);
  });

  it("follows plain http within the baseUrl's own origin, which the caller allowed", async () => {
    const baseUrl = "http://api.example.test";
    const { fetch, requests } = recordingFetch((request) =>
      request.url.endsWith(balancePath)
        ? new Response(null, { status: 302, headers: { location: `${baseUrl}${balancePath}2` } })
        : Response.json({ credits: 7 }),
    );
    const options = { apiKey, fetch, baseUrl, allowInsecureHttp: true, logLevel: "off" } as const;
    await expect(createStabilityClient(options).balance()).resolves.toEqual({ credits: 7 });
    expect(requests.map((r) => [r.url, r.headers.get("authorization")])).toEqual([
      [`${baseUrl}${balancePath}`, apiKey],
      [`${baseUrl}${balancePath}2`, apiKey],
    ]);
  });
});
