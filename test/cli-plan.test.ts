// The CLI's decisions about what to call, as pure functions: a parameter is required exactly when
// the version's spec says so (src/generated/<version>.operations.ts, through src/metadata.ts).
import { describe, expect, it } from "vitest";
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
