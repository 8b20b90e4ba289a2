// The kinds of the 2026 rules (rules-2026.md), each case computed by hand and checked in all three engines:
// the pure engine (evaluateShop), engine v2 (its contributions and day aggregates, in memory) and the
// independent reference model. Windows are 30 days ending with the day of asOf (Asia/Shanghai).
import type { MetricOutput } from "@sg/events";
import { loadRulePacks, parseRulePack } from "@sg/rules";
import { describe, expect, it } from "vitest";
import { expectEnginesAgreeOnGrid } from "../../testing/grid-agreement.js";
import { shopEvents } from "../../../../../test/src/engine-fixtures.js";
import { evaluateV2InMemory } from "../../testing/v2-in-memory.js";
import { dailyHours } from "../calendar.js";
import { evaluateShop } from "../evaluate.js";
import { referenceEvaluate } from "../reference/index.js";
import { lateClockStart } from "./items-2026.js";

const t = (d: number, hms: string, month = 5) => `2026-${String(month).padStart(2, "0")}-${String(d).padStart(2, "0")}T${hms}+08:00`;
const AS_OF = Date.parse(t(12, "12:00:00"));
const FIRST_DAY = Date.parse("2026-04-01T00:00:00+08:00");

const base = { window: "30d", threshold: null, target: null, direction: "max" } as const;
const PACK = parseRulePack(
  {
    id: "douyin@2099-01",
    platform: "douyin",
    metrics: {
      pickup_clock: {
        ...base,
        kind: "late_clock_mean",
        unit: "hours",
        params: { from: "paid", to: "picked_up", lateStart: ["18:00", "06:00"] },
      },
      review_clock: {
        ...base,
        kind: "late_clock_mean",
        unit: "hours",
        params: {
          from: "requested",
          to: "first_merchant_acted",
          lateStart: ["23:00", "08:00"],
          kinds: ["refund_only", "return_refund"],
          refundOnlyAfterShipmentOnly: true,
        },
      },
      response: {
        ...base,
        kind: "imputed_response_mean",
        unit: "seconds",
        params: { unanswered: "10m", sessionHours: ["08:00", "23:00"] },
      },
      rating: { ...base, kind: "review_score_mean", unit: "stars", direction: "min", params: {} },
      buyers: {
        ...base,
        kind: "buyer_reply_rate",
        unit: "ratio",
        direction: "min",
        threshold: 0.5,
        leadTime: "5m",
        params: { deadline: "3m", serviceHours: ["00:00", "24:00"] },
      },
      escalation: { ...base, kind: "escalation_rate", unit: "ratio", params: { via: ["intervention", "complaint"] } },
      promise: { ...base, kind: "promise_kept_rate", unit: "ratio", direction: "min", params: {} },
      paid: { ...base, kind: "paid_order_count", unit: "count", direction: "min", params: {} },
      buyers_90d: {
        ...base,
        window: "90d",
        kind: "buyer_reply_rate",
        unit: "ratio",
        direction: "min",
        params: { deadline: "3m", serviceHours: ["00:00", "24:00"] },
      },
    },
  },
  "test pack",
);

/** One metric from each engine; all three must agree. */
function all3(s: ReturnType<typeof shopEvents>, name: string, asOf = AS_OF): MetricOutput {
  const input = { platform: "douyin" as const, shopId: "s1", events: s.events, asOf, pack: PACK };
  const pure = evaluateShop(input).snapshot.metrics[name]!;
  const v2 = evaluateV2InMemory(input).snapshot.metrics[name]!;
  const ref = referenceEvaluate(input).snapshot.metrics[name]!;
  expect(v2, "engine v2").toEqual(pure);
  expect(ref, "reference").toEqual(pure);
  return pure;
}

describe("lateClockStart: items opened in a daily span start their clock at its end", () => {
  const span = dailyHours(["18:00", "06:00"]);
  it.each([
    [t(10, "17:59:59"), t(10, "17:59:59")],
    [t(10, "18:00:00"), t(11, "06:00:00")],
    [t(10, "23:30:00"), t(11, "06:00:00")],
    [t(11, "00:00:00"), t(11, "06:00:00")],
    [t(11, "05:59:59"), t(11, "06:00:00")],
    [t(11, "06:00:00"), t(11, "06:00:00")],
  ])("%s starts at %s", (at, start) => {
    expect(lateClockStart(Date.parse(at), span)).toBe(Date.parse(start));
  });
});

