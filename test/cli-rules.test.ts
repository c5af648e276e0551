// The CLI's monitoring decisions as pure functions: threshold ranges, numbers in performance data,
// labels in each format, one series per label set, and the fan-out's limit and shared pause.
// (test/cli-output.test.ts and test/cli-monitoring.test.ts run them through main();
// `npm run test:tools` under promtool, node_exporter, Nagios and nagiosplugin themselves.)
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { askedFor } from "../src/cli/asked.ts";
import { perfDatum, perfLabel, stateOf } from "../src/cli/check.ts";
import { mapLimit, pauseGate, type Clock } from "../src/cli/fan-out.ts";
import { exposition, labelValue, uniqueSeries, type Series } from "../src/cli/formats.ts";
import { proxyUrl } from "../src/cli/proxy.ts";
import { alerts, decimal, decimalOf, parseRange, why } from "../src/cli/thresholds.ts";

describe("threshold ranges (Monitoring Plugins syntax)", () => {
  // [range, value, alerts?]: the guidelines' own examples, plus the bare number this CLI reads as N:.
  const CASES: [string, number, boolean][] = [
    ["10:", 9.99, true],
    ["10:", 10, false],
    ["10:", 1e9, false],
    ["~:10", 10, false],
    ["~:10", 10.5, true],
    ["~:10", -1e9, false],
    ["10:20", 9, true],
    ["10:20", 10, false],
    ["10:20", 20, false],
    ["10:20", 21, true],
    ["@10:20", 10, true],
    ["@10:20", 15, true],
    ["@10:20", 20, true],
    ["@10:20", 9, false],
    ["@10:20", 21, false],
    [":10", -1, true],
    [":10", 0, false],
    ["-5:-1", -3, false],
    ["-5:-1", 0, true],
    ["~:", -1e300, false],
    ["100", 99, true],
    ["100", 100, false],
    ["100", 1e9, false],
  ];
  it.each(CASES)("%s alerts for %d: %s", (text, value, expected) => {
    expect(alerts(parseRange("--warning", text), value)).toBe(expected);
  });

  it("reads a bare number as N: (alert below N), and writes it so in performance data", () => {
    expect(parseRange("--warning", "100")).toEqual({
      start: 100,
      end: Infinity,
      inside: false,
      perf: "100:",
    });
    for (const text of ["10:", "~:10", "10:20", "@10:20", ":10", "-5.5:-1.25"])
      expect(parseRange("--warning", text).perf).toBe(text);
  });

  it("refuses what is not a range of decimal numbers, naming the flag and echoing a short, clean value", () => {
    for (const text of [
      "",
      "ten",
      "0x10",
      "1e3",
      "Infinity",
      "10::20",
      "@10",
      "@",
      "~",
      "1.",
      ".5",
    ])
      expect(() => parseRange("--critical", text), text).toThrow(/^--critical must be a range/);
    expect(() => parseRange("--warning", "20:10")).toThrow(
      '--warning starts above its end, got "20:10"',
    );
    expect(() => parseRange("--warning", `x\x1b[31m${"y".repeat(100)}`)).toThrow(/got "xy{38}…"$/);
  });

  it("says why a value alerts in the status line", () => {
    expect(why(parseRange("--warning", "100"), 42.5)).toBe("(< 100)");
    expect(why(parseRange("--warning", "~:10"), 11)).toBe("(> 10)");
    expect(why(parseRange("--warning", "10:20"), 1e21)).toBe("(> 20)");
    expect(why(parseRange("--warning", "@10:20"), 15)).toBe("(@10:20)");
  });

  it("gives CRITICAL before WARNING before OK", () => {
    const thresholds = {
      warning: parseRange("--warning", "100"),
      critical: parseRange("--critical", "10"),
    };
    expect([5, 50, 500].map((n) => stateOf(n, thresholds))).toEqual(["CRITICAL", "WARNING", "OK"]);
    expect(stateOf(5, { warning: undefined, critical: undefined })).toBe("OK");
  });
});

