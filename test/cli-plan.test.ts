// The CLI's decisions about what to call, as pure functions: a parameter is required exactly when
// the version's spec says so (src/generated/<version>.operations.ts, through src/metadata.ts).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OUTCOMES, STATES } from "../src/cli/exit.ts";
import { checkGiven } from "../src/cli/plan.ts";
import { parametersOf } from "../src/cli/params.ts";
import { API_VERSIONS } from "../src/index.ts";

describe("the CLI's parameters", () => {
  it("come from the operation table, with each version's spec facts", () => {
    for (const version of API_VERSIONS) {
      const [organization, ...rest] = parametersOf(version, "balance");
      expect(rest).toEqual([]);
      expect(organization).toMatchObject({
        option: "organization",
        flag: "--organization",
        in: "header",
        name: "Organization",
        required: false,
      });
      expect(parametersOf(version, "account")).toEqual([]);
    }
  });

  it("refuse a missing value only when the version's spec requires the parameter", () => {
    const organization = { ...parametersOf("v1", "balance")[0]!, given: [], all: false };
    expect(() => checkGiven(organization, "balance", "v1")).not.toThrow();
    expect(() => checkGiven({ ...organization, required: true }, "balance", "v1")).toThrow(
      "balance on v1 needs --organization: its spec requires the header Organization",
    );
    expect(() =>
      checkGiven({ ...organization, required: true, all: true }, "balance", "v1"),
    ).not.toThrow();
  });
});

describe("the exit-code tables of docs/cli.md", () => {
  const page = readFileSync(new URL("../docs/cli.md", import.meta.url), "utf8");
  /** The text of the `## ` section whose heading starts with `title`, up to the next one. */
  const section = (title: string) => page.split(`\n## ${title}`)[1]!.split(/^## /m)[0]!;
  /** The first column of each table row that starts with a number, in order. */
  const codes = (section: string) =>
    [...section.matchAll(/^\| (\d) +\|/gm)].map((match) => Number(match[1]));

  it("list the CLI's outcomes and check's states, in the order the worst is picked", () => {
    expect(codes(section("Exit codes"))).toEqual(Object.values(OUTCOMES).map((o) => o.code));
    expect(codes(section("`check`"))).toEqual(Object.values(STATES).map((s) => s.code));
  });
});
