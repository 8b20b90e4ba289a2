// Order metric kinds (douyin@2023-06, pdd@2020-02), each case computed by hand from ../shared/spec/metrics.md.
// Windows are 30 days ending with the day of asOf (Asia/Shanghai).
import { describe, expect, it } from "vitest";
import { shopEvents } from "../../../../../test/src/engine-fixtures.js";

const t = (d: number, hms: string) => `2026-03-${String(d).padStart(2, "0")}T${hms}+08:00`;
const AS_OF = t(10, "12:00:00");

describe("first_review_rate (douyin bad_review_rate): first review bad, over orders signed in the window", () => {
  it("judges only the first review of an order", () => {
    const s = shopEvents("douyin");
    for (const o of ["o1", "o2", "o3"]) s.ev("logistics.signed", t(2, "10:00:00"), { orderId: o });
    s.ev("review.posted", t(3, "10:00:00"), { orderId: "o1", rating: "bad" });
    s.ev("review.posted", t(3, "10:00:00"), { orderId: "o2", rating: "good" });
    s.ev("review.posted", t(4, "10:00:00"), { orderId: "o2", rating: "bad" }); // not the first
    const m = s.metric("bad_review_rate", AS_OF);
    expect(m).toMatchObject({ numerator: 1, denominator: 3 });
    expect(m.value).toBeCloseTo(1 / 3, 12);
  });
});

describe("quality_return_rate (douyin): first after-sale's reason and kind, over orders signed in the window", () => {
  it("counts quality reasons on returns, exchanges and after-shipment refunds, first after-sale only", () => {
    const s = shopEvents("douyin");
    for (const o of ["o1", "o2", "o3", "o4"]) s.ev("logistics.signed", t(2, "10:00:00"), { orderId: o });
    const req = (a: string, o: string, at: string, kind: string, reason: string, afterShipment: boolean) =>
      s.ev("aftersale.requested", at, { afterSaleId: a, orderId: o, kind, reason, afterShipment });
    req("a1", "o1", t(3, "10:00:00"), "return_refund", "quality", true); // counts
    req("a2", "o2", t(3, "10:00:00"), "refund_only", "quality", false); // refund before shipment: not
    req("a3", "o3", t(3, "10:00:00"), "refund_only", "damaged", true); // counts
    req("a4", "o4", t(3, "10:00:00"), "return_refund", "other", true); // first after-sale decides: not
    req("a5", "o4", t(4, "10:00:00"), "return_refund", "quality", true);
    expect(s.metric("quality_return_rate", AS_OF)).toMatchObject({ numerator: 2, denominator: 4, value: 0.5, status: "warning" });
  });
});

describe("pickup_rate (douyin pickup_24h_rate): in-stock orders, 24 h from payment, outcome time in the window", () => {
  it("counts on-time and late outcomes, leaves out presale and cancelled orders, and reports pending ones", () => {
    const s = shopEvents("douyin");
    s.ev("order.paid", t(8, "10:00:00"), { orderId: "on-time" });
    s.ev("logistics.picked_up", t(8, "20:00:00"), { orderId: "on-time" });
    s.ev("order.paid", t(8, "10:00:00"), { orderId: "late" }); // deadline 03-09 10:00 passed, never picked up
    s.ev("order.paid", t(8, "10:00:00"), { orderId: "presale", presale: true });
    s.ev("order.paid", t(8, "10:00:00"), { orderId: "cancelled" });
    s.ev("order.cancelled", t(8, "12:00:00"), { orderId: "cancelled" });
    s.ev("order.paid", t(10, "11:00:00"), { orderId: "pending" }); // deadline 03-11 11:00 still ahead
    expect(s.metric("pickup_24h_rate", AS_OF)).toMatchObject({ numerator: 1, denominator: 2, pending: 1, value: 0.5, status: "breach" });
  });
});

describe("delivery_hours (douyin): mean signed − picked up, orders signed in the window with a pickup", () => {
  it("means in hours and skips orders without a pickup time", () => {
    const s = shopEvents("douyin");
    s.ev("logistics.picked_up", t(2, "10:00:00"), { orderId: "o1" });
    s.ev("logistics.signed", t(4, "10:00:00"), { orderId: "o1" }); // 48 h
    s.ev("logistics.picked_up", t(2, "12:00:00"), { orderId: "o2" });
    s.ev("logistics.signed", t(3, "12:00:00"), { orderId: "o2" }); // 24 h
    s.ev("logistics.signed", t(3, "12:00:00"), { orderId: "o3" }); // no pickup
    expect(s.metric("delivery_hours", AS_OF)).toMatchObject({ numerator: 72, denominator: 2, value: 36, status: "ok" });
  });
});

