import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EVENT_TYPES, parseEvent, toMillis, toShanghaiIso, formatProblems } from "./index.js";

/** The canonical event catalog (events.md): every type parses, and every failure names its field. */
const env = { id: "e1", platform: "kuaishou", shopId: "s1", at: "2026-11-20T08:00:05+08:00" } as const;

const valid: Record<string, Record<string, unknown>> = {
  "order.paid": { orderId: "o", amount: 10, presale: false, custom: false, noShipment: false, promisedShipBy: 1_763_600_000_000 },
  "order.cancelled": { orderId: "o" },
  "order.shipped": { orderId: "o" },
  "logistics.picked_up": { orderId: "o" },
  "logistics.updated": { orderId: "o" },
  "logistics.signed": { orderId: "o" },
  "review.posted": { orderId: "o", rating: "bad" },
  "feedback.posted": { orderId: "o", issue: "shipping", reason: "slow_shipping" },
  "complaint.filed": { orderId: "o" },
  "aftersale.requested": {
    afterSaleId: "a",
    orderId: "o",
    kind: "refund_only",
    reason: "quality",
    afterShipment: true,
    overdueEntry: false,
  },
  "aftersale.merchant_acted": { afterSaleId: "a", decision: "refuse" },
  "aftersale.return_signed": { afterSaleId: "a" },
  "aftersale.ready_for_processing": { afterSaleId: "a" },
  "aftersale.processed": { afterSaleId: "a" },
  "aftersale.awaiting_customer": { afterSaleId: "a" },
  "aftersale.platform_intervened": { afterSaleId: "a" },
  "aftersale.arbitrated": { afterSaleId: "a", liability: "both" },
  "aftersale.cancelled": { afterSaleId: "a" },
  "aftersale.completed": { afterSaleId: "a", outcome: "refunded" },
  "chat.transferred": { consumerId: "u", conversationId: "c" },
  "chat.message": { consumerId: "u", sender: "robot", assist: true, agentId: "x" },
  "chat.closed": { consumerId: "u" },
  "chat.rated": { consumerId: "u", rating: "satisfied", cardSentAt: "2026-11-20T08:00:00+08:00", robot: false },
  "consumer.excluded": { consumerId: "u" },
  "exclusion.requested": { scope: "order", itemId: "o", reason: "late_shipment_filing", metrics: ["pickup_48h_rate"], exclusionId: "bb1" },
  "exclusion.decided": { scope: "session", itemId: "c1", consumerId: "u", reason: "appeal", decision: "rejected" },
  "score.bonus_granted": {
    grantId: "g1",
    bonus: "freight_insurance",
    validFrom: "2026-11-01T00:00:00+08:00",
    validTo: "2026-12-01T00:00:00+08:00",
  },
  "score.bonus_revoked": { grantId: "g1" },
  "score.deducted": { violationId: "v1", part: "consumer_harm", points: 3 },
  "score.deduction_revoked": { violationId: "v1" },
};

function problemsOf(x: unknown): string {
  const r = parseEvent(x);
  if (r.ok) throw new Error("expected a failure");
  return formatProblems(r.problems);
}

