// What a `$ref` may read: for a file upstream, files under the upstream file's own folder; for a
// URL upstream, URLs on the same origin, over http(s). Pure decisions; read.ts does the reading.
import path from "node:path";

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const isUrl = (location: string) => /^https?:\/\//i.test(location);

/** The absolute target (a URL, or an absolute file path) of `ref` written in the document at `base`. */
export function refTarget(base: string, ref: string): string {
  const file = ref.split("#")[0] ?? "";
  if (SCHEME.test(file) || isUrl(base)) return new URL(file, isUrl(base) ? base : "file:///").href;
  return path.resolve(path.dirname(base), decodeURISafe(file));
}

/** Why a `$ref` from the upstream at `root` may not read `target`; undefined when it may. */
export function outsideScope(root: string, target: string): string | undefined {
  if (isUrl(root)) {
    if (!isUrl(target)) return "a URL upstream's references stay on http(s) at its origin";
    const origin = new URL(root).origin;
    return new URL(target).origin === origin ? undefined : `another origin than ${origin}`;
  }
  if (SCHEME.test(target)) return "a file upstream's references stay in its folder";
  return isInside(path.dirname(root), target) ? undefined : "outside the upstream's folder";
}

/** Whether the absolute path `target` is `folder` or below it. */
export function isInside(folder: string, target: string): boolean {
  const relative = path.relative(folder, target);
  return relative !== ".." && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

function decodeURISafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