describe("late_clock_mean: paid → pickup, paid 18:00–06:00 starts at 06:00", () => {
  it("means the shifted durations by the pickup's day", () => {
    const s = shopEvents("douyin");
    const order = (o: string, paid: string, picked?: string) => {
      s.ev("order.paid", paid, { orderId: o });
      if (picked) s.ev("logistics.picked_up", picked, { orderId: o });
    };
    order("o1", t(10, "10:00:00"), t(10, "14:00:00")); // 4 h
    order("o2", t(10, "20:00:00"), t(11, "09:00:00")); // clock 11 06:00 → 3 h
    order("o3", t(11, "03:00:00"), t(11, "05:00:00")); // picked up before the clock starts → 0 h
    order("o4", t(11, "18:00:00"), t(12, "08:30:00")); // 18:00 is inside: clock 12 06:00 → 2.5 h
    order("o5", t(11, "06:00:00"), t(11, "07:00:00")); // 06:00 is outside → 1 h
    order("o6", t(11, "10:00:00")); // not picked up: not counted
    // (4 + 3 + 0 + 2.5 + 1) / 5 = 2.1
    const m = all3(s, "pickup_clock");
    expect(m).toMatchObject({ numerator: 10.5, denominator: 5, status: "ok" });
    expect(m.value).toBeCloseTo(2.1, 12);
  });
});

describe("late_clock_mean: request → merchant review, requested 23:00–08:00 starts at 08:00", () => {
  it("counts after-shipment refunds and return-refunds, by the review's day", () => {
    const s = shopEvents("douyin");
    const as = (a: string, kind: string, afterShipment: boolean, req: string, acted: string) => {
      s.ev("aftersale.requested", req, { afterSaleId: a, orderId: `o-${a}`, kind, reason: "quality", afterShipment });
      s.ev("aftersale.merchant_acted", acted, { afterSaleId: a, decision: "agree" });
    };
    as("a1", "return_refund", true, t(10, "23:30:00"), t(11, "10:00:00")); // clock 11 08:00 → 2 h
    as("a2", "refund_only", true, t(11, "07:00:00"), t(11, "08:30:00")); // clock 08:00 → 0.5 h
    as("a3", "refund_only", false, t(11, "12:00:00"), t(11, "13:00:00")); // before shipment: not counted
    as("a4", "exchange", true, t(11, "12:00:00"), t(11, "13:00:00")); // exchange: not counted
    as("a5", "return_refund", true, t(11, "12:00:00"), t(11, "15:00:00")); // 3 h
    as("a6", "return_refund", true, t(11, "22:59:00"), t(11, "23:59:00")); // 22:59 is outside → 1 h
    // (2 + 0.5 + 3 + 1) / 4 = 1.625
    expect(all3(s, "review_clock")).toMatchObject({ numerator: 6.5, denominator: 4, value: 1.625 });
  });
});

