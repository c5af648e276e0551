// --output FILE: written to a temporary file beside it, then renamed over it, so a reader (the
// node_exporter textfile collector) sees the old file or the new one, never a partial one.
import { rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

export async function writeAtomically(file: string, contents: string): Promise<void> {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`,
  );
  try {
    await writeFile(temp, contents, { mode: 0o644, flag: "wx" });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
