// The MCP server's stdio transport (src/mcp/stdio.ts) in-process, over streams: how it reads lines,
// and that it closes only once every request it received has its answer. test/mcp-hostile.test.ts
// shows the same through the whole server, and test/mcp-process.test.ts through the real process.
import { PassThrough } from "node:stream";
import { parseJSONRPCMessage, type JSONRPCMessage } from "@modelcontextprotocol/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LineTransport } from "../src/mcp/stdio.ts";

const MAX = 100;

/** A started transport over fresh streams, with what it delivered, reported and wrote. */
async function open(drainMs = 60_000) {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = "";
  output.setEncoding("utf8").on("data", (chunk: string) => (written += chunk));
  const transport = new LineTransport(input, output, {
    parse: parseJSONRPCMessage,
    maxLineBytes: MAX,
    drainMs,
    streams: ["subscriptions/listen"],
  });
  const received: JSONRPCMessage[] = [];
  const errors: string[] = [];
  let isClosed = false;
  transport.onmessage = (message) => received.push(message);
  transport.onerror = (error) => errors.push(error.message);
  void transport.closed.then(() => (isClosed = true));
  await transport.start();
  return {
    input,
    transport,
    received,
    errors,
    closed: () => isClosed,
    lines: () =>
      written
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as unknown),
    written: () => written,
  };
}

const request = (id: number | string, method = "tools/call") => ({ jsonrpc: "2.0", id, method });
const line = (message: object) => `${JSON.stringify(message)}\n`;
const flush = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => void vi.useRealTimers());

describe("reading", () => {
  it("delivers one message per line, however the lines are cut into chunks, CRLF or LF", async () => {
    const t = await open();
    const text = `${line(request(1))}${JSON.stringify(request(2))}\r\n${line(request(3))}`;
    const cuts = [0, 5, 40, 41, 60, text.length];
    for (const [i, at] of cuts.slice(1).entries()) t.input.write(text.slice(cuts[i], at));
    await flush();
    expect(t.received.map((m) => (m as { id: number }).id)).toEqual([1, 2, 3]);
  });

  it("skips a line over the limit, says so, and reads the next", async () => {
    const t = await open();
    t.input.write(`{"jsonrpc":"2.0","id":1,"method":"x","params":{"pad":"${"x".repeat(MAX)}`);
    t.input.write(`${"y".repeat(MAX)}"}}\n${line(request(2))}`);
    await flush();
    expect(t.received).toEqual([request(2)]);
    expect(t.errors).toEqual([`skipped a line over ${MAX} bytes`]);
  });

  it("skips a line that is not JSON-RPC, says so, and reads the next", async () => {
    const t = await open();
    t.input.write(`not json\n{"id":1}\n${line(request(2))}`);
    await flush();
    expect(t.received).toEqual([request(2)]);
    expect(t.errors).toHaveLength(2);
    expect(t.errors[0]).toMatch(/^skipped a line that is not a JSON-RPC message/);
  });

  it("reads a last line that has no newline", async () => {
    const t = await open();
    t.input.end(JSON.stringify(request(7)));
    await flush();
    expect(t.received).toEqual([request(7)]);
  });
});

describe("writing", () => {
  it("writes one line per message, with C1, U+2028 and bidi controls as JSON escapes", async () => {
    const t = await open();
    const text = "a\u0085b\u2028c\u202ed\u2066e";
    await t.transport.send({ jsonrpc: "2.0", id: 1, result: { text } });
    expect(t.written()).toBe(
      '{"jsonrpc":"2.0","id":1,"result":{"text":"a\\u0085b\\u2028c\\u202ed\\u2066e"}}\n',
    );
    expect(t.lines()).toEqual([{ jsonrpc: "2.0", id: 1, result: { text } }]);
  });
});

describe("when stdin ends", () => {
  it("closes at once when no request is waiting for its answer", async () => {
    const t = await open();
    t.input.end(line({ jsonrpc: "2.0", method: "notifications/initialized" }));
    await t.transport.closed;
    expect(t.closed()).toBe(true);
  });

  it("stays open until every request received has its answer, then closes", async () => {
    const t = await open();
    t.input.end(`${line(request(1))}${line(request("b"))}`);
    await flush();
    await t.transport.send({ jsonrpc: "2.0", id: 1, result: {} });
    expect(t.closed()).toBe(false);
    await t.transport.send({ jsonrpc: "2.0", id: "b", error: { code: -32602, message: "no" } });
    await flush();
    expect(t.closed()).toBe(true);
    expect(t.lines()).toHaveLength(2);
  });

  it("keeps a string id and a number id apart", async () => {
    const t = await open();
    t.input.end(`${line(request(1))}${line(request("1"))}`);
    await flush();
    await t.transport.send({ jsonrpc: "2.0", id: "1", result: {} });
    await flush();
    expect(t.closed()).toBe(false);
  });

  it("does not wait for a stream (a subscription), which only ending the connection answers", async () => {
    const t = await open();
    let drained = 0;
    t.transport.ondrained = () => drained++;
    t.input.end(`${line(request(1, "subscriptions/listen"))}${line(request(2))}`);
    await flush();
    expect(drained).toBe(0);
    await t.transport.send({ jsonrpc: "2.0", id: 2, result: {} });
    await flush();
    expect(drained).toBe(1);
    // ondrained's owner closes (after answering the subscription); the transport waits for it.
    expect(t.closed()).toBe(false);
    await t.transport.send({ jsonrpc: "2.0", id: 1, result: {} });
    expect(drained).toBe(1);
  });

  it("does not wait for a request the client cancelled", async () => {
    const t = await open();
    const cancel = {
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: 1 },
    };
    t.input.end(`${line(request(1))}${line(cancel)}`);
    await t.transport.closed;
    expect(t.lines()).toEqual([]);
  });

  it("answers what is still running after drainMs with an error, then closes", async () => {
    vi.useFakeTimers();
    const t = await open(5_000);
    t.input.end(line(request(9)));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(t.closed()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await t.transport.closed;
    expect(t.lines()).toEqual([
      {
        jsonrpc: "2.0",
        id: 9,
        error: {
          code: -32603,
          message: "stdin closed and the request did not finish within 5 s",
        },
      },
    ]);
  });

  it("refuses to send once closed", async () => {
    const t = await open();
    t.input.end();
    await t.transport.closed;
    await expect(t.transport.send({ jsonrpc: "2.0", id: 1, result: {} })).rejects.toThrow(/closed/);
  });
});