describe("imputed_response_mean: sessions started 08:00–23:00, an unanswered round counts 10 minutes", () => {
  it("means answered rounds' times and the imputed ones; an undecided round is pending", () => {
    const s = shopEvents("douyin");
    const msg = (c: string, at: string, sender: string) => s.ev("chat.message", at, { consumerId: c, sender });
    // c1: two rounds answered in 60 s and 30 s.
    s.ev("chat.transferred", t(11, "09:00:00"), { consumerId: "c1" });
    msg("c1", t(11, "09:00:10"), "consumer");
    msg("c1", t(11, "09:01:10"), "agent");
    msg("c1", t(11, "09:05:00"), "consumer");
    msg("c1", t(11, "09:05:30"), "agent");
    s.ev("chat.closed", t(11, "09:10:00"), { consumerId: "c1" });
    // c2: the session closes before a reply; a reply after the close does not answer the round → 600 s.
    s.ev("chat.transferred", t(11, "10:00:00"), { consumerId: "c2" });
    msg("c2", t(11, "10:01:00"), "consumer");
    s.ev("chat.closed", t(11, "10:20:00"), { consumerId: "c2" });
    msg("c2", t(11, "10:30:00"), "agent");
    // c3: the session started 22:50 (inside), its round at 23:05 answered in 60 s.
    s.ev("chat.transferred", t(11, "22:50:00"), { consumerId: "c3" });
    msg("c3", t(11, "23:05:00"), "consumer");
    msg("c3", t(11, "23:06:00"), "agent");
    // c4: the session started 23:10 (outside the hours): not counted.
    s.ev("chat.transferred", t(11, "23:10:00"), { consumerId: "c4" });
    msg("c4", t(11, "23:11:00"), "consumer");
    msg("c4", t(11, "23:30:00"), "agent");
    // c5: a round today, no reply and no close yet: pending until midnight.
    s.ev("chat.transferred", t(12, "11:00:00"), { consumerId: "c5" });
    msg("c5", t(12, "11:00:00"), "consumer");
    // c6: a round yesterday never answered nor closed: its day ended → 600 s.
    s.ev("chat.transferred", t(11, "20:00:00"), { consumerId: "c6" });
    msg("c6", t(11, "20:00:00"), "consumer");
    // (60 + 30 + 600 + 60 + 600) / 5 = 270 s
    expect(all3(s, "response")).toMatchObject({ numerator: 1350, denominator: 5, value: 270, pending: 1 });
    // After midnight c5's round counts 600 s too: (1350 + 600) / 6 = 325.
    expect(all3(s, "response", Date.parse(t(13, "00:00:00")))).toMatchObject({ numerator: 1950, denominator: 6, value: 325, pending: 0 });
  });
});

describe("review_score_mean: first review's score over signed orders, by the review's day", () => {
  it("means the scores of first reviews that carry one", () => {
    const s = shopEvents("douyin");
    const signed = (o: string) => s.ev("logistics.signed", t(5, "10:00:00"), { orderId: o });
    for (const o of ["o1", "o2", "o3", "o5"]) signed(o);
    s.ev("review.posted", t(6, "10:00:00"), { orderId: "o1", rating: "good", score: 5 });
    s.ev("review.posted", t(7, "10:00:00"), { orderId: "o2", rating: "neutral", score: 3 });
    s.ev("review.posted", t(7, "10:00:00"), { orderId: "o3", rating: "good" }); // no score: not counted
    s.ev("review.posted", t(7, "10:00:00"), { orderId: "o4", rating: "bad", score: 1 }); // never signed
    s.ev("review.posted", t(8, "10:00:00"), { orderId: "o5", rating: "bad", score: 2 }); // the first review counts
    s.ev("review.posted", t(9, "10:00:00"), { orderId: "o5", rating: "good", score: 5 });
    // (5 + 3 + 2) / 3
    const m = all3(s, "rating");
    expect(m).toMatchObject({ numerator: 10, denominator: 3 });
    expect(m.value).toBeCloseTo(10 / 3, 12);
  });
});

describe("buyer_reply_rate: per buyer over the window, 3 minutes", () => {
  it("counts each buyer once, bad when a round in the window was missed, pending while undecided", () => {
    const s = shopEvents("douyin");
    const round = (c: string, open: string, reply?: string) => {
      s.ev("chat.transferred", open, { consumerId: c });
      s.ev("chat.message", open, { consumerId: c, sender: "consumer" });
      if (reply) s.ev("chat.message", reply, { consumerId: c, sender: "agent" });
    };
    round("b1", t(1, "10:00:00"), t(1, "10:01:00")); // in time
    round("b1", t(10, "10:00:00"), t(10, "10:05:00")); // 5 min: missed → b1 is bad
    round("b2", t(2, "10:00:00"), t(2, "10:02:00")); // good
    round("b3", t(1, "10:00:00", 4), t(1, "10:09:00", 4)); // missed on 04-01, before the window (from 04-13)
    round("b3", t(11, "10:00:00"), t(11, "10:01:00")); // good in the window
    round("b4", t(12, "11:58:00")); // undecided until 12:01
    // (4 − 1) / 4
    expect(all3(s, "buyers")).toMatchObject({ numerator: 3, denominator: 4, value: 0.75, pending: 1, status: "ok" });
    // Over 90 days b3's miss counts: (4 − 2) / 4.
    expect(all3(s, "buyers_90d")).toMatchObject({ numerator: 2, denominator: 4, value: 0.5 });
    // At 12:01 b4 is missed: (4 − 2) / 4.
    expect(all3(s, "buyers", Date.parse(t(12, "12:01:00")))).toMatchObject({ numerator: 2, denominator: 4, pending: 0 });
  });
});

