// rating_score_mean (jd@2024 售后评价得分), each case computed by hand from rules-2026.md and the pack's
// definition, in all three engines: the pure engine, engine v2 in memory (with its compaction and
// retention) and the independent reference model.
import type { MetricOutput } from "@sg/events";
import { parseRulePack } from "@sg/rules";
import { describe, expect, it } from "vitest";
import { shopEvents } from "../../../../../test/src/engine-fixtures.js";
import { evaluateV2InMemory } from "../../testing/v2-in-memory.js";
import { evaluateShop } from "../evaluate.js";
import { referenceEvaluate } from "../reference/index.js";

const DAY = 86_400_000;
const AS_OF = Date.parse("2026-09-30T12:00:00+08:00");
/** A moment `days` before AS_OF's day, at `hms` Shanghai time. */
const ago = (days: number, hms = "10:00:00") => new Date(Date.parse(`2026-09-30T${hms}+08:00`) - days * DAY).toISOString();

const SCORES = { very_satisfied: 5, satisfied: 4, neutral: 3, unsatisfied: 2, very_unsatisfied: 1 };
const PACK = parseRulePack(
  {
    id: "jd@2099",
    platform: "jd",
    metrics: {
      afs_90d: {
        kind: "rating_score_mean",
        window: "90d",
        unit: "stars",
        direction: "min",
        threshold: null,
        target: null,
        params: { scores: SCORES },
      },
      afs_30d: {
        kind: "rating_score_mean",
        window: "30d",
        unit: "stars",
        direction: "min",
        threshold: 4.5,
        target: null,
        params: { scores: SCORES },
      },
    },
  },
  "test pack",
);

function all3(s: ReturnType<typeof shopEvents>, name: string, asOf = AS_OF): MetricOutput {
  const input = { platform: "jd" as const, shopId: "s1", events: s.events, asOf, pack: PACK };
  const pure = evaluateShop(input).snapshot.metrics[name]!;
  expect(evaluateV2InMemory(input).snapshot.metrics[name], "engine v2").toEqual(pure);
  expect(referenceEvaluate(input).snapshot.metrics[name], "reference").toEqual(pure);
  return pure;
}

const rate = (s: ReturnType<typeof shopEvents>, c: string, rating: string, cardSentAt: string, extra: Record<string, unknown> = {}) =>
  s.ev("chat.rated", cardSentAt, { consumerId: c, rating, cardSentAt, ...extra });

describe("rating_score_mean: the levels' points, by the card's day", () => {
  it("means the points of human ratings on the scale; robots and off-scale ratings are left out", () => {
    const s = shopEvents("jd");
    rate(s, "a", "very_satisfied", ago(1)); // 5
    rate(s, "b", "satisfied", ago(2)); // 4
    rate(s, "c", "very_unsatisfied", ago(3)); // 1
    rate(s, "d", "neutral", ago(3), { robot: true }); // robot: out
    rate(s, "e", "disappointed", ago(3)); // Kuaishou's scale: out
    // (5 + 4 + 1) / 3 = 3.333…; below the 4.5 line.
    const m = all3(s, "afs_30d");
    expect(m).toMatchObject({ numerator: 10, denominator: 3, status: "breach" });
    expect(m.value).toBeCloseTo(10 / 3, 12);
  });

  it("90 days: a rating 89 days back counts, one 90 days back does not; the 30-day window sees only the last month", () => {
    const s = shopEvents("jd");
    rate(s, "a", "unsatisfied", ago(89, "00:00:00")); // 2, the window's first day (90 days: today and 89 before)
    rate(s, "b", "very_unsatisfied", ago(90, "23:59:59")); // the day before: out
    rate(s, "c", "satisfied", ago(70)); // 4
    rate(s, "d", "very_satisfied", ago(0, "09:00:00")); // 5
    // The card's day decides, not the event's arrival: sent 40 days back, posted today.
    s.ev("chat.rated", ago(0, "09:30:00"), { consumerId: "e", rating: "neutral", cardSentAt: ago(40) }); // 3
    expect(all3(s, "afs_90d")).toMatchObject({ numerator: 14, denominator: 4, value: 3.5 });
    expect(all3(s, "afs_30d")).toMatchObject({ numerator: 5, denominator: 1, value: 5 });
  });

  it("an excluded consumer's ratings count nowhere; no rating, no value", () => {
    const s = shopEvents("jd");
    rate(s, "a", "very_unsatisfied", ago(5));
    s.ev("consumer.excluded", ago(4), { consumerId: "a" });
    expect(all3(s, "afs_90d")).toMatchObject({ value: null, denominator: 0 });
  });

  it("jd@2024 售后评价得分 through the shipped accounting: the store keeps a JD rating 90 days (chat facts only 1)", () => {
    const s = shopEvents("jd");
    rate(s, "a", "unsatisfied", ago(85)); // 2: kept past the 62 days a month window needs
    rate(s, "b", "very_satisfied", ago(1)); // 5
    // engine-fixtures compares engine v2 over the platform's accounting with the pure engine.
    expect(s.metric("aftersale_review_score", new Date(AS_OF).toISOString(), { pack: "jd@2024" })).toMatchObject({
      numerator: 7,
      denominator: 2,
      value: 3.5,
    });
  });
});
