// The MCP server's stdio transport: one JSON-RPC message per line, stdin to the SDK and the SDK to
// stdout. The SDK's own stdio transport drops the requests still running when stdin ends; this one
// answers every request it received first: once stdin has ended and each has its response (or was
// cancelled by the client), or after `drainMs` (answering what is left with an error), it calls
// `ondrained`, whose owner ends the connection (answering open subscriptions) and closes it.
import type { Readable, Writable } from "node:stream";
import type { JSONRPCMessage, RequestId, Transport } from "@modelcontextprotocol/server";
import { printable } from "../line.js";

export interface LineTransportOptions {
  /** The SDK's check of a parsed line (`parseJSONRPCMessage`): the message, or a throw. */
  parse(value: unknown): JSONRPCMessage;
  /** The longest line read; a longer one is skipped (reported through `onerror`). */
  maxLineBytes: number;
  /** Once stdin has ended, how long requests still running may take before they are answered with an error. */
  drainMs: number;
  /**
   * Methods whose request stays open as a stream until the connection ends
   * (`subscriptions/listen`): not waited for, since only closing answers them.
   */
  streams: readonly string[];
}

/** JSON-RPC's internal error: the request was received but not carried out. */
const INTERNAL_ERROR = -32603;

const record = (value: unknown) =>
  value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;

export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** Called once stdin has ended and every request has its answer; by default, closes. */
  ondrained?: () => void;
  /** Settles when the transport has closed (`onclose` belongs to the SDK). */
  readonly closed: Promise<void>;
  private settle!: () => void;
  // Requests received and not yet answered; JSON-RPC ids are strings or numbers, kept apart.
  private readonly pending = new Map<string, RequestId>();
  private parts: Buffer[] = [];
  private length = 0;
  private skipping = false;
  private ended = false;
  private drained = false;
  private isClosed = false;
  private drain: NodeJS.Timeout | undefined;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly options: LineTransportOptions,
  ) {
    this.closed = new Promise((resolve) => (this.settle = resolve));
  }

  start(): Promise<void> {
    this.input.on("data", this.onData);
    this.input.once("end", this.onEnd);
    this.input.once("close", this.onEnd);
    this.input.on("error", this.onInputError);
    this.output.on("error", this.onOutputError);
    return Promise.resolve();
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.isClosed) return Promise.reject(new Error("the stdio transport is closed"));
    const answered = "id" in message && !("method" in message) ? message.id : undefined;
    if (answered !== undefined && answered !== null) this.pending.delete(key(answered));
    // `printable` writes C1, U+2028/2029 and bidi controls as JSON escapes: the same value.
    const ok = this.output.write(`${printable(JSON.stringify(message))}\n`);
    const written = ok ? Promise.resolve() : waitFor(this.output, "drain");
    return written.then(() => this.drainedWhenIdle());
  }

  close(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    this.isClosed = true;
    clearTimeout(this.drain);
    this.input.off("data", this.onData);
    this.input.off("end", this.onEnd);
    this.input.off("close", this.onEnd);
    this.input.pause();
    this.parts = [];
    this.onclose?.();
    this.settle();
    return Promise.resolve();
  }

  private readonly onData = (chunk: Buffer) => {
    for (let start = 0; start < chunk.length;) {
      const newline = chunk.indexOf(10, start);
      const end = newline === -1 ? chunk.length : newline;
      this.take(chunk.subarray(start, end));
      if (newline === -1) return;
      this.endLine();
      start = newline + 1;
    }
  };

  /** Keeps part of a line, or starts skipping the line once it is over the limit. */
  private take(part: Buffer) {
    if (this.skipping || part.length === 0) return;
    this.length += part.length;
    if (this.length <= this.options.maxLineBytes) this.parts.push(part);
    else {
      this.skipping = true;
      this.parts = [];
      this.onerror?.(new Error(`skipped a line over ${this.options.maxLineBytes} bytes`));
    }
  }

  private endLine() {
    const line = this.skipping ? "" : Buffer.concat(this.parts).toString("utf8").trim();
    this.parts = [];
    this.length = 0;
    this.skipping = false;
    if (line !== "") this.receive(line);
  }

  private receive(line: string) {
    let message: JSONRPCMessage;
    try {
      message = this.options.parse(JSON.parse(line));
    } catch (error) {
      this.onerror?.(new Error(`skipped a line that is not a JSON-RPC message (${String(error)})`));
      return;
    }
    const { id, method, params } = message as { id?: RequestId; method?: string; params?: unknown };
    if (method !== undefined && id !== undefined && !this.options.streams.includes(method))
      this.pending.set(key(id), id);
    // A cancelled request gets no response (the MCP specification says so).
    if (method === "notifications/cancelled") {
      const cancelled = record(params)?.requestId;
      if (typeof cancelled === "string" || typeof cancelled === "number")
        this.pending.delete(key(cancelled));
    }
    this.onmessage?.(message);
  }

  private readonly onEnd = () => {
    if (this.ended) return;
    this.ended = true;
    const line = this.length > 0 ? Buffer.concat(this.parts).toString("utf8").trim() : "";
    if (line !== "" && !this.skipping) this.receive(line);
    this.drain = setTimeout(() => void this.giveUp(), this.options.drainMs);
    this.drainedWhenIdle();
  };

  private drainedWhenIdle() {
    if (!this.ended || this.pending.size > 0 || this.drained) return;
    this.drained = true;
    clearTimeout(this.drain);
    if (this.ondrained) this.ondrained();
    else void this.close();
  }

  /** Answers each request still running with an error, which drains. */
  private async giveUp() {
    const seconds = Math.round(this.options.drainMs / 1000);
    const message = `stdin closed and the request did not finish within ${seconds} s`;
    for (const id of [...this.pending.values()])
      await this.send({ jsonrpc: "2.0", id, error: { code: INTERNAL_ERROR, message } }).catch(
        () => undefined,
      );
  }

  private readonly onInputError = (error: Error) => this.onerror?.(error);

  private readonly onOutputError = (error: Error) => {
    if (this.isClosed) return;
    this.onerror?.(error);
    void this.close();
  };
}

const key = (id: RequestId) => `${typeof id}:${id}`;

const waitFor = (stream: Writable, event: string) =>
  new Promise<void>((resolve) => stream.once(event, () => resolve()));
