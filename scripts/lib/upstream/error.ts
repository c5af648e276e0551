// The one failure kind of the pipeline: an upstream (or a vendored spec) that cannot be read or
// used. vendor and generate print it as one line and exit 1; drift prints it and exits 2.

// Control characters, and the line and paragraph separators, escaped: a message quotes upstream
// strings (a `$ref`, a file name), and a terminal must never receive them raw.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const escaped = (text: string) =>
  text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** Thrown for every reason the upstream cannot be read or used; the message is one safe line. */
export class UpstreamError extends Error {
  override name = "UpstreamError";
  constructor(message: string) {
    super(escaped(message));
  }
}
