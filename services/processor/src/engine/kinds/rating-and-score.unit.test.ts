// Rating shares and JD's service score, each case computed by hand from ../shared/spec/metrics.md.
import { describe, expect, it } from "vitest";
import { shopEvents } from "../../../../../test/src/engine-fixtures.js";

const t = (d: number, hms: string) => `2026-03-${String(d).padStart(2, "0")}T${hms}+08:00`;
type Shop = ReturnType<typeof shopEvents>;
const rate = (s: Shop, c: string, rating: string, cardSentAt: string, extra: Record<string, unknown> = {}) =>
  s.ev("chat.rated", cardSentAt, { consumerId: c, rating, cardSentAt, ...extra });

describe("rating_share", () => {
  it("kuaishou human_good_review_rate: satisfied / all, by cardSentAt in [08:00, 23:00), robots left out", () => {
    const s = shopEvents("kuaishou");
    rate(s, "a", "satisfied", t(2, "10:00:00"));
    rate(s, "b", "satisfied", t(2, "11:00:00"));
    rate(s, "c", "disappointed", t(2, "12:00:00"));
    rate(s, "d", "neutral", t(2, "12:00:00"), { robot: true }); // robot: left out
    rate(s, "e", "disappointed", t(2, "07:30:00")); // before 08:00: left out
    const m = s.metric("human_good_review_rate", t(2, "23:30:00"));
    expect(m).toMatchObject({ numerator: 2, denominator: 3, status: "breach" });
    expect(m.value).toBeCloseTo(2 / 3, 12);
  });

  it("douyin session_unsatisfied_rate: ratings 1–3 / all", () => {
    const s = shopEvents("douyin");
    ["1", "3", "5", "4"].forEach((r, i) => rate(s, `c${i}`, r, t(2, "10:00:00")));
    expect(s.metric("session_unsatisfied_rate", t(2, "12:00:00"))).toMatchObject({
      numerator: 2,
      denominator: 4,
      value: 0.5,
      status: "warning",
    });
  });

  it("an excluded consumer counts nowhere, even when excluded after rating", () => {
    const s = shopEvents("kuaishou");
    rate(s, "a", "satisfied", t(2, "10:00:00"));
    rate(s, "b", "disappointed", t(2, "10:00:00"));
    s.ev("consumer.excluded", t(2, "11:00:00"), { consumerId: "b" });
    expect(s.metric("human_good_review_rate", t(2, "12:00:00"))).toMatchObject({ numerator: 1, denominator: 1, value: 1, status: "ok" });
  });
});

describe("jd_service_score (jd service_score: points out of 100, tier and penalty)", () => {
  const AS_OF = t(20, "12:00:00");

  it("scores 100 with no deductions: satisfaction 50, review 20, process 10, norms 20", () => {
    const s = shopEvents("jd");
    rate(s, "a", "very_satisfied", t(2, "10:00:00"));
    expect(s.metric("service_score", AS_OF)).toMatchObject({ value: 100, tier: "excellent", penalty: 0, status: "ok" });
  });

  it("with at most 50 ratings, takes one point per unsatisfied rating; norms come from configuration", () => {
    const s = shopEvents("jd");
    for (let i = 0; i < 3; i++) rate(s, `u${i}`, i === 0 ? "very_unsatisfied" : "unsatisfied", t(2, "10:00:00"));
    // 47 + 20 + 10 + 5 = 82: meets (80–90), no penalty; below the 90 target → warning.
    expect(s.metric("service_score", AS_OF, { jdServiceNorms: 5 })).toMatchObject({
      value: 82,
      tier: "meets",
      penalty: 0,
      status: "warning",
    });
  });

  it("fails below 80 with the penalty of its band, and the awaiting-feedback deduction applies to the total", () => {
    const s = shopEvents("jd");
    for (let i = 0; i < 16; i++) rate(s, `u${i}`, "unsatisfied", t(2, "10:00:00"));
    // 34 + 20 + 10 + 20 = 84; awaiting_feedback_rate 1/1 > 0.10 target → −5 = 79: fails, 2000 yuan.
    s.ev("aftersale.requested", t(3, "10:00:00"), {
      afterSaleId: "a1",
      orderId: "o1",
      kind: "refund_only",
      reason: "other",
      afterShipment: true,
    });
    s.ev("aftersale.merchant_acted", t(3, "10:05:00"), { afterSaleId: "a1", decision: "agree" });
    s.ev("aftersale.awaiting_customer", t(3, "11:00:00"), { afterSaleId: "a1" });
    expect(s.metric("service_score", AS_OF)).toMatchObject({ value: 79, tier: "fails", penalty: 2000, status: "breach" });
  });
});
