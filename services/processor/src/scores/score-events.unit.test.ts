import { parseScoreguardConfig } from "@sg/config";
import { toMillis, type CanonicalEvent } from "@sg/events";
import { describe, expect, it } from "vitest";
import { evaluateShop } from "../engine/evaluate.js";
import { applyEvents, emptyShopState, evaluateEventsV2, evaluateState, packsOf } from "../engine/incremental/shop-state.js";
import { shopEvidence } from "../engine/evidence/shop-evidence.js";
import type { EntityRec } from "../engine/incremental/records.js";
import { decodeStored, encodeStored } from "../engine/incremental/codec.js";
import { foldScore, scoreEntityOf } from "../engine/incremental/score-records.js";
import { shopOverridesFor } from "./context.js";

/**
 * Bonuses and deductions as events (docs/scores.md "Bonuses and deductions as events"), computed by hand from
 * rules-2026.md (Douyin from 2026-09-08: bonuses 明日达 ≥ 20% +5, 运费险 +2; deductions in two parts, capped at
 * 10 per 30 days), through engine v2's pure steps and the full-history engine.
 */
const AS_OF = "2026-11-20T12:00:00+08:00";
const config = parseScoreguardConfig({
  packs: { douyin: "latest" },
  shops: {
    "douyin:d1": {
      industry: "t",
      scoreInputs: {
        dimensions: { goods: 90, logistics: 80, service: 90 },
        bonuses: { freight_insurance: true },
        deductions: { consumer_harm: 4 },
      },
    },
  },
  scoreParameters: { "douyin@2026-09": { t: { source: "test", dimensionWeights: { goods: 40, logistics: 20, service: 40 } } } },
});

let n = 0;
const ev = (type: string, at: string, body: Record<string, unknown>): CanonicalEvent =>
  ({ id: `e${++n}`, platform: "douyin", shopId: "d1", type, at, ...body }) as CanonicalEvent;
/** `k` paid orders on 11-15 (valid paid orders: the eligibility count, 30 needed). */
const orders = (k: number) => Array.from({ length: k }, (_, i) => ev("order.paid", "2026-11-15T10:00:00+08:00", { orderId: `o${i}` }));

const grant = (grantId: string, bonus: string, from: string, extra: Record<string, unknown> = {}) =>
  ev("score.bonus_granted", from, { grantId, bonus, validFrom: from, ...extra });
const deduct = (violationId: string, part: string, points: number, at: string) => ev("score.deducted", at, { violationId, part, points });
const revoke = (violationId: string, at: string) => ev("score.deduction_revoked", at, { violationId });

/** Both engines' scores, which must be the same. */
function scores(events: CanonicalEvent[], asOf = AS_OF) {
  const input = { platform: "douyin" as const, shopId: "d1", events, asOf: toMillis(asOf), shop: shopOverridesFor(config, "douyin:d1") };
  const v2 = evaluateEventsV2(input)!.snapshot.scores!;
  const full = evaluateShop(input).snapshot.scores!;
  expect(v2).toEqual(full);
  return v2;
}

const story = () => [
  ...orders(30),
  // 明日达 share 25% from 11-01, open-ended: +5.
  grant("g1", "next_day_delivery", "2026-11-01T00:00:00+08:00", { share: 0.25 }),
  // 运费险 granted until 11-10: ended, so the events say "not held" over the configured `true`.
  grant("g2", "freight_insurance", "2026-10-01T00:00:00+08:00", { validTo: "2026-11-10T00:00:00+08:00" }),
  deduct("v1", "consumer_harm", 3, "2026-11-05T09:00:00+08:00"),
  deduct("v2", "fake_trades", 6, "2026-11-18T09:00:00+08:00"),
  // 10-15 is before the 30-day window (10-22 … 11-20): not counted.
  deduct("v3", "fake_trades", 4, "2026-10-15T09:00:00+08:00"),
  // Revoked on appeal: counts nowhere.
  deduct("v4", "consumer_harm", 5, "2026-11-10T09:00:00+08:00"),
  revoke("v4", "2026-11-15T09:00:00+08:00"),
];

