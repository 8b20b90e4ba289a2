// `refund_duration_mean` (pdd@2026 在途订单退款时长 and 签收退货后平均退款时长), each case computed by hand and
// checked in all three engines: the pure engine (evaluateShop), engine v2 (its contributions and day
// aggregates, in memory) and the independent reference model. Windows are 30 days ending with the day of
// asOf (Asia/Shanghai): 2026-04-13 to 2026-05-12.
import type { MetricOutput } from "@sg/events";
import { loadRulePacks, parseRulePack } from "@sg/rules";
import { describe, expect, it } from "vitest";
import { expectEnginesAgreeOnGrid } from "../../testing/grid-agreement.js";
import { shopEvents } from "../../../../../test/src/engine-fixtures.js";
import { evaluateV2InMemory } from "../../testing/v2-in-memory.js";
import { evaluateShop } from "../evaluate.js";
import { referenceEvaluate } from "../reference/index.js";

const t = (d: number, hms: string, month = 5) => `2026-${String(month).padStart(2, "0")}-${String(d).padStart(2, "0")}T${hms}+08:00`;
const AS_OF = Date.parse(t(12, "12:00:00"));

const base = { window: "30d", threshold: null, target: null, direction: "max", unit: "hours", kind: "refund_duration_mean" } as const;
const PACK = parseRulePack(
  {
    id: "pdd@2099-01",
    platform: "pdd",
    metrics: {
      in_transit: { ...base, params: { from: "requested_in_transit", kinds: ["refund_only", "return_refund"] } },
      after_return: { ...base, params: { from: "return_signed", kinds: ["return_refund"] } },
    },
  },
  "test pack",
);

type Shop = ReturnType<typeof shopEvents>;

/** One metric from each engine, in arrival order and reversed; all must agree. */
function all3(s: Shop, name: string, pack = PACK): MetricOutput {
  const input = { platform: "pdd" as const, shopId: "s1", events: s.events, asOf: AS_OF, pack };
  const pure = evaluateShop(input).snapshot.metrics[name]!;
  const v2 = evaluateV2InMemory(input).snapshot.metrics[name]!;
  const v2Reversed = evaluateV2InMemory({ ...input, events: [...s.events].reverse() }).snapshot.metrics[name]!;
  const ref = referenceEvaluate(input).snapshot.metrics[name]!;
  expect(v2, "engine v2").toEqual(pure);
  expect(v2Reversed, "engine v2, events reversed").toEqual(pure);
  expect(ref, "reference").toEqual(pure);
  return pure;
}

function request(s: Shop, a: string, o: string, kind: string, afterShipment: boolean, at: string): void {
  s.ev("aftersale.requested", at, { afterSaleId: a, orderId: o, kind, reason: "other", afterShipment });
}

describe("refund_duration_mean from requested_in_transit: request → refund, for requests before the order's signing", () => {
  it("means the refunds of in-transit requests by the refund's day", () => {
    const s = shopEvents("pdd");
    // a1: never signed, refunded 6 h after the request → 6 h.
    s.ev("order.shipped", t(9, "18:00:00"), { orderId: "o1" });
    request(s, "a1", "o1", "refund_only", true, t(10, "10:00:00"));
    s.ev("aftersale.completed", t(10, "16:00:00"), { afterSaleId: "a1", outcome: "refunded" });
    // a2: requested after the order was signed: not in transit.
    s.ev("logistics.signed", t(10, "12:00:00"), { orderId: "o2" });
    request(s, "a2", "o2", "refund_only", true, t(10, "13:00:00"));
    s.ev("aftersale.completed", t(10, "14:00:00"), { afterSaleId: "a2", outcome: "refunded" });
    // a3: requested 20:00, the parcel signed next morning after it, refunded 08:00 → 12 h (no night rule).
    request(s, "a3", "o3", "return_refund", true, t(10, "20:00:00"));
    s.ev("logistics.signed", t(11, "09:00:00"), { orderId: "o3" });
    s.ev("aftersale.completed", t(11, "08:00:00"), { afterSaleId: "a3", outcome: "refunded" });
    // a4: before shipment; a5: an exchange; a6: closed, not refunded; a7: first completion closed; a8: still open.
    request(s, "a4", "o4", "refund_only", false, t(10, "10:00:00"));
    s.ev("aftersale.completed", t(10, "11:00:00"), { afterSaleId: "a4", outcome: "refunded" });
    request(s, "a5", "o5", "exchange", true, t(10, "10:00:00"));
    s.ev("aftersale.completed", t(10, "11:00:00"), { afterSaleId: "a5", outcome: "refunded" });
    request(s, "a6", "o6", "refund_only", true, t(10, "10:00:00"));
    s.ev("aftersale.completed", t(10, "11:00:00"), { afterSaleId: "a6", outcome: "closed" });
    request(s, "a7", "o7", "refund_only", true, t(10, "10:00:00"));
    s.ev("aftersale.completed", t(10, "11:00:00"), { afterSaleId: "a7", outcome: "closed" });
    s.ev("aftersale.completed", t(10, "12:00:00"), { afterSaleId: "a7", outcome: "refunded" });
    request(s, "a8", "o8", "refund_only", true, t(11, "10:00:00"));
    // a9: requested at the instant of the signing: signed, not in transit.
    s.ev("logistics.signed", t(11, "10:00:00"), { orderId: "o9" });
    request(s, "a9", "o9", "refund_only", true, t(11, "10:00:00"));
    s.ev("aftersale.completed", t(11, "11:00:00"), { afterSaleId: "a9", outcome: "refunded" });
    // a10: refunded 2026-04-12, the day before the window.
    request(s, "a10", "o10", "refund_only", true, t(12, "08:00:00", 4));
    s.ev("aftersale.completed", t(12, "09:00:00", 4), { afterSaleId: "a10", outcome: "refunded" });
    // (6 + 12) / 2 = 9
    expect(all3(s, "in_transit")).toMatchObject({ value: 9, numerator: 18, denominator: 2 });
  });

  it("a signing that arrives later than the refund still decides: the request was before it", () => {
    const s = shopEvents("pdd");
    request(s, "a1", "o1", "refund_only", true, t(10, "10:00:00"));
    s.ev("aftersale.completed", t(10, "10:30:00"), { afterSaleId: "a1", outcome: "refunded" });
    expect(all3(s, "in_transit")).toMatchObject({ value: 0.5, numerator: 0.5, denominator: 1 });
    s.ev("logistics.signed", t(10, "09:59:59"), { orderId: "o1" }); // signed before the request: not in transit
    expect(all3(s, "in_transit")).toMatchObject({ value: null, denominator: 0 });
  });
});