describe("shipping_feedback_rate (douyin shipping_negative_feedback_rate): over orders paid in the window", () => {
  it("does not count slow-shipping feedback before the promise (in stock) or within 48 h (presale)", () => {
    const s = shopEvents("douyin");
    const paid = (o: string, extra: Record<string, unknown> = {}) => s.ev("order.paid", t(2, "10:00:00"), { orderId: o, ...extra });
    const fb = (o: string, at: string, issue: string, reason: string) => s.ev("feedback.posted", at, { orderId: o, issue, reason });
    paid("early", { promisedShipBy: t(4, "10:00:00") });
    fb("early", t(3, "10:00:00"), "shipping", "slow_shipping"); // before the promise: not counted
    paid("not-shipped");
    fb("not-shipped", t(3, "10:00:00"), "shipping", "not_shipped"); // counted
    paid("presale", { presale: true });
    fb("presale", t(3, "09:00:00"), "shipping", "slow_shipping"); // within 48 h of payment: not counted
    paid("late", { promisedShipBy: t(3, "10:00:00") });
    fb("late", t(3, "11:00:00"), "shipping", "slow_shipping"); // after the promise: counted
    paid("other");
    fb("other", t(3, "10:00:00"), "other", "other");
    expect(s.metric("shipping_negative_feedback_rate", AS_OF)).toMatchObject({ numerator: 2, denominator: 5, value: 0.4 });
  });
});

describe("aftersale_rejection_rate (douyin): after-shipment after-sales, the order's last valid one decides", () => {
  it("counts refusals, ignores consumer cancellations before any action and before-shipment after-sales", () => {
    const s = shopEvents("douyin");
    const req = (a: string, o: string, afterShipment = true) =>
      s.ev("aftersale.requested", t(2, "10:00:00"), { afterSaleId: a, orderId: o, kind: "refund_only", reason: "other", afterShipment });
    req("a1", "o1");
    s.ev("aftersale.merchant_acted", t(2, "11:00:00"), { afterSaleId: "a1", decision: "refuse" });
    s.ev("aftersale.completed", t(3, "10:00:00"), { afterSaleId: "a1", outcome: "closed" });
    req("a2", "o2");
    s.ev("aftersale.merchant_acted", t(2, "11:00:00"), { afterSaleId: "a2", decision: "agree" });
    s.ev("aftersale.completed", t(3, "10:00:00"), { afterSaleId: "a2", outcome: "refunded" });
    req("a3", "o3"); // cancelled before any merchant action: invalid
    s.ev("aftersale.cancelled", t(2, "12:00:00"), { afterSaleId: "a3" });
    s.ev("aftersale.completed", t(3, "10:00:00"), { afterSaleId: "a3", outcome: "closed" });
    req("a4", "o4", false); // before shipment: not considered
    s.ev("aftersale.merchant_acted", t(2, "11:00:00"), { afterSaleId: "a4", decision: "refuse" });
    s.ev("aftersale.completed", t(3, "10:00:00"), { afterSaleId: "a4", outcome: "closed" });
    expect(s.metric("aftersale_rejection_rate", AS_OF)).toMatchObject({ numerator: 1, denominator: 2, value: 0.5 });
  });
});

describe("platform_help_rate (douyin): orders paid in the window with a complaint or a merchant-liable ruling", () => {
  it("counts complaints and merchant/both rulings, not consumer rulings", () => {
    const s = shopEvents("douyin");
    for (const o of ["o1", "o2", "o3", "o4"]) s.ev("order.paid", t(2, "10:00:00"), { orderId: o });
    s.ev("complaint.filed", t(3, "10:00:00"), { orderId: "o1" });
    for (const [a, o, liability] of [
      ["a2", "o2", "both"],
      ["a3", "o3", "consumer"],
    ] as const) {
      s.ev("aftersale.requested", t(3, "10:00:00"), {
        afterSaleId: a,
        orderId: o,
        kind: "refund_only",
        reason: "other",
        afterShipment: true,
      });
      s.ev("aftersale.arbitrated", t(4, "10:00:00"), { afterSaleId: a, liability });
    }
    expect(s.metric("platform_help_rate", AS_OF)).toMatchObject({ numerator: 2, denominator: 4, value: 0.5 });
  });
});

describe("stalled_shipments (douyin): a count of picked-up, unsigned orders whose last update is ≥ 48 h old", () => {
  it("counts by the last pickup or tracking update; ok at 0, warning above", () => {
    const s = shopEvents("douyin");
    s.ev("logistics.picked_up", t(7, "10:00:00"), { orderId: "stalled" }); // 74 h before asOf
    s.ev("logistics.picked_up", t(7, "10:00:00"), { orderId: "moving" });
    s.ev("logistics.updated", t(10, "02:00:00"), { orderId: "moving" }); // 10 h before asOf
    s.ev("logistics.picked_up", t(7, "10:00:00"), { orderId: "signed" });
    s.ev("logistics.signed", t(8, "10:00:00"), { orderId: "signed" });
    expect(s.metric("stalled_shipments", AS_OF)).toMatchObject({ value: 1, status: "warning" });
    expect(s.metric("stalled_shipments", t(9, "09:00:00"))).toMatchObject({ value: 0, status: "ok" });
  });
});

describe("intervention_rate (pdd): orders paid in the window with a platform-intervened after-sale", () => {
  it("counts orders, not after-sales", () => {
    const s = shopEvents("pdd");
    for (const o of ["o1", "o2"]) s.ev("order.paid", t(2, "10:00:00"), { orderId: o });
    for (const a of ["a1", "a2"]) {
      s.ev("aftersale.requested", t(3, "10:00:00"), {
        afterSaleId: a,
        orderId: "o1",
        kind: "refund_only",
        reason: "other",
        afterShipment: true,
      });
      s.ev("aftersale.platform_intervened", t(4, "10:00:00"), { afterSaleId: a });
    }
    expect(s.metric("intervention_rate", AS_OF)).toMatchObject({ numerator: 1, denominator: 2, value: 0.5, status: "warning" });
  });
});
