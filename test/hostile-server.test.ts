// Servers that answer with too much: endless bodies, decompression bombs, huge error pages. Every
// one ends as a typed error with the connection released; the caps here are small to stay fast.
import { brotliCompressSync, constants, deflateSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  DEFAULTS,
  InternalServerError,
  StabilityInputError,
  StabilityResponseError,
  createStabilityClient,
  type StabilityApiError,
} from "../src/index.ts";
import {
  clientFor,
  failure,
  json,
  recordingFetch,
  serverPerTest,
  text,
  type Behaviour,
} from "./helpers/server.ts";

const apiKey = "sk-hostile-server-test-key";
const CAP = 4096;
const serve = serverPerTest();

/** Streams `status` with a JSON-looking body that never ends; `closed` counts sockets the client let go. */
function endless(status = 200) {
  const state = { closed: 0, sent: 0 };
  const behaviour: Behaviour = (req, res) => {
    req.socket.once("close", () => state.closed++);
    res.writeHead(status, { "content-type": "application/json" });
    res.write('{"credits": 1, "pad": "');
    const chunk = "x".repeat(16_384);
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) state.sent += chunk.length;
    };
    res.on("drain", pump);
    pump();
  };
  return { state, behaviour };
}

/** `decoded` bytes of JSON whitespace, compressed: a few hundred bytes on the wire. */
const SPACES = Buffer.alloc(1024 * 1024, " ");
const bombs = {
  gzip: gzipSync(SPACES, { level: 9 }),
  deflate: deflateSync(SPACES, { level: 9 }),
  br: brotliCompressSync(SPACES, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }),
};
const bomb =
  (encoding: keyof typeof bombs, status = 200): Behaviour =>
  (_req, res) => {
    res
      .writeHead(status, { "content-type": "application/json", "content-encoding": encoding })
      .end(bombs[encoding]);
  };

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe("bounded bodies", () => {
  it("defaults maxResponseBytes to 1 MiB", () => {
    expect(DEFAULTS.maxResponseBytes).toBe(1024 * 1024);
  });

  it("stops an endless 200 body at maxResponseBytes, releases the connection and does not retry", async () => {
    const { state, behaviour } = endless();
    const server = await serve(behaviour, json(200, { credits: 1 }));
    const client = clientFor(server, { apiKey, maxResponseBytes: CAP, timeoutMs: 10_000 });
    const error = await failure(client.balance());
    expect(error.constructor).toBe(StabilityResponseError);
    expect(error.message).toBe(`GET /v1alpha/user/balance: 200 body over ${CAP} bytes`);
    expect((error as StabilityResponseError).status).toBe(200);
    await until(() => state.closed === 1);
    expect(server.received).toHaveLength(1);
  });

  it("stops the default cap at 1 MiB", async () => {
    const { state, behaviour } = endless();
    const server = await serve(behaviour);
    const client = clientFor(server, { apiKey });
    const error = await failure(client.balance());
    expect(error.message).toMatch(/200 body over 1048576 bytes$/);
    await until(() => state.closed === 1);
    expect(state.sent).toBeLessThan(16 * 1024 * 1024);
  });

  it("accepts a body of exactly maxResponseBytes and refuses one byte more", async () => {
    const exact = '{"credits": 2}'.padEnd(CAP, " ");
    const server = await serve(
      text(200, exact, { "content-type": "application/json" }),
      text(200, `${exact} `, { "content-type": "application/json" }),
    );
    const client = clientFor(server, { apiKey, maxResponseBytes: CAP });
    await expect(client.balance()).resolves.toEqual({ credits: 2 });
    const error = await failure(client.balance());
    expect(error.message).toMatch(new RegExp(`body over ${CAP} bytes$`));
  });

  it.each(["gzip", "br", "deflate"] as const)(
    "counts decoded bytes: a %s bomb ends as body over the cap, not retried",
    async (encoding) => {
      expect(bombs[encoding].length).toBeLessThan(CAP);
      const server = await serve(bomb(encoding), json(200, { credits: 1 }));
      const client = clientFor(server, { apiKey, maxResponseBytes: CAP });
      const error = await failure(client.balance());
      expect(error.constructor).toBe(StabilityResponseError);
      expect(error.message).toMatch(new RegExp(`200 body over ${CAP} bytes$`));
      expect(server.received).toHaveLength(1);
    },
  );

  it("cuts a huge error page kept on the error to 64 KiB, with a mark, keeping its class", async () => {
    const page = `<html>${"<p>Bad Gateway</p>".repeat(20_000)}</html>`;
    const server = await serve(text(502, page));
    const client = clientFor(server, { apiKey, maxRetries: 0 });
    const error = (await failure(client.balance())) as InternalServerError;
    expect(error.constructor).toBe(InternalServerError);
    expect(typeof error.body).toBe("string");
    const body = error.body as string;
    expect(body.length).toBeLessThanOrEqual(64 * 1024);
    expect(body.startsWith("<html><p>Bad Gateway</p>")).toBe(true);
    expect(body).toMatch(/\[cut at 65536 bytes\]$/);
    expect(error.message).toMatch(/^GET \/v1alpha\/user\/balance: 502 <html><p>Bad Gateway/);
  });

  it("ends an endless error body as its status error with a cut body, and releases the connection", async () => {
    const { state, behaviour } = endless(401);
    const server = await serve(behaviour);
    const client = clientFor(server, { apiKey, maxRetries: 0 });
    const error = (await failure(client.balance())) as StabilityApiError;
    expect(error.status).toBe(401);
    expect(error.body as string).toMatch(/\[cut at 65536 bytes\]$/);
    await until(() => state.closed === 1);
  });

  it("cuts an error body at maxResponseBytes when that is smaller than 64 KiB", async () => {
    const server = await serve(bomb("gzip", 503));
    const client = clientFor(server, { apiKey, maxResponseBytes: CAP, maxRetries: 0 });
    const error = (await failure(client.balance())) as InternalServerError;
    expect(error.constructor).toBe(InternalServerError);
    expect(error.body as string).toMatch(new RegExp(`\\[cut at ${CAP} bytes\\]$`));
    expect((error.body as string).length).toBeLessThanOrEqual(CAP);
  });

  it("refuses a maxResponseBytes that is not a positive whole number", () => {
    for (const maxResponseBytes of [0, -1, 1.5, Number.NaN]) {
      const { fetch } = recordingFetch();
      expect(() => createStabilityClient({ apiKey, fetch, maxResponseBytes })).toThrow(
        StabilityInputError,
      );
    }
  });
});

