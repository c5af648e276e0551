// STABILITY_API_KEY_FILE, read in a child process within a bound. A file system that never answers
// (a hung NFS or FUSE mount) holds a read in the kernel, and Node cannot exit while one of its own
// threads waits there, not even on --deadline-ms; a child can be left behind. Every check is made on
// the open file, so the file checked is the file read.
import { spawn } from "node:child_process";
import { UsageError } from "./args.js";
import { clean } from "./text.js";

/** A key file is a few dozen bytes; a larger one is not a key file. */
const KEY_FILE_BYTES = 4096;
/** The most the child may print: its one line of JSON, the key in base64. */
const MAX_ANSWER_BYTES = 4 * KEY_FILE_BYTES;

/** The key file did not answer in time: the run ends as temporary, like a timeout. */
export class KeyFileTimeout extends UsageError {
  override name = "KeyFileTimeout";
  override readonly outcome = "temporary";
}

/** What the child found, one JSON object. */
type Answer =
  | { key: string }
  | { unreadable: string }
  | { notRegular: true }
  | { mode: number }
  | { size: number };

// The child: opened non-blocking, so a FIFO returns at once (to be refused) instead of waiting for a
// writer; a regular file reads the same either way.
const READER = `
const fs = require("node:fs");
const { O_RDONLY, O_NONBLOCK = 0, O_NOCTTY = 0 } = fs.constants;
const answer = (a) => process.stdout.write(JSON.stringify(a));
const check = (fd) => {
  const stats = fs.fstatSync(fd);
  if (!stats.isFile()) return { notRegular: true };
  if (process.platform !== "win32" && (stats.mode & 0o007) !== 0) return { mode: stats.mode & 0o777 };
  if (stats.size > ${KEY_FILE_BYTES}) return { size: stats.size };
  const buffer = Buffer.alloc(${KEY_FILE_BYTES + 1});
  const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
  return { key: buffer.subarray(0, read).toString("base64") };
};
let fd;
try { fd = fs.openSync(process.argv[1], O_RDONLY | O_NONBLOCK | O_NOCTTY); }
catch (error) { answer({ unreadable: String(error.code || "error") }); }
if (fd !== undefined) { try { answer(check(fd)); } finally { fs.closeSync(fd); } }
`;

/** The refusal, in the CLI's words, for what the child found; the key when it is one. */
function keyFromAnswer(named: string, answer: Answer): string {
  if ("key" in answer) return Buffer.from(answer.key, "base64").toString("utf8");
  if ("unreadable" in answer)
    throw new UsageError(`${named} cannot be read (${answer.unreadable})`);
  if ("notRegular" in answer) throw new UsageError(`${named} is not a regular file`);
  if ("mode" in answer)
    throw new UsageError(
      `${named} is readable by others (mode ${answer.mode.toString(8)}); run chmod o-rwx on it`,
    );
  throw new UsageError(`${named} is over ${KEY_FILE_BYTES} bytes; it should hold the key only`);
}

/** How long the key file may take: `signal` ends the wait; `ms` is what the refusal says. */
export interface KeyFileBound {
  signal: AbortSignal;
  ms: number;
}

/** The key file's text, or a UsageError naming STABILITY_API_KEY_FILE; waited for until `bound` ends. */
export function readKeyFile(file: string, bound: KeyFileBound): Promise<string> {
  const named = `STABILITY_API_KEY_FILE ${clean(file, 120)}`;
  const late = () =>
    new KeyFileTimeout(`${named} did not answer within ${bound.ms} ms; nothing read`);
  if (bound.signal.aborted) return Promise.reject(late());
  return new Promise((resolve, reject) => {
    // No environment: the child needs none, and NODE_OPTIONS would load a loader it does not need.
    const child = spawn(process.execPath, ["-e", READER, file], {
      stdio: ["ignore", "pipe", "ignore"],
      env: {},
      windowsHide: true,
    });
    const chunks: Buffer[] = [];
    let bytes = 0;
    const settle = (outcome: () => void) => {
      bound.signal.removeEventListener("abort", expire);
      child.stdout.destroy();
      child.kill("SIGKILL");
      // A child stuck in the kernel stays behind, unwaited: this process must still exit.
      child.unref();
      outcome();
    };
    const expire = () => settle(() => reject(late()));
    bound.signal.addEventListener("abort", expire);
    child.stdout.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_ANSWER_BYTES) chunks.push(chunk);
    });
    child.on("error", (error: NodeJS.ErrnoException) =>
      settle(() => reject(new UsageError(`${named} cannot be read (${error.code ?? "error"})`))),
    );
    child.on("close", () =>
      settle(() => {
        try {
          if (bytes > MAX_ANSWER_BYTES) throw new Error("too long");
          resolve(keyFromAnswer(named, JSON.parse(Buffer.concat(chunks).toString()) as Answer));
        } catch (error) {
          reject(error instanceof UsageError ? error : new UsageError(`${named} cannot be read`));
        }
      }),
    );
  });
}
