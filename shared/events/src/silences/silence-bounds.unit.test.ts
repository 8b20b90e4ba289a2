// The bounds of one silence: its times within a year of now (no 500 for a far date, no time stored that
// parses to NaN), per-token limits on matchers and comment size naming the limit, and compiled silences that
// match exactly as `silencedBy` does.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_SILENCE_LIMITS,
  SILENCE_HORIZON_MS,
  SilenceInputError,
  activeSilenceFor,
  buildSilence,
  compileSilence,
  isExpired,
  silenceReach,
  silencedBy,
  type AlertLabels,
  type Silence,
  type SilenceLimits,
} from "./silence.js";

const NOW = Date.parse("2026-11-20T10:00:00+08:00");
const shop = [{ name: "shop" as const, value: "kuaishou:s1" }];

function problems(input: unknown, limits: SilenceLimits = DEFAULT_SILENCE_LIMITS): string[] {
  try {
    buildSilence(input, "id", NOW, limits);
  } catch (e) {
    if (e instanceof SilenceInputError) return e.problems.map((p) => `${p.field}: ${p.reason}`);
    throw e;
  }
  return [];
}

describe("a silence's times lie within a year of now", () => {
  it("refuses the largest epoch milliseconds with a problem naming endsAt, not a RangeError", () => {
    expect(() => buildSilence({ matchers: shop, endsAt: 8_640_000_000_000_000 }, "id", NOW)).toThrow(SilenceInputError);
    expect(problems({ matchers: shop, endsAt: 8_640_000_000_000_000 })).toEqual([
      expect.stringMatching(/^endsAt: must be at most one year ahead/),
    ]);
  });

  it("refuses the year 10000 (which was stored as a time that parses to NaN)", () => {
    expect(problems({ matchers: shop, endsAt: Date.UTC(10000, 0, 1) })).toEqual([
      expect.stringMatching(/^endsAt: must be at most one year ahead/),
    ]);
  });

  it("takes an end exactly a year ahead, refuses one a millisecond later; the same for startsAt, ahead and back", () => {
    expect(problems({ matchers: shop, endsAt: NOW + SILENCE_HORIZON_MS })).toEqual([]);
    expect(problems({ matchers: shop, endsAt: NOW + SILENCE_HORIZON_MS + 1 })).toEqual([
      "endsAt: must be at most one year ahead (before 2027-11-20T10:00:00+08:00)",
    ]);
    expect(problems({ matchers: shop, startsAt: NOW + SILENCE_HORIZON_MS + 1, endsAt: NOW + 1000 })).toEqual([
      "startsAt: must be at most one year ahead (before 2027-11-20T10:00:00+08:00)",
    ]);
    expect(problems({ matchers: shop, startsAt: 0, endsAt: NOW + 1000 })).toEqual([
      "startsAt: must be at most one year ago (after 2025-11-20T10:00:00+08:00)",
    ]);
    const s = buildSilence({ matchers: shop, startsAt: NOW - 1000, endsAt: NOW + SILENCE_HORIZON_MS }, "id", NOW);
    expect(Date.parse(s.endsAt)).toBe(NOW + SILENCE_HORIZON_MS);
  });
});

describe("per-token limits on one silence", () => {
  const limits: SilenceLimits = { maxActive: 10, maxMatchers: 2, maxCommentBytes: 12 };

  it("refuses more matchers than the limit, naming it", () => {
    const three = [...shop, { name: "metric" as const, value: "m" }, { name: "kind" as const, value: "threshold" }];
    expect(problems({ matchers: three, endsAt: NOW + 1000 }, limits)).toEqual([
      "matchers: must have at most 2 matchers (limit silenceLimits.maxMatchers)",
    ]);
    expect(problems({ matchers: three.slice(0, 2), endsAt: NOW + 1000 }, limits)).toEqual([]);
  });

  it("counts the comment in UTF-8 bytes: four CJK characters are 12 bytes, five are over", () => {
    expect(problems({ matchers: shop, endsAt: NOW + 1000, comment: "维护窗口" }, limits)).toEqual([]);
    expect(problems({ matchers: shop, endsAt: NOW + 1000, comment: "维护窗口中" }, limits)).toEqual([
      "comment: must be at most 12 bytes of UTF-8 (limit silenceLimits.maxCommentBytes)",
    ]);
  });

  it("defaults to 16 matchers and 1,024 comment bytes", () => {
    expect(problems({ matchers: shop, endsAt: NOW + 1000, comment: "a".repeat(1024) })).toEqual([]);
    expect(problems({ matchers: shop, endsAt: NOW + 1000, comment: "a".repeat(1025) })).toEqual([
      "comment: must be at most 1024 bytes of UTF-8 (limit silenceLimits.maxCommentBytes)",
    ]);
  });
});

describe("compiled silences", () => {
  const window = { id: "a", startsAt: "2026-11-20T09:00:00+08:00", endsAt: "2026-11-20T11:00:00+08:00" };
  const labels: AlertLabels = { platform: "douyin", shop: "77", metric: "pickup_24h_rate", severity: "warning", kind: "threshold" };

  it("match as silencedBy does, for exact, shop-key and regex matchers, within their window", () => {
    const cases: Silence[] = [
      { ...window, matchers: [{ name: "shop", value: "douyin:77" }] },
      { ...window, matchers: [{ name: "shop", value: "kuaishou:douyin:77" }] },
      { ...window, matchers: [{ name: "shop", value: "douyin:.*", isRegex: true }] },
      {
        ...window,
        matchers: [
          { name: "metric", value: "pickup_.*", isRegex: true },
          { name: "severity", value: "critical" },
        ],
      },
      {
        ...window,
        matchers: [
          { name: "platform", value: "douyin" },
          { name: "shop", value: "77" },
        ],
      },
    ];
    const others: AlertLabels[] = [labels, { ...labels, platform: "kuaishou", shop: "douyin:77" }, { ...labels, severity: "critical" }];
    for (const s of cases) {
      const c = compileSilence(s);
      expect(c).not.toBeNull();
      for (const l of others) {
        for (const t of [NOW, Date.parse(window.endsAt), Date.parse(window.startsAt) - 1]) {
          expect(activeSilenceFor([c!], l, t)?.silence.id).toBe(silencedBy([s], l, t)?.id);
        }
      }
    }
  });

  it("are null for a time that does not parse or a regex that does not compile; such a silence counts as ended", () => {
    const nan: Silence = { ...window, endsAt: "+010000-01-01T08:00:00.+08:00", matchers: shop };
    expect(compileSilence(nan)).toBeNull();
    expect(isExpired(nan, NOW)).toBe(true);
    expect(compileSilence({ ...window, matchers: [{ name: "metric", value: "(", isRegex: true }] })).toBeNull();
  });
});

describe("silenceReach", () => {
  it("reads the shop and platform a silence is pinned to from its exact matchers", () => {
    expect(silenceReach([{ name: "shop", value: "douyin:77" }])).toEqual({ platform: "douyin", shopId: "77" });
    expect(
      silenceReach([
        { name: "platform", value: "douyin" },
        { name: "shop", value: "77" },
      ]),
    ).toEqual({ platform: "douyin", shopId: "77" });
    expect(silenceReach([{ name: "platform", value: "douyin" }])).toEqual({ platform: "douyin" });
    expect(silenceReach([{ name: "shop", value: "77" }])).toBeNull();
    expect(silenceReach([{ name: "shop", value: "douyin:.*", isRegex: true }])).toBeNull();
    expect(
      silenceReach([
        { name: "platform", value: "kuaishou" },
        { name: "shop", value: "douyin:77" },
      ]),
    ).toBeNull();
  });
});
