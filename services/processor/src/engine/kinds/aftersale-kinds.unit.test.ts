// After-sale metric kinds, each case computed by hand from ../shared/spec/metrics.md ("Awaiting-merchant
// time"; kuaishou completion hours and merchant_dispute_rate; jd review/process/awaiting; pdd overdue refunds).
import { describe, expect, it } from "vitest";
import { shopEvents } from "../../../../../test/src/engine-fixtures.js";

const t = (d: number, hms: string) => `2026-03-${String(d).padStart(2, "0")}T${hms}+08:00`;
const AS_OF = t(10, "12:00:00");
type Shop = ReturnType<typeof shopEvents>;
const request = (s: Shop, a: string, at: string, kind = "refund_only", extra: Record<string, unknown> = {}) =>
  s.ev("aftersale.requested", at, { afterSaleId: a, orderId: `o-${a}`, kind, reason: "other", afterShipment: true, ...extra });

describe("aftersale_awaiting_hours (kuaishou refund_only/return_refund_completion_hours)", () => {
  it("sums each merchant wait, from the request and from each return signed, to the next action or completion", () => {
    const s = shopEvents("kuaishou");
    request(s, "a1", t(2, "10:00:00"));
    s.ev("aftersale.merchant_acted", t(2, "14:00:00"), { afterSaleId: "a1", decision: "agree" }); // 4 h
    s.ev("aftersale.completed", t(2, "15:00:00"), { afterSaleId: "a1", outcome: "refunded" });
    request(s, "a2", t(3, "09:00:00"));
    s.ev("aftersale.completed", t(3, "17:00:00"), { afterSaleId: "a2", outcome: "refunded" }); // 8 h, ended by completion
    request(s, "a3", t(3, "09:00:00")); // platform-intervened: not counted on kuaishou
    s.ev("aftersale.platform_intervened", t(3, "10:00:00"), { afterSaleId: "a3" });
    s.ev("aftersale.completed", t(4, "09:00:00"), { afterSaleId: "a3", outcome: "refunded" });
    request(s, "r1", t(4, "10:00:00"), "return_refund");
    s.ev("aftersale.merchant_acted", t(4, "11:00:00"), { afterSaleId: "r1", decision: "agree" }); // 1 h
    s.ev("aftersale.return_signed", t(4, "15:00:00"), { afterSaleId: "r1" });
    s.ev("aftersale.merchant_acted", t(4, "18:00:00"), { afterSaleId: "r1", decision: "agree" }); // 3 h
    s.ev("aftersale.completed", t(4, "18:30:00"), { afterSaleId: "r1", outcome: "refunded" });
    expect(s.metric("refund_only_completion_hours", AS_OF)).toMatchObject({ numerator: 12, denominator: 2, value: 6, status: "ok" });
    expect(s.metric("return_refund_completion_hours", AS_OF)).toMatchObject({ numerator: 4, denominator: 1, value: 4 });
  });

  it("douyin includes platform-intervened after-sales", () => {
    const s = shopEvents("douyin");
    request(s, "a3", t(3, "09:00:00"));
    s.ev("aftersale.platform_intervened", t(3, "10:00:00"), { afterSaleId: "a3" });
    s.ev("aftersale.completed", t(4, "09:00:00"), { afterSaleId: "a3", outcome: "refunded" });
    expect(s.metric("refund_only_completion_hours", AS_OF)).toMatchObject({ numerator: 24, denominator: 1, value: 24 });
  });
});

