// --output FILE. A regular file (or a link to one) is replaced atomically: written to a temporary
// file beside it, then renamed over it, so a reader (the node_exporter textfile collector) sees the
// old file or the new one, never half of one; the new file keeps the old one's mode and, where the
// process may, its owner. A character device (/dev/null, a terminal) is written in place. Anything
// else (a FIFO, a socket, a directory, a link to nothing) is refused: never replaced, never waited on.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { open, readlink, realpath, rename, rm, stat, type FileHandle } from "node:fs/promises";
import path from "node:path";

/** The target is not a file --output may write; the message says what it is. */
export class OutputRefused extends Error {
  override name = "OutputRefused";
}

/** What a mode's file type is, in words, for a refusal. */
const KINDS: [number, string][] = [
  [constants.S_IFIFO, "a FIFO"],
  [constants.S_IFSOCK, "a socket"],
  [constants.S_IFBLK, "a block device"],
  [constants.S_IFDIR, "a directory"],
];
const kindOf = (mode: number) =>
  KINDS.find(([type]) => (mode & constants.S_IFMT) === type)?.[1] ?? "not a regular file";

export async function writeOutput(file: string, contents: string): Promise<void> {
  const found = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
    return undefined;
  });
  if (found === undefined) {
    // A link whose target is missing would be replaced by a file: refused, like any non-file.
    if (await readlink(file).catch(() => undefined))
      throw new OutputRefused("is a symbolic link to a missing file");
    return replace(file, contents, undefined);
  }
  if (found.isFile()) return replace(await realpath(file), contents, found);
  if (found.isCharacterDevice()) return inPlace(file, contents);
  throw new OutputRefused(`is ${kindOf(found.mode)}, not a regular file`);
}

/** A new file beside `file`, renamed over it; with the mode (and owner) of the file it replaces. */
async function replace(
  file: string,
  contents: string,
  old: { mode: number; uid: number; gid: number } | undefined,
): Promise<void> {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`,
  );
  try {
    // A new file is 0644 less the umask: node_exporter often runs as another user.
    const handle = await open(temp, "wx", old ? old.mode & 0o7777 : 0o644);
    await written(handle, contents, async () => {
      if (!old) return;
      // Only root may give a file away; anyone else keeps it and its mode.
      await handle.chown(old.uid, old.gid).catch(() => undefined);
      await handle.chmod(old.mode & 0o7777);
    });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Writes a character device through a descriptor checked to be one (it may have changed since). */
async function inPlace(file: string, contents: string): Promise<void> {
  const handle = await open(file, constants.O_WRONLY | constants.O_NOCTTY);
  await written(handle, contents, async () => {
    if (!(await handle.stat()).isCharacterDevice())
      throw new OutputRefused("changed while it was being opened");
  });
}

async function written(handle: FileHandle, contents: string, first: () => Promise<void>) {
  try {
    await first();
    await handle.writeFile(contents);
  } finally {
    await handle.close();
  }
}
