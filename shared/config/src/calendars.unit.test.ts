import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors.js";
import { loadScoreguardConfig, parseScoreguardConfig } from "./load.js";

/** The calendars section (docs/calendars.md): its form, and every error a start-up error naming the path. */
const entry = (o: Record<string, unknown>) => ({ name: "n", from: "2027-02-01", to: "2027-02-07", ...o });
const douyin = (...entries: unknown[]) => ({ calendars: { platforms: { douyin: entries } } });

function problems(input: unknown): string[] {
  try {
    parseScoreguardConfig(input);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.message
      .split("\n")
      .slice(1)
      .map((l) => l.trim());
  }
  throw new Error("expected a ConfigError");
}

describe("calendars", () => {
  it("reads the example calendar, every entry labelled a sample and not a platform's notice", () => {
    const c = loadScoreguardConfig(fileURLToPath(new URL("../../../infra/scoreguard.calendar-example.yaml", import.meta.url)));
    const entries = [...Object.values(c.calendars!.platforms!).flat(), ...Object.values(c.calendars!.shops!).flat()];
    expect(entries.map((e) => e.rule).sort()).toEqual(["exclude_regions", "extend_deadline", "extend_deadline", "stricter", "suspend"]);
    for (const e of entries) {
      expect(e.sample).toBe(true);
      expect(e.name).toMatch(/^EXAMPLE /);
      expect(e.source).toMatch(/^EXAMPLE, not a .* notice$/);
    }
    const extend = entries.find((e) => e.rule === "extend_deadline");
    expect(extend).toMatchObject({ deadline: 5 * 24 * 3_600_000 });
    // The issue's own example: an exchange answered within 5 days.
    expect(c.calendars!.platforms!.pdd).toMatchObject([
      { rule: "extend_deadline", deadline: 5 * 24 * 3_600_000, aftersaleKinds: ["exchange"] },
    ]);
  });

  it("defaults sample to false and keeps all or a list of metrics", () => {
    const c = parseScoreguardConfig(
      douyin(entry({ rule: "suspend", metrics: "all" }), entry({ rule: "suspend", metrics: ["a"], from: "2027-02-07" })),
    );
    expect(c.calendars!.platforms!.douyin).toEqual([
      { name: "n", from: "2027-02-01", to: "2027-02-07", sample: false, rule: "suspend", metrics: "all" },
      { name: "n", from: "2027-02-07", to: "2027-02-07", sample: false, rule: "suspend", metrics: ["a"] },
    ]);
    expect(parseScoreguardConfig({}).calendars).toBeUndefined();
  });

  it("refuses an entry that ends before it starts, naming the path and both days", () => {
    expect(problems(douyin(entry({ rule: "suspend", metrics: "all", to: "2027-01-31" })))).toEqual([
      "calendars.platforms.douyin[0].to: ends (2027-01-31) before it starts (2027-02-01)",
    ]);
  });

  it("names every malformed field", () => {
    expect(
      problems(
        douyin(
          entry({ rule: "holiday" }),
          entry({ rule: "suspend", metrics: [], from: "2027-02-30" }),
          entry({ rule: "extend_deadline", metrics: ["a"], deadline: "five days" }),
          entry({ rule: "exclude_regions", metrics: ["a"], regions: ["Hubei"] }),
          entry({ rule: "stricter", lines: { a: {} } }),
          entry({ rule: "suspend", metrics: "all", extra: 1 }),
        ),
      ),
    ).toEqual([
      "calendars.platforms.douyin[0].rule: must be one of suspend, extend_deadline, exclude_regions, stricter",
      "calendars.platforms.douyin[1].from: is not a real calendar day",
      'calendars.platforms.douyin[1].metrics: must be "all" or a non-empty list of metric names',
      expect.stringMatching(/^calendars\.platforms\.douyin\[2\]\.deadline: must be a duration like 48h or 5d/),
      "calendars.platforms.douyin[3].regions[0]: must be a GB/T 2260 region code of 6 digits, e.g. 420000",
      "calendars.platforms.douyin[4].lines.a: must set threshold, target or both",
      expect.stringMatching(/^calendars\.platforms\.douyin\[5\]/),
    ]);
    expect(problems({ calendars: { shops: { "taobao:1": [] } } })).toEqual([
      'calendars.shops["taobao:1"]: must be platform:shopId with platform one of kuaishou, douyin, jd, pdd',
    ]);
  });

  it("refuses overlapping deadlines or lines for one metric (ambiguous), also beside other errors", () => {
    const list = douyin(
      entry({ name: "A", rule: "extend_deadline", metrics: ["x"], deadline: "5d" }),
      entry({ rule: "extend_deadline", metrics: ["x", "y"], deadline: "3d", from: "2027-02-07", to: "2027-02-09" }),
      entry({ name: "S", rule: "stricter", lines: { z: { target: 0.9 } } }),
      entry({ rule: "stricter", lines: { z: { threshold: 0.9 } }, from: "2027-02-07", to: "2027-02-07" }),
      entry({ rule: "suspend", metrics: "all", to: "2027-01-01" }),
    );
    expect(problems(list)).toEqual([
      'calendars.platforms.douyin[1]: overlaps entry 0 ("A", 2027-02-01..2027-02-07) for x: which deadline applies is ambiguous',
      'calendars.platforms.douyin[3]: overlaps entry 2 ("S", 2027-02-01..2027-02-07) for z: which lines apply is ambiguous',
      "calendars.platforms.douyin[4].to: ends (2027-01-01) before it starts (2027-02-01)",
    ]);
  });

  it("lets suspensions and regions overlap, and deadlines for different metrics, kinds or days", () => {
    expect(() =>
      parseScoreguardConfig(
        douyin(
          entry({ rule: "suspend", metrics: "all" }),
          entry({ rule: "suspend", metrics: ["a"] }),
          entry({ rule: "exclude_regions", metrics: "all", regions: ["420000"] }),
          entry({ rule: "exclude_regions", metrics: ["a"], regions: ["110000"] }),
          entry({ rule: "extend_deadline", metrics: ["a"], deadline: "5d", aftersaleKinds: ["exchange"] }),
          entry({ rule: "extend_deadline", metrics: ["a"], deadline: "3d", aftersaleKinds: ["refund_only"] }),
          entry({ rule: "extend_deadline", metrics: ["b"], deadline: "3d" }),
          entry({ rule: "extend_deadline", metrics: ["b"], deadline: "4d", from: "2027-02-08", to: "2027-02-09" }),
        ),
      ),
    ).not.toThrow();
  });

  it("lets a shop's entries overlap its platform's (the shop's take precedence)", () => {
    const stricter = entry({ rule: "stricter", lines: { z: { target: 0.9 } } });
    expect(() =>
      parseScoreguardConfig({ calendars: { platforms: { douyin: [stricter] }, shops: { "douyin:s1": [stricter] } } }),
    ).not.toThrow();
  });
});
