// The documentation as the tests read it: the hand-written pages (README.md and docs/*.md), their
// fenced code blocks, their links and their headings' anchors. docs/api/ is TypeDoc's output: its
// links are checked like the rest, its code blocks are the TSDoc's (`npm run check` compiles those).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Every markdown file below `dir` (relative to the root), with `/`. */
const markdownIn = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".md"))
    .map((file) => path.posix.join(dir, file.split(path.sep).join("/")))
    .sort();

/** The hand-written pages. */
export const PAGES = ["README.md", ...markdownIn("docs").filter((f) => !f.startsWith("docs/api/"))];
/** Every page whose links must resolve: the hand-written ones and the generated reference. */
export const LINKED_PAGES = [...PAGES, ...markdownIn("docs/api"), "CHANGELOG.md"];

export const read = (page: string): string => readFileSync(path.join(ROOT, page), "utf8");

export interface Block {
  page: string;
  /** The line of the opening fence, from 1. */
  line: number;
  lang: string;
  /** The block's text, without the indentation of its fence (a block inside a list item). */
  code: string;
}

const FENCE = /^( *)```(\S*)\n([\s\S]*?)^\1```$/gm;

/** The fenced code blocks of `page`. */
export function blocksOf(page: string): Block[] {
  const text = read(page);
  return [...text.matchAll(FENCE)].map((m) => ({
    page,
    line: text.slice(0, m.index).split("\n").length,
    lang: m[2]!,
    code: m[3]!
      .split("\n")
      .map((l) => l.slice(m[1]!.length))
      .join("\n"),
  }));
}

/** `text` with its code blocks blanked (lines kept), so what they hold is not read as prose. */
const withoutBlocks = (text: string) =>
  text.replace(FENCE, (block) => block.replace(/[^\n]/g, " "));

/** The relative link targets of `page` (`[text](target)`, outside code), with the line of each. */
export function linksOf(page: string): { target: string; line: number }[] {
  const text = withoutBlocks(read(page)).replace(/`[^`\n]*`/g, (code) => " ".repeat(code.length));
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => ({ target: m[1]!, line: text.slice(0, m.index).split("\n").length }))
    .filter(({ target }) => !/^[a-z][a-z+.-]*:/i.test(target));
}

/**
 * The anchors GitHub gives the headings of `page`: the heading's text as rendered (no code marks,
 * emphasis or escapes; a link's text), lower-cased, without punctuation, spaces as `-`, and `-1`,
 * `-2`… after a repeated one.
 */
export function anchorsOf(page: string): Set<string> {
  const known = anchorCache.get(page);
  if (known) return known;
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of withoutBlocks(read(page)).matchAll(/^#{1,6} +(.+?)$/gm)) {
    const slug = heading!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/\\(.)/g, "$1")
      .replace(/[`*]/g, "")
      .replace(/<[^>]+>/g, "")
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  anchorCache.set(page, anchors);
  return anchors;
}
const anchorCache = new Map<string, Set<string>>();
