// Reading bytes for the loader, bounded: every network read has a timeout that covers the whole
// read (redirects and body included), a byte cap counted while streaming, at most 5 redirects and
// http(s) only; a file read is a regular file under the cap. scope.ts decides what may be read.
import { constants } from "node:fs";
import { open, realpath } from "node:fs/promises";
import { UpstreamError } from "./error.ts";
import { isInside } from "./scope.ts";

export interface ReadLimits {
  /** How long one read may take, redirects and body included. */
  timeoutMs: number;
  /** The most bytes one document may take: the root, and all its `$ref` reads together. */
  maxBytes: number;
}

export const DEFAULT_LIMITS: ReadLimits = { timeoutMs: 30_000, maxBytes: 16 * 1024 * 1024 };
export const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The bytes a document and its `$ref`s may still take; shared by every read of one document. */
export class ByteBudget {
  private used = 0;
  constructor(readonly limit: number) {}
  get left(): number {
    return this.limit - this.used;
  }
  take(source: string, bytes: number): void {
    this.used += bytes;
    if (this.used > this.limit) throw new UpstreamError(`${source}: body ${this.over}`);
  }
  get over(): string {
    return `over the ${this.limit}-byte cap (--max-bytes to raise it)`;
  }
}

export const isHttp = (url: URL) => url.protocol === "http:" || url.protocol === "https:";

/**
 * GETs `url`, following at most 5 redirects, each on http(s) and, when `origin` is given, on that
 * origin (a redirect elsewhere is refused before it is followed).
 */
export async function readUrl(
  url: string,
  { timeoutMs }: ReadLimits,
  budget: ByteBudget,
  origin?: string,
): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(timeoutMs);
  let current = new URL(url);
  try {
    for (let hop = 0; ; hop++) {
      const response = await fetch(current, { redirect: "manual", signal });
      if (!REDIRECTS.has(response.status)) return await bodyOf(url, response, budget);
      await response.body?.cancel();
      const location = response.headers.get("location");
      if (hop === MAX_REDIRECTS) throw new UpstreamError(`${url}: more than 5 redirects`);
      if (location === null) throw new UpstreamError(`${url}: redirect without a location`);
      current = new URL(location, current);
      if (!isHttp(current))
        throw new UpstreamError(`${url}: redirect to ${current.href}: only http(s) is read`);
      if (origin !== undefined && current.origin !== origin)
        throw new UpstreamError(`${url}: redirect to another origin (${current.origin})`);
    }
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const reason =
      e.name === "TimeoutError"
        ? `no complete response within ${timeoutMs} ms`
        : (e.cause?.code ?? e.cause?.message ?? e.message);
    throw new UpstreamError(`${url}: unreachable (${reason})`);
  }
}

async function bodyOf(url: string, response: Response, budget: ByteBudget): Promise<Uint8Array> {
  if (!response.ok) {
    await response.body?.cancel();
    throw new UpstreamError(`${url}: HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (declared > budget.left) {
    await response.body?.cancel();
    throw new UpstreamError(`${url}: declares ${declared} bytes, ${budget.over}`);
  }
  const chunks: Uint8Array[] = [];
  const reader = response.body?.getReader();
  if (reader === undefined) return new Uint8Array();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      budget.take(url, value.byteLength);
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  }
  return Buffer.concat(chunks);
}

/**
 * Reads a regular file under the cap. With `within` (a real folder path), the file's real path
 * (symbolic links followed) must be inside it. Opening never waits on a pipe (O_NONBLOCK).
 */
export async function readLocalFile(
  file: string,
  budget: ByteBudget,
  within?: string,
): Promise<Uint8Array> {
  let handle;
  try {
    if (within !== undefined) {
      const real = await realpath(file);
      if (!isInside(within, real))
        throw new UpstreamError(`${file}: leads outside the upstream's folder (to ${real})`);
    }
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = await handle.stat();
    if (!stat.isFile()) throw new UpstreamError(`${file}: not a regular file`);
    if (stat.size > budget.left)
      throw new UpstreamError(`${file}: file of ${stat.size} bytes, ${budget.over}`);
    const bytes = Buffer.alloc(Math.min(budget.left + 1, stat.size + 1));
    let length = 0;
    for (let read = -1; read !== 0 && length < bytes.length; length += read)
      read = (await handle.read(bytes, length, bytes.length - length)).bytesRead;
    budget.take(file, length);
    return bytes.subarray(0, length);
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? "read failed";
    throw new UpstreamError(`${file}: cannot read file (${code})`);
  } finally {
    await handle?.close();
  }
}