describe("canonical events", () => {
  it("covers every type of events.md", () => {
    expect(new Set(EVENT_TYPES)).toEqual(new Set(Object.keys(valid)));
  });

  it.each(Object.entries(valid))("%s parses", (type, fields) => {
    const r = parseEvent({ ...env, type, ...fields });
    expect(r.ok).toBe(true);
  });

  it("order.paid's optional regions are GB/T 2260 codes of 6 digits (docs/calendars.md item 5)", () => {
    const paid = { ...env, type: "order.paid", orderId: "o" };
    const r = parseEvent({ ...paid, shipFromRegion: "420106", shipToRegion: "110000" });
    expect(r.ok && r.event).toMatchObject({ shipFromRegion: "420106", shipToRegion: "110000" });
    for (const bad of ["4201", "4201060", "42010a", 420106, ""]) {
      expect(problemsOf({ ...paid, shipToRegion: bad }), String(bad)).toContain("shipToRegion");
      expect(problemsOf({ ...paid, shipFromRegion: bad }), String(bad)).toContain("shipFromRegion");
    }
  });

  it("accepts epoch milliseconds and keeps extra fields", () => {
    const r = parseEvent({ ...env, at: 1_763_596_805_000, type: "order.shipped", orderId: "o", note: "extra" });
    expect(r.ok && (r.event as Record<string, unknown>).note).toBe("extra");
  });

  it("names the field of each problem", () => {
    expect(problemsOf({ ...env, type: "order.paid" })).toContain("orderId");
    expect(problemsOf({ ...env, type: "order.paid", orderId: 42 })).toContain("orderId");
    expect(
      problemsOf({
        ...env,
        type: "aftersale.requested",
        afterSaleId: "a",
        orderId: "o",
        kind: "refund",
        reason: "quality",
        afterShipment: true,
      }),
    ).toContain("kind");
    expect(
      problemsOf({ ...env, type: "aftersale.requested", afterSaleId: "a", orderId: "o", kind: "refund_only", reason: "quality" }),
    ).toContain("afterShipment");
    expect(problemsOf({ ...env, type: "chat.message", consumerId: "u", sender: "bot" })).toContain("sender");
    expect(problemsOf({ ...env, platform: "taobao", type: "order.shipped", orderId: "o" })).toContain("platform");
    expect(problemsOf({ ...env, id: "", type: "order.shipped", orderId: "o" })).toContain("id");
    expect(problemsOf({ ...env, id: "x".repeat(129), type: "order.shipped", orderId: "o" })).toContain("id");
    expect(problemsOf({ ...env, shopId: "s".repeat(65), type: "order.shipped", orderId: "o" })).toContain("shopId");
  });

  it("refuses times without an offset, impossible dates and non-integer epochs", () => {
    expect(problemsOf({ ...env, at: "2026-11-20T08:00:05", type: "order.shipped", orderId: "o" })).toContain("at");
    expect(problemsOf({ ...env, at: "2026-13-45T08:00:05+08:00", type: "order.shipped", orderId: "o" })).toContain("at");
    expect(problemsOf({ ...env, at: 1.5, type: "order.shipped", orderId: "o" })).toContain("at");
    expect(problemsOf({ ...env, type: "chat.rated", consumerId: "u", rating: "satisfied", cardSentAt: "yesterday" })).toContain(
      "cardSentAt",
    );
  });

  it("names an unknown type and a missing type", () => {
    expect(problemsOf({ ...env, type: "order.exploded" })).toMatch(/^type: unknown event type/);
    expect(problemsOf({ ...env })).toContain("type");
  });

  it("takes a rating on any platform's scale, and nothing else", () => {
    expect(problemsOf({ ...env, type: "chat.rated", consumerId: "u", rating: "great", cardSentAt: env.at })).toContain("rating");
    expect(problemsOf({ ...env, type: "chat.rated", consumerId: "u", rating: 5, cardSentAt: env.at })).toContain("rating");
    expect(parseEvent({ ...env, platform: "douyin", type: "chat.rated", consumerId: "u", rating: "5", cardSentAt: env.at }).ok).toBe(true);
    expect(
      parseEvent({ ...env, platform: "jd", type: "chat.rated", consumerId: "u", rating: "very_unsatisfied", cardSentAt: env.at }).ok,
    ).toBe(true);
  });

  it("refuses an id with a lone surrogate, and only then (the rule as first written, a regex)", () => {
    const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    const unit = fc.constantFrom("a", "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "😀", "\uD83D");
    fc.assert(
      fc.property(fc.string({ unit, minLength: 1, maxLength: 8 }), (orderId) => {
        const r = parseEvent({ ...env, type: "order.shipped", orderId });
        expect(r.ok).toBe(!lone.test(orderId));
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses values that are not objects without throwing", () => {
    for (const x of [null, 42, "str", [], undefined]) expect(parseEvent(x).ok).toBe(false);
  });

  it("converts times in Asia/Shanghai", () => {
    expect(toMillis("2026-03-01T23:30:00+08:00")).toBe(Date.parse("2026-03-01T15:30:00Z"));
    expect(toShanghaiIso(Date.parse("2026-03-01T15:30:00Z"))).toBe("2026-03-01T23:30:00+08:00");
    expect(toShanghaiIso(Date.parse("2026-03-01T15:30:00.250Z"))).toBe("2026-03-01T23:30:00.250+08:00");
  });
});