describe("dispute_rate (kuaishou merchant_dispute_rate: breach needs numerator ≥ 4 and value > 0.35%)", () => {
  function shopWith(completed: number, liable: number): Shop {
    const s = shopEvents("kuaishou");
    for (let i = 0; i < completed; i++) {
      request(s, `a${i}`, t(2, "10:00:00"));
      if (i < liable)
        s.ev("aftersale.arbitrated", t(3, "10:00:00"), { afterSaleId: `a${i}`, liability: i % 2 === 0 ? "merchant" : "both" });
      s.ev("aftersale.completed", t(4, "10:00:00"), { afterSaleId: `a${i}`, outcome: "refunded" });
    }
    return s;
  }

  it("4 of 100 breaches, and caps the completion-hours scores at 4 while it does", () => {
    const s = shopWith(100, 4);
    expect(s.metric("merchant_dispute_rate", AS_OF)).toMatchObject({ numerator: 4, denominator: 100, value: 0.04, status: "breach" });
    expect(s.metric("refund_only_completion_hours", AS_OF).scoreCap).toBe(4);
    expect(s.metric("return_refund_completion_hours", AS_OF).scoreCap).toBe(4);
  });

  it("3 of 100 does not breach (count rule) but warns: one more would", () => {
    const s = shopWith(100, 3);
    expect(s.metric("merchant_dispute_rate", AS_OF)).toMatchObject({ numerator: 3, denominator: 100, status: "warning" });
    expect(s.metric("refund_only_completion_hours", AS_OF).scoreCap).toBeUndefined();
  });

  it("4 of 2000 (0.2%) neither breaches (rate rule) nor warns: 5 of 2000 would not breach either", () => {
    expect(shopWith(2000, 4).metric("merchant_dispute_rate", AS_OF)).toMatchObject({ numerator: 4, denominator: 2000, status: "ok" });
  });
});

describe("business_time_rate (jd service_review_20min_rate: business time 09:00–21:00, ≤ 20 min, by first action's month)", () => {
  it("stops the clock outside business hours", () => {
    const s = shopEvents("jd");
    request(s, "fast", t(2, "10:00:00"));
    s.ev("aftersale.merchant_acted", t(2, "10:15:00"), { afterSaleId: "fast", decision: "agree" }); // 15 min
    request(s, "overnight", t(2, "20:55:00"));
    s.ev("aftersale.merchant_acted", t(3, "09:10:00"), { afterSaleId: "overnight", decision: "agree" }); // 5 + 10 = 15 min
    request(s, "slow", t(2, "10:00:00"));
    s.ev("aftersale.merchant_acted", t(2, "10:30:00"), { afterSaleId: "slow", decision: "agree" }); // 30 min
    const m = s.metric("service_review_20min_rate", AS_OF);
    expect(m).toMatchObject({ numerator: 2, denominator: 3 });
    expect(m.value).toBeCloseTo(2 / 3, 12);
  });
});

describe("ever_state_rate (jd awaiting_feedback_rate: first reviewed in the month, ever awaiting_customer)", () => {
  it("counts after-sales that were ever awaiting the customer", () => {
    const s = shopEvents("jd");
    for (const a of ["a1", "a2"]) {
      request(s, a, t(2, "10:00:00"));
      s.ev("aftersale.merchant_acted", t(2, "11:00:00"), { afterSaleId: a, decision: "agree" });
    }
    s.ev("aftersale.awaiting_customer", t(3, "10:00:00"), { afterSaleId: "a1" });
    expect(s.metric("awaiting_feedback_rate", AS_OF)).toMatchObject({ numerator: 1, denominator: 2, value: 0.5, status: "warning" });
  });
});

describe("overdue_refund_count (pdd: first merchant wait reached 48 h without action)", () => {
  it("counts by the deadline's day; a wait still under 48 h is not counted", () => {
    const s = shopEvents("pdd");
    request(s, "overdue", t(2, "10:00:00")); // deadline 03-04 10:00, passed
    request(s, "acted", t(2, "10:00:00"));
    s.ev("aftersale.merchant_acted", t(2, "20:00:00"), { afterSaleId: "acted", decision: "agree" });
    request(s, "young", t(10, "09:00:00")); // deadline 03-12 09:00, ahead
    expect(s.metric("overdue_refund_count", AS_OF)).toMatchObject({ value: 1, status: "breach" });
    expect(s.metric("overdue_refund_count", t(4, "09:59:59"))).toMatchObject({ value: 0 });
  });
});