describe("score bonuses and deductions from events", () => {
  it("events replace the configuration per bonus and per part; the window and revocations apply", () => {
    const s = scores(story());
    // Σ dimensions: 90×0.4 + 80×0.2 + 90×0.4 = 88; + 5 (明日达) − (3 + 6) = 84.
    expect(s.total).toBe(84);
    expect(s.bonuses).toBe(5);
    expect(s.deductions).toBe(9);
    expect(s.adjustments).toEqual({
      bonuses: [
        {
          id: "next_day_delivery",
          title: "明日达占比≥20%",
          points: 5,
          source: "event",
          from: "2026-11-01T00:00:00+08:00",
          until: null,
          share: 0.25,
        },
      ],
      deductions: [
        { part: "fake_trades", title: "虚假交易刷体验分", points: 6, count: 1, source: "event" },
        { part: "consumer_harm", title: "影响消费者体验", points: 3, count: 1, source: "event" },
      ],
      uncapped: 9,
      cap: 10,
      violations: true,
    });
  });

  it("caps the deductions at 10 per 30 days, and they leave the window as days roll", () => {
    const events = [...story(), deduct("v5", "fake_trades", 3, "2026-11-19T09:00:00+08:00")];
    const s = scores(events);
    expect(s.adjustments!.uncapped).toBe(12);
    expect(s.deductions).toBe(10);
    expect(s.total).toBe(83);
    // On 12-05 the window is 11-06 … 12-05: v1 (11-05) has left it; the orders of 11-15 still count.
    const later = scores(events, "2026-12-05T12:00:00+08:00");
    expect(later.adjustments!.deductions).toEqual([
      { part: "fake_trades", title: "虚假交易刷体验分", points: 9, count: 2, source: "event" },
    ]);
    // consumer_harm: v4 (11-10, revoked) is still in the window, so the events still speak for the part (0
    // points) and the configured 4 stays replaced: 9.
    expect(later.deductions).toBe(9);
    // On 12-11 (window 11-12 … 12-11) no consumer_harm violation is left: the configured 4 counts again, 9 + 4 = 13 → 10.
    const after = scores(events, "2026-12-11T12:00:00+08:00");
    expect(after.adjustments!.deductions).toContainEqual({
      part: "consumer_harm",
      title: "影响消费者体验",
      points: 4,
      source: "configuration",
    });
    expect(after.deductions).toBe(10);
  });

  it("any arrival order and duplicates give the same score; a revocation may come first", () => {
    const events = story();
    const shuffled = [...events].reverse();
    const dupes = [...events, ...events.slice(30)];
    expect(scores(shuffled)).toEqual(scores(events));
    expect(scores(dupes)).toEqual(scores(events));
  });

  it("a late revocation of a bonus ends it from its time; one revoked before it starts never held", () => {
    const events = [...orders(30), grant("g1", "next_day_delivery", "2026-11-01T00:00:00+08:00", { share: 0.25 })];
    // 明日达 +5 (event), 运费险 +2 (configuration).
    expect(scores(events).bonuses).toBe(7);
    const revoked = [...events, ev("score.bonus_revoked", "2026-11-20T11:00:00+08:00", { grantId: "g1" })];
    expect(scores(revoked).bonuses).toBe(2);
    // Evaluated before the revocation happened: still held.
    expect(scores(revoked, "2026-11-20T10:00:00+08:00").bonuses).toBe(7);
    // Revoked before it starts: never held, and the events still speak for the bonus.
    const early = [
      ...orders(30),
      grant("g2", "next_day_delivery", "2026-11-25T00:00:00+08:00", { share: 0.3 }),
      ev("score.bonus_revoked", "2026-11-19T11:00:00+08:00", { grantId: "g2" }),
    ];
    expect(scores(early).bonuses).toBe(2);
    expect(scores(early, "2026-11-26T10:00:00+08:00").bonuses).toBe(2);
  });

  it("a 明日达 share under 20% earns nothing and overrides the configuration", () => {
    const events = [...orders(30), grant("g1", "next_day_delivery", "2026-11-01T00:00:00+08:00", { share: 0.19 })];
    const s = scores(events);
    // freight_insurance comes from the configuration (no grant of it): +2 only.
    expect(s.adjustments!.bonuses).toEqual([{ id: "freight_insurance", title: "运费险", points: 2, source: "configuration" }]);
    expect(s.bonuses).toBe(2);
  });

  it("eligibility: under 30 valid paid orders the total is 70, 60 with a violation from an event", () => {
    const noViolation = parseScoreguardConfig({
      packs: { douyin: "latest" },
      shops: { "douyin:d1": { industry: "t", scoreInputs: { dimensions: { goods: 90, logistics: 80, service: 90 } } } },
      scoreParameters: { "douyin@2026-09": { t: { source: "test", dimensionWeights: { goods: 40, logistics: 20, service: 40 } } } },
    });
    const input = (events: CanonicalEvent[]) => ({
      platform: "douyin" as const,
      shopId: "d1",
      events,
      asOf: toMillis(AS_OF),
      shop: shopOverridesFor(noViolation, "douyin:d1"),
    });
    expect(evaluateEventsV2(input(orders(29)))!.snapshot.scores).toMatchObject({ status: "fixed", total: 70 });
    const withViolation = [...orders(29), deduct("v1", "consumer_harm", 1, "2026-11-19T09:00:00+08:00")];
    expect(evaluateEventsV2(input(withViolation))!.snapshot.scores).toMatchObject({ status: "fixed", total: 60 });
    expect(evaluateShop(input(withViolation)).snapshot.scores).toMatchObject({ status: "fixed", total: 60 });
    // Revoked on appeal: no violation, 70 again.
    const appealed = [...withViolation, revoke("v1", "2026-11-20T09:00:00+08:00")];
    expect(evaluateEventsV2(input(appealed))!.snapshot.scores).toMatchObject({ status: "fixed", total: 70 });
  });

  it("a contract-v1 shop applies them and ignores them", () => {
    const plain = { platform: "douyin" as const, shopId: "d1", asOf: toMillis(AS_OF) };
    const withScore = evaluateEventsV2({ ...plain, events: story() })!.snapshot;
    const without = evaluateEventsV2({ ...plain, events: orders(30) })!.snapshot;
    expect(withScore.rulePack).toBe("douyin@2023-06");
    expect(withScore).toEqual(without);
  });

  it("stores each record in its compact form and reads it back", () => {
    for (const e of story().slice(30)) {
      const key = scoreEntityOf(e)!;
      const rec = foldScore(key, undefined, e, toMillis(e.at));
      expect(decodeStored(key, encodeStored(key, { rec, calcAt: toMillis(AS_OF) })).rec).toEqual(rec);
    }
    const odd = ev("score.deducted", AS_OF, { violationId: "v;|%,x", part: "a|b;c", points: 2.5 });
    const key = scoreEntityOf(odd)!;
    const rec = foldScore(key, undefined, odd, toMillis(AS_OF));
    expect(decodeStored(key, encodeStored(key, { rec, calcAt: toMillis(AS_OF) })).rec).toEqual(rec);
  });
});