describe("decoding", () => {
  /** Writes `parts` of a body as separate chunks, a moment apart, so the client reads them apart. */
  const chunked =
    (status: number, parts: Buffer[]): Behaviour =>
    (_req, res) => {
      res.writeHead(status, { "content-type": "application/json" });
      let i = 0;
      const next = () => {
        if (i === parts.length) return void res.end();
        res.write(parts[i++]);
        setTimeout(next, 20);
      };
      next();
    };

  it("decodes a UTF-8 character split across two chunks as that character", async () => {
    const body = Buffer.from('{"name":"bad_request","message":"café ☕ 𝄞"}');
    const cuts = [body.indexOf("é") + 1, body.indexOf("☕") + 2, body.indexOf("𝄞") + 3];
    const parts = [0, ...cuts].map((at, i) => body.subarray(at, [...cuts, body.length][i]));
    const server = await serve(chunked(400, parts));
    const error = (await failure(clientFor(server, { apiKey }).balance())) as StabilityApiError;
    expect(error.body).toMatchObject({ message: "café ☕ 𝄞" });
  });
});

describe("responses without a body", () => {
  it("reads a 204 with no body as an empty body where JSON was expected", async () => {
    const server = await serve((_req, res) => res.writeHead(204).end());
    const error = await failure(clientFor(server, { apiKey }).balance());
    expect(error).toBeInstanceOf(StabilityResponseError);
    expect(error.message).toBe("GET /v1alpha/user/balance: 204 empty body where JSON was expected");
  });

  it("keeps a bodiless error status as its class with an empty body", async () => {
    const { fetch } = recordingFetch(() => new Response(null, { status: 500 }));
    const client = createStabilityClient({ apiKey, fetch, maxRetries: 0, logLevel: "off" });
    const error = await failure(client.balance());
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as StabilityApiError).body).toBe("");
  });
});
