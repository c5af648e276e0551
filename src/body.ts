// Reads a response body as a stream with a cap on decoded bytes (after gzip, br or deflate), so an
// endless body or a decompression bomb costs at most the cap in memory.

/**
 * The body's text, reading at most `limit` decoded bytes, each read raced by `bound` (the
 * attempt's time limit and abort). `over` is true when there was more: the rest is then
 * cancelled, which releases the connection.
 */
export async function readBody(
  response: Response,
  limit: number,
  bound: <T>(read: Promise<T>) => Promise<T>,
): Promise<{ text: string; over: boolean }> {
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (let left = limit; reader;) {
      const { done, value } = await bound(reader.read());
      if (done) break;
      if (value.length > left) {
        reader.cancel().catch(() => {});
        return { text: text + decoder.decode(value.subarray(0, left)), over: true };
      }
      left -= value.length;
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    // Timed out or aborted (or the stream failed): let the body go.
    // Stryker disable next-line OptionalChaining: only a read can throw, and a read needs a reader
    reader?.cancel().catch(() => {});
    throw error;
  }
  return { text: text + decoder.decode(), over: false };
}
