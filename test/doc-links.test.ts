// Every relative link in the README, docs/ (the generated reference included) and the changelog
// leads somewhere: the file exists, and its `#anchor` is a heading there. No network.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LINKED_PAGES, ROOT, anchorsOf, linksOf } from "./helpers/docs.ts";

/** Where `target` leads from `page`, as a path from the root, and its anchor. */
function resolve(page: string, target: string): { file: string; anchor: string | undefined } {
  const [file, anchor] = target.split("#") as [string, string | undefined];
  return { file: file === "" ? page : path.posix.join(path.posix.dirname(page), file), anchor };
}

describe("the documentation's links", () => {
  it("are found on the pages, so the check below has something to check", () => {
    expect(linksOf("README.md").map((link) => link.target)).toContain("docs/cli.md");
    expect(anchorsOf("docs/cli.md")).toContain("check-a-monitoring-plugin");
    expect(anchorsOf("docs/maintaining.md")).toContain(
      "the-pipeline-vendor--generate--compile--test",
    );
  });

  it.for(LINKED_PAGES)("in %s lead to a file that exists, and to a heading there", (page) => {
    const broken: string[] = [];
    for (const { target, line } of linksOf(page)) {
      const { file, anchor } = resolve(page, target);
      if (!existsSync(path.join(ROOT, file))) broken.push(`${page}:${line} ${target}: no ${file}`);
      else if (anchor !== undefined && file.endsWith(".md") && !anchorsOf(file).has(anchor))
        broken.push(`${page}:${line} ${target}: no heading #${anchor} in ${file}`);
    }
    expect(broken).toEqual([]);
  });
});
