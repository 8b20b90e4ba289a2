import { evaluateAggregates } from "../incremental/measure.js";
import type { PointEvaluator } from "./points.js";
import { pacedAggregates, rolledAggregates, type PacedMemo } from "./source.js";

/**
 * The forecast's points evaluated from day records (the forecast's first form, docs/forecast.md "Cost"): each
 * point's roll-off aggregates a copy of the touched day records with the timed change added as strings, its
 * paced ones a copy of those, each evaluated in full by evaluateAggregates. Slower than the columns
 * (pointsByColumns), kept as their reference: forecast-columns.unit.test.ts compares both on random streams.
 */
export const pointsByRecords: PointEvaluator = (input, src, projections, pace, moments) => {
  const evaluate = (asOf: number, agg: Parameters<typeof evaluateAggregates>[1]) =>
    evaluateAggregates({ platform: input.platform, shopId: input.shopId, asOf, shop: input.shop, pack: input.pack }, agg, input.slots);
  const rolled = moments.map((m, k) => rolledAggregates(src, projections.at(k), m));
  const roll = moments.map((m, k) => evaluate(m, rolled[k]!));
  const memo: PacedMemo = new Map();
  const paced = pace.size === 0 ? roll : moments.map((m, k) => evaluate(m, pacedAggregates(rolled[k]!, pace, input.now, m, memo)));
  return { roll, paced };
};