describe("evidence costs with score events", () => {
  it("a bad item's score without it keeps the events' deductions (douyin@2026-09: observed dimensions, so the total itself)", () => {
    const asOf = toMillis(AS_OF);
    const shop = shopOverridesFor(config, "douyin:d1");
    const events = [
      ...story(),
      // A signed order returned for quality: a bad item of quality_return_rate.
      ev("logistics.signed", "2026-11-16T10:00:00+08:00", { orderId: "o1" }),
      ev("aftersale.requested", "2026-11-17T10:00:00+08:00", {
        afterSaleId: "A1",
        orderId: "o1",
        kind: "return_refund",
        reason: "quality",
        afterShipment: true,
      }),
    ];
    const packs = packsOf({ platform: "douyin", now: asOf, shop });
    const applied = applyEvents(
      packs.store,
      emptyShopState(),
      events.map((event) => ({ event, atMs: toMillis(event.at) })),
      asOf,
      Infinity,
      packs.chatKeepDays,
      packs.closedKeepMs,
    ).state;
    const { state, evaluation } = evaluateState(applied, { platform: "douyin", shopId: "d1", now: asOf, shop });
    const snapshot = evaluation!.snapshot;
    expect(snapshot.scores!.total).toBe(84);
    const lists = shopEvidence({
      records: [...state.records].map(([k, r]) => [k, r.rec] as [string, EntityRec]),
      pack: packs.evaluate,
      asOf,
      shop,
      snapshot,
    });
    const bad = lists.get("quality_return_rate|bad")!.items;
    expect(bad.map((i) => i.id)).toEqual(["o1"]);
    expect(bad[0]!.cost!.scoreWithout).toBe(84);
  });
});

describe("wake-ups for grants", () => {
  it("the evaluation wakes when a grant starts or ends, and when an ended one stops speaking for its bonus", () => {
    const input = (events: CanonicalEvent[], asOf: string) => ({
      platform: "douyin" as const,
      shopId: "d1",
      events,
      asOf: toMillis(asOf),
      shop: shopOverridesFor(config, "douyin:d1"),
    });
    const starts = [
      ...orders(30),
      ev("score.bonus_granted", "2026-11-20T09:00:00+08:00", {
        grantId: "g1",
        bonus: "home_installation",
        validFrom: "2026-11-20T15:00:00+08:00",
        validTo: "2026-11-20T18:00:00+08:00",
      }),
    ];
    const at = (iso: string) => toMillis(iso);
    expect(evaluateEventsV2(input(starts, AS_OF))!.nextWake).toBe(at("2026-11-20T15:00:00+08:00"));
    expect(evaluateShop(input(starts, AS_OF)).nextWake).toBe(at("2026-11-20T15:00:00+08:00"));
    expect(evaluateEventsV2(input(starts, "2026-11-20T16:00:00+08:00"))!.nextWake).toBe(at("2026-11-20T18:00:00+08:00"));
    // Ended 2026-10-21 13:00 (its revocation): forgotten 30 days later, on 11-20 at 13:00, when 运费险's configured `true` counts again.
    const ended = [
      ...orders(30),
      ev("score.bonus_granted", "2026-10-20T09:00:00+08:00", {
        grantId: "g2",
        bonus: "freight_insurance",
        validFrom: "2026-10-20T00:00:00+08:00",
      }),
      ev("score.bonus_revoked", "2026-10-21T13:00:00+08:00", { grantId: "g2" }),
    ];
    const before = evaluateEventsV2(input(ended, "2026-11-20T10:00:00+08:00"))!;
    expect(before.nextWake).toBe(at("2026-11-20T13:00:00+08:00"));
    expect(before.snapshot.scores!.bonuses).toBe(0);
    expect(evaluateEventsV2(input(ended, "2026-11-20T13:00:00+08:00"))!.snapshot.scores!.bonuses).toBe(2);
  });
});
