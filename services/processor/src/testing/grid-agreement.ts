import type { MetricOutput, Platform } from "@sg/events";
import type { RulePack } from "@sg/rules";
import fc from "fast-check";
import { expect } from "vitest";
import { evaluateShop } from "../engine/evaluate.js";
import { referenceEvaluate } from "../engine/reference/index.js";
import { gridStream } from "./grid-streams.js";
import { evaluateV2InMemory } from "./v2-in-memory.js";

const DAY = 86_400_000;

/**
 * The three engines (pure, engine v2 in memory, reference) agree on grid streams (ties, exact deadlines,
 * repeated facts) at several moments, for each pack; `seen` is called with each agreed result so a test can
 * check the streams reached its metrics. Returns how many evaluations were compared. Test code only.
 */
export function expectEnginesAgreeOnGrid(
  platform: Platform,
  packs: RulePack[],
  firstDay: number,
  seen: (metrics: Record<string, MetricOutput>) => void = () => {},
): number {
  let compared = 0;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 40 }), fc.integer(), (day, seed) => {
      const { events, moments } = gridStream(platform, firstDay + day * DAY, seed);
      for (const asOf of moments) {
        for (const pack of packs) {
          const input = { platform, shopId: "g", events, asOf, pack };
          const pure = evaluateShop(input);
          const metrics = pure.snapshot.metrics;
          expect(evaluateV2InMemory(input).snapshot.metrics, `engine v2, ${pack.id}`).toEqual(metrics);
          const ref = referenceEvaluate(input);
          expect(ref.snapshot.metrics, `reference, ${pack.id}`).toEqual(metrics);
          expect(ref.due, `pending items, ${pack.id}`).toEqual(pure.due);
          seen(metrics);
          compared++;
        }
      }
    }),
    { numRuns: 60, seed: 2026 },
  );
  return compared;
}