describe("numbers in performance data", () => {
  it("are plain decimals, never exponent notation", () => {
    expect(decimal(5.551115123125783e-17)).toBe("0.00000000000000005551115123125783");
    expect(decimal(1e21)).toBe("1000000000000000000000");
    expect(decimal(-1.5e-7)).toBe("-0.00000015");
    expect(decimal(1.2345e25)).toBe("12345000000000000000000000");
    expect(decimal(42.5)).toBe("42.5");
  });

  it("keep every finite number's value exactly", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const text = decimal(n);
        expect(text).toMatch(/^-?\d+(\.\d+)?$/);
        expect(Number(text)).toBe(n === 0 ? 0 : n);
      }),
    );
  });

  it("are read from flags in decimals only", () => {
    expect(decimalOf("--min-credits", "-5")).toBe(-5);
    expect(decimalOf("--min-credits", "42.50")).toBe(42.5);
    for (const text of ["0x10", "1e3", " 5", "5 ", "+5", "", "Infinity", "0b1"])
      expect(() => decimalOf("--min-credits", text), text).toThrow(
        /^--min-credits must be a decimal number/,
      );
  });

  it("are written as 'label'=value;warn;crit;min with the ranges as given and min 0", () => {
    const thresholds = {
      warning: parseRange("--warning", "@10:20"),
      critical: parseRange("--critical", "5"),
    };
    expect(perfDatum("org-a", 1e21, thresholds)).toBe("'org-a'=1000000000000000000000;@10:20;5:;0");
    expect(perfDatum("org-a", -2, { warning: undefined, critical: undefined })).toBe(
      "'org-a'=-2;;",
    );
  });
});

describe("labels", () => {
  it('in Prometheus: the exact id, with \\\\, \\" and \\n escaped and a tab kept', () => {
    expect(labelValue('a\\b"c\nd\te')).toBe('a\\\\b\\"c\\nd\te');
    expect(labelValue("x".repeat(500))).toBe("x".repeat(500));
    expect(labelValue("org-a x")).not.toBe(labelValue("org-a\tx"));
  });

  it("in Prometheus: what a terminal obeys becomes U+FFFD (no request can carry it)", () => {
    expect(labelValue("a\x1b[31mb\r\u202ec\x9b")).toBe("a\uFFFD[31mb\uFFFD\uFFFDc\uFFFD");
  });

  it("in performance data: the exact id quoted, a quote doubled, = | % percent-encoded", () => {
    expect(perfLabel("it's")).toBe("'it''s'");
    expect(perfLabel("a=b|c%d")).toBe("'a%3Db%7Cc%25d'");
    expect(perfLabel("a\nb")).toBe("'a%0Ab'");
    expect(perfLabel("a\u202eb")).toBe("'a%E2%80%AEb'");
    const long = "o".repeat(59);
    expect(perfLabel(`${long}1`)).not.toBe(perfLabel(`${long}2`));
  });

  it("in performance data: two ids are always two labels", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary-ascii" }),
        fc.string({ unit: "binary-ascii" }),
        (a, b) => {
          if (a !== b) expect(perfLabel(a)).not.toBe(perfLabel(b));
        },
      ),
    );
  });
});

describe("one series per label set", () => {
  const row = (id: string, figure: number | undefined, outcome: Series["outcome"]): Series => ({
    labels: [
      ["organization", id],
      ["api_version", "v1"],
    ],
    figure,
    outcome,
  });

  it("keeps distinct label sets as they are, in order", () => {
    const rows = [row("b", 1, "ok"), row("a", undefined, "refused")];
    expect(uniqueSeries(rows)).toEqual({ series: rows, met: [] });
  });

  it("makes ids that meet as labels one failed series, and names them", () => {
    const { series, met } = uniqueSeries([
      row("x\x1b", undefined, "refused"),
      row("ok", 3, "ok"),
      row("x\x07", 2, "ok"),
    ]);
    expect(series).toEqual([
      {
        labels: [
          ["organization", "x\x07"],
          ["api_version", "v1"],
        ],
        figure: undefined,
        outcome: "failed",
      },
      row("ok", 3, "ok"),
    ]);
    expect(met).toEqual(['organization="x\uFFFD",api_version="v1"']);
  });

  it("writes HELP and TYPE for each family, a reason per failed series, and no labels for a run that read nothing", () => {
    const figure = { metric: "m", help: "M." };
    expect(exposition(figure, [{ labels: [], figure: undefined, outcome: "usage" }])).toBe(
      [
        "# HELP m M.",
        "# TYPE m gauge",
        "# HELP m_check_success Whether reading m succeeded (1) or failed (0).",
        "# TYPE m_check_success gauge",
        "m_check_success 0",
        "# HELP m_check_failure_info Why reading m failed: reason is usage, refused, temporary or failed, as in the exit codes.",
        "# TYPE m_check_failure_info gauge",
        'm_check_failure_info{reason="usage"} 1',
      ].join("\n"),
    );
  });
});