describe("refund_duration_mean from return_signed: the return's first signing → refund", () => {
  it("means return-refunds refunded at or after the return was signed for, by the refund's day", () => {
    const s = shopEvents("pdd");
    const rr = (a: string, kind = "return_refund") => request(s, a, `o-${a}`, kind, false, t(8, "10:00:00"));
    rr("b1"); // signed 10:00, refunded 12:30 → 2.5 h
    s.ev("aftersale.return_signed", t(10, "10:00:00"), { afterSaleId: "b1" });
    s.ev("aftersale.completed", t(10, "12:30:00"), { afterSaleId: "b1", outcome: "refunded" });
    rr("b2"); // signed twice: from the first, 09:00 → next day 09:00 = 24 h
    s.ev("aftersale.return_signed", t(10, "09:00:00"), { afterSaleId: "b2" });
    s.ev("aftersale.return_signed", t(10, "11:00:00"), { afterSaleId: "b2" });
    s.ev("aftersale.completed", t(11, "09:00:00"), { afterSaleId: "b2", outcome: "refunded" });
    rr("b3"); // refunded before the return was signed: not counted
    s.ev("aftersale.completed", t(10, "08:00:00"), { afterSaleId: "b3", outcome: "refunded" });
    s.ev("aftersale.return_signed", t(10, "09:00:00"), { afterSaleId: "b3" });
    rr("b4"); // no return signed: not counted
    s.ev("aftersale.completed", t(10, "08:00:00"), { afterSaleId: "b4", outcome: "refunded" });
    rr("b5", "exchange"); // an exchange: not counted
    s.ev("aftersale.return_signed", t(10, "09:00:00"), { afterSaleId: "b5" });
    s.ev("aftersale.completed", t(10, "10:00:00"), { afterSaleId: "b5", outcome: "refunded" });
    rr("b6"); // closed: not counted
    s.ev("aftersale.return_signed", t(10, "09:00:00"), { afterSaleId: "b6" });
    s.ev("aftersale.completed", t(10, "10:00:00"), { afterSaleId: "b6", outcome: "closed" });
    rr("b7"); // refunded at the signing's instant → 0 h
    s.ev("aftersale.return_signed", t(11, "15:00:00"), { afterSaleId: "b7" });
    s.ev("aftersale.completed", t(11, "15:00:00"), { afterSaleId: "b7", outcome: "refunded" });
    rr("b8"); // signed, not refunded yet: not counted
    s.ev("aftersale.return_signed", t(11, "15:00:00"), { afterSaleId: "b8" });
    // (2.5 + 24 + 0) / 3 = 8.8333…
    const m = all3(s, "after_return");
    expect(m).toMatchObject({ numerator: 26.5, denominator: 3 });
    expect(m.value).toBeCloseTo(26.5 / 3, 12);
  });
});

describe("pdd@2026", () => {
  const pdd = loadRulePacks().get("pdd@2026")!;
  it("is selectable and carries the two refund clocks with their definition, clock and source", () => {
    expect(pdd.status).toBe("active");
    for (const name of ["in_transit_refund_hours", "refund_after_return_hours"]) {
      const m = pdd.metrics[name]!;
      expect(m.kind, name).toBe("refund_duration_mean");
      expect(m.definition && m.clock && m.source, name).toBeTruthy();
    }
    expect(pdd.metrics.human_reply_3min_rate).toMatchObject({ kind: "buyer_reply_rate", window: "30d", params: { deadline: "180s" } });
    expect(pdd.metrics.platform_help_rate).toMatchObject({ kind: "escalation_rate", window: "30d" });
  });

  it("its in-transit refunds are the same in the three engines with the shipped pack", () => {
    const s = shopEvents("pdd");
    request(s, "a1", "o1", "refund_only", true, t(10, "10:00:00"));
    s.ev("aftersale.completed", t(10, "13:00:00"), { afterSaleId: "a1", outcome: "refunded" });
    expect(all3(s, "in_transit_refund_hours", pdd)).toMatchObject({ value: 3, denominator: 1 });
  });
});

describe("the three engines agree on refund_duration_mean and pdd@2026 over generated streams", () => {
  const FIRST_DAY = Date.parse("2026-04-01T00:00:00+08:00");
  const packs = [PACK, loadRulePacks().get("pdd@2026")!];
  it("grid streams (ties, refunds before and after signings, closed completions) at several moments", () => {
    let counted = 0;
    expectEnginesAgreeOnGrid("pdd", packs, FIRST_DAY, (metrics) => {
      for (const name of ["in_transit", "after_return", "in_transit_refund_hours", "refund_after_return_hours"])
        if ((metrics[name]?.denominator ?? 0) > 0) counted++;
    });
    // The streams reach both clocks, not only empty windows.
    expect(counted).toBeGreaterThan(20);
  });
});
