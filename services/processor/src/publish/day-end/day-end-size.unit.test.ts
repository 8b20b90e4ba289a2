import { describe, expect, it } from "vitest";
import { DAY_END_MAX_BYTES, DayEnd, toDayEnd, type ShopSnapshot } from "@sg/events";
import { loadRulePacks } from "@sg/rules";

/**
 * A shop-day of end-of-day values stays within DAY_END_MAX_BYTES for every rule pack, with the longest
 * numbers a metric can carry (a float's full tail, counts in the millions) and every score part filled.
 */
describe("day-end record size", () => {
  for (const [id, pack] of loadRulePacks()) {
    it(`${id}: one shop-day fits ${DAY_END_MAX_BYTES} bytes`, () => {
      const metrics: ShopSnapshot["metrics"] = {};
      for (const name of Object.keys(pack.metrics))
        metrics[name] = {
          value: 1 / 3 + 0.1,
          numerator: 12_345_678.123456,
          denominator: 98_765_432,
          status: "warning",
          pending: 1234,
          headroom: 99,
        };
      const snapshot: ShopSnapshot = { platform: pack.platform, shopId: "s", rulePack: id, metrics, alerts: [] };
      if (pack.score) {
        const dimensions = Object.fromEntries(Object.keys(pack.score.dimensions).map((k) => [k, { score: 87.123456789012, weight: 33.3 }]));
        const indicators = Object.fromEntries(
          Object.keys(pack.score.indicators).map((k) => [k, { value: 0.0123456789012, points: 70.00000000001, band: 3 }]),
        );
        snapshot.scores = {
          title: "t",
          pack: id,
          effective: "2026-09-08",
          status: "complete",
          total: 91.23456789,
          dimensions,
          indicators,
          bonuses: 0,
          deductions: 0,
          missing: [],
        };
      }
      const json = JSON.stringify(toDayEnd(snapshot, "2026-11-20", Date.parse("2026-11-21T02:03:04+08:00"), "settled"));
      expect(DayEnd.safeParse(JSON.parse(json)).success).toBe(true);
      expect(Buffer.byteLength(json), json).toBeLessThanOrEqual(DAY_END_MAX_BYTES);
    });
  }
});