describe("the fan-out", () => {
  it("runs at most `limit` calls at once, every item once, results in order", async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    const results = await mapLimit([...Array(20).keys()], 3, async (i) => {
      most = Math.max(most, ++inFlight);
      seen.push(i);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return i * 2;
    });
    expect(most).toBe(3);
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    expect(results).toEqual([...Array(20).keys()].map((i) => i * 2));
    expect(await mapLimit([], 4, () => Promise.resolve(1))).toEqual([]);
  });

  /** A clock that moves only when slept on, and records each sleep. */
  const fakeClock = () => {
    let now = 1_000;
    const slept: number[] = [];
    const clock: Clock = {
      now: () => now,
      sleep: (ms) => {
        slept.push(ms);
        now += ms;
        return Promise.resolve();
      },
    };
    return { clock, slept, advance: (ms: number) => (now += ms) };
  };

  it("holds every call not yet started for a 429's wait, the longest wait winning", async () => {
    const { clock, slept, advance } = fakeClock();
    const gate = pauseGate(clock);
    await gate.passed();
    expect(slept).toEqual([]);
    gate.hold(5_000);
    gate.hold(2_000);
    advance(1_000);
    await gate.passed();
    expect(slept).toEqual([4_000]);
    await gate.passed();
    expect(slept).toEqual([4_000]);
  });

  it("holds no longer than the 60 s the client waits, and not past an aborted signal", async () => {
    const { clock, slept } = fakeClock();
    const gate = pauseGate(clock);
    gate.hold(3_600_000);
    await gate.passed(AbortSignal.abort());
    expect(slept).toEqual([]);
    await gate.passed();
    expect(slept).toEqual([60_000]);
  });
});

describe("what a refused command line asked for", () => {
  it("is read leniently, so the refusal goes where the output would have gone", () => {
    expect(
      askedFor(["check", "--warning", "x", "--format", "prometheus", "--output", "f"]),
    ).toEqual({ command: "check", format: "prometheus", output: "f" });
    expect(askedFor(["balance", "--quiet", "--json", "--output=g"])).toEqual({
      command: "balance",
      format: "json",
      output: "g",
    });
    expect(askedFor(["check"])).toMatchObject({ format: "check", output: undefined });
    expect(askedFor(["balance"])).toMatchObject({ format: "text" });
  });

  it("names no file or format it cannot be sure of", () => {
    expect(askedFor(["balance", "--output", "a", "--output", "b"]).output).toBeUndefined();
    expect(askedFor(["balance", "--output", "--json"]).output).toBeUndefined();
    expect(askedFor(["balance", "--json", "--format", "prometheus"]).format).toBeUndefined();
    expect(askedFor(["balance", "--format", "yaml"]).format).toBeUndefined();
    expect(askedFor(["sk-pasted", "balance", "--output", "f"])).toMatchObject({
      command: undefined,
      output: undefined,
    });
    expect(askedFor(["mcp", "--output", "f"]).output).toBeUndefined();
  });
});

describe("proxy variables", () => {
  it("are http or https URLs, refused by name and never echoed", () => {
    const secret = "s3cr3t-pw";
    expect(proxyUrl(["HTTPS_PROXY", "http://proxy:3128"])).toBe("http://proxy:3128");
    const refusals: [string, RegExp][] = [
      [`http://user:${secret}@[bad`, /^HTTPS_PROXY is not a URL/],
      [`proxy.corp:${secret}`, /^HTTPS_PROXY must be an http:\/\/ or https:\/\/ URL$/],
      [`socks5://user:${secret}@proxy:1080`, /^HTTPS_PROXY must be an http/],
      [
        `http://user:${secret}%zz@proxy:3128`,
        /^HTTPS_PROXY has a user or password with a broken %-escape$/,
      ],
    ];
    for (const [value, says] of refusals) {
      let message = "";
      try {
        proxyUrl(["HTTPS_PROXY", value]);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(says);
      expect(message).not.toContain(secret);
    }
  });
});