describe("escalation_rate: orders escalated to the platform / orders whose consumer sought the merchant", () => {
  it("counts an order once, on its first request's day, escalated by an intervention or a complaint", () => {
    const s = shopEvents("douyin");
    const req = (a: string, o: string, at: string) =>
      s.ev("aftersale.requested", at, { afterSaleId: a, orderId: o, kind: "return_refund", reason: "quality", afterShipment: true });
    req("a1", "o1", t(1, "10:00:00"));
    s.ev("aftersale.platform_intervened", t(3, "10:00:00"), { afterSaleId: "a1" }); // hit
    req("a2", "o2", t(2, "10:00:00"));
    s.ev("complaint.filed", t(4, "10:00:00"), { orderId: "o2" }); // hit
    req("a3", "o3", t(3, "10:00:00")); // sought, not escalated
    s.ev("complaint.filed", t(4, "10:00:00"), { orderId: "o4" }); // never sought the merchant: not counted
    req("a5", "o5", t(4, "10:00:00"));
    req("a6", "o5", t(5, "10:00:00"));
    s.ev("aftersale.platform_intervened", t(6, "10:00:00"), { afterSaleId: "a6" }); // o5 once, a hit
    expect(all3(s, "escalation")).toMatchObject({ numerator: 3, denominator: 4, value: 0.75 });
  });
});

describe("promise_kept_rate: waybills signed by the carrier's promise / signed waybills with a promise", () => {
  it("counts by the signing's day; a signing at the promised instant keeps it", () => {
    const s = shopEvents("douyin");
    const waybill = (o: string, promise: string | undefined, signed?: string) => {
      s.ev("logistics.picked_up", t(4, "10:00:00"), { orderId: o, ...(promise ? { promisedSignBy: promise } : {}) });
      if (signed) s.ev("logistics.signed", signed, { orderId: o });
    };
    waybill("o1", t(5, "18:00:00"), t(5, "17:00:00")); // kept
    waybill("o2", t(5, "18:00:00"), t(5, "18:00:00")); // kept, at the instant
    waybill("o3", t(5, "18:00:00"), t(6, "09:00:00")); // late
    waybill("o4", undefined, t(5, "12:00:00")); // no promise: not counted
    waybill("o5", t(5, "18:00:00")); // not signed
    const m = all3(s, "promise");
    expect(m).toMatchObject({ numerator: 2, denominator: 3 });
    expect(m.value).toBeCloseTo(2 / 3, 12);
  });
});

describe("paid_order_count: paid orders on the payment's day", () => {
  it("counts the window's payments, never no_data", () => {
    const s = shopEvents("douyin");
    expect(all3(s, "paid")).toMatchObject({ value: 0, status: "ok" });
    for (const [o, d] of [
      ["o1", 1],
      ["o2", 5],
      ["o3", 12],
    ] as const)
      s.ev("order.paid", t(d, "10:00:00"), { orderId: o });
    s.ev("order.paid", t(1, "10:00:00", 4), { orderId: "old" }); // 04-01: before the window
    expect(all3(s, "paid")).toMatchObject({ value: 3 });
  });
});

describe("the three engines agree on the 2026 kinds over generated streams", () => {
  const packs = [PACK, ...["douyin@2026-05", "douyin@2026-09"].map((id) => loadRulePacks().get(id)!)];
  it("grid streams (ties, exact deadlines, repeated facts) at several moments", () => {
    const compared = expectEnginesAgreeOnGrid("douyin", packs, FIRST_DAY);
    expect(compared).toBeGreaterThan(60);
  });
});
