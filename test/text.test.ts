// Lists in messages read as sentences for any number of operations: `--organization applies to
// balance, engines and check only`, `this upstream describes `/v1/a`, `/v1/b` and `/v1/c``.
import { describe, expect, it } from "vitest";
import { listing } from "../src/cli/text.ts";

describe("listing", () => {
  it("joins the last two words with and, the others with commas", () => {
    expect(listing(["balance", "engines", "check"])).toBe("balance, engines and check");
    expect(listing(["a", "b", "c", "d"])).toBe("a, b, c and d");
  });

  it("writes two words with and, one as it is, none as nothing", () => {
    expect(listing(["balance", "check"])).toBe("balance and check");
    expect(listing(["check"])).toBe("check");
    expect(listing([])).toBe("");
  });
});
