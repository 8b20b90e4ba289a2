import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PLATFORMS } from "@sg/events";
import { selectablePacks } from "@sg/rules";
import { randomScoreContext } from "../testing/score-contexts.js";
import { computeScores, type MetricReading } from "./compute.js";
import type { ScoreEventFacts } from "./score-events.js";
import { scoreTotal } from "./total.js";

/**
 * scoreTotal (total.ts, the forecast's points) against computeScores' total, on random readings of every
 * selectable pack's metrics (missing, no value, small samples, any value), random bonus grants and deduction
 * counts, and random score contexts (testing/score-contexts.ts), one of them calibrating (computed in full):
 * equal bit for bit, including null.
 */

const packs = PLATFORMS.flatMap((p) => selectablePacks(p)).filter((p) => p.score);

const reading = fc.oneof(
  fc.constant(undefined),
  fc.record({ value: fc.constant(null), numerator: fc.nat(5), denominator: fc.constant(0) }),
  fc
    .record({ numerator: fc.nat(40), extra: fc.nat(40), scale: fc.constantFrom(1, 0.01, 100, 3600) })
    .map(({ numerator, extra, scale }) => ({
      value: (numerator / (numerator + extra + 1)) * scale,
      numerator,
      denominator: numerator + extra + 1,
    })),
  fc.double({ min: -10, max: 1000, noNaN: true }).map((value) => ({ value })),
);

describe("the score's total alone", () => {
  it("equals computeScores' total on random readings, events and contexts", () => {
    let totals = 0;
    fc.assert(
      fc.property(
        fc.nat(),
        fc.nat(),
        fc.array(reading, { minLength: 20, maxLength: 20 }),
        fc.array(
          fc.record({
            from: fc.integer({ min: -40, max: 10 }),
            len: fc.option(fc.integer({ min: 1, max: 60 })),
            share: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
          }),
          { maxLength: 4 },
        ),
        fc.array(fc.record({ centi: fc.integer({ min: 0, max: 3000 }), count: fc.nat(3), revoked: fc.nat(2) }), { maxLength: 4 }),
        (which, seed, readings, grants, deductions) => {
          const pack = packs[which % packs.length]!;
          const metrics: Record<string, MetricReading | undefined> = {};
          Object.keys(pack.metrics).forEach((name, i) => (metrics[name] = readings[i % readings.length]));
          const asOf = Date.parse("2026-12-07T12:00:00+08:00");
          const DAY = 86_400_000;
          const events: ScoreEventFacts = { asOf, grants: {}, deductions: {} };
          const bonusIds = Object.keys(pack.score!.bonuses ?? {});
          grants.forEach((g, i) => {
            const id = bonusIds[i % Math.max(1, bonusIds.length)] ?? "none";
            (events.grants[id] ??= []).push({
              from: asOf + g.from * DAY,
              end: g.len === null ? null : asOf + (g.from + g.len) * DAY,
              ...(g.share === null ? {} : { share: g.share }),
            });
          });
          const parts = Object.keys(pack.score!.deductions?.parts ?? {});
          deductions.forEach((d, i) => (events.deductions[parts[i % Math.max(1, parts.length)] ?? "none"] = d));
          const base = randomScoreContext(pack, seed);
          const context = base && { ...base, ...(seed % 3 === 0 ? { events } : {}), ...(seed % 17 === 2 ? { calibrate: true } : {}) };
          const want = computeScores({ pack, shopKey: "douyin:s1", metrics, context })?.total;
          expect(scoreTotal(pack, "douyin:s1", metrics, context), `${pack.id}, context seed ${seed}`).toEqual(want);
          if (want !== null && want !== undefined) totals++;
        },
      ),
      { numRuns: 3000, seed: 20_261_209 },
    );
    console.log(`score totals compared that were not null: ${totals}`);
    expect(totals).toBeGreaterThan(100);
  });
});
