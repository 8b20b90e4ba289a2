import { evaluateAggregates, type ShopAggregates } from "../incremental/measure.js";
import { columnRange, DeductionDays, PacedColumns, RolledColumns, StoredColumns } from "./day-columns.js";
import type { PointEvaluator } from "./points.js";
import { RolledItems } from "./rolled-items.js";

/**
 * The 14 evaluations from numeric day amounts (day-columns.ts, docs/forecast.md "Cost"): the stored days parsed
 * once per forecast, each point's roll-off an overlay of the timed change there, its paced amounts an overlay
 * of that; each evaluation computes the metrics' outputs and the score only (what the forecast reads of it).
 * Equal to the record path, bit for bit (forecast-columns.unit.test.ts).
 */
export const pointsByColumns: PointEvaluator = (input, src, projections, pace, moments) => {
  const changes = moments.map((_, k) => projections.at(k));
  const range = columnRange(src.days, input.now, moments[moments.length - 1]!, changes);
  const stored = new StoredColumns(src.days, range);
  const deductions = new DeductionDays(src.days, input.pack.score?.deductions !== undefined);
  const evaluate = (asOf: number, agg: ShopAggregates) =>
    evaluateAggregates(
      { platform: input.platform, shopId: input.shopId, asOf, shop: input.shop, pack: input.pack, outputsOnly: true },
      agg,
      input.slots,
    );
  const items = new RolledItems(src.pending, src.cur);
  const rolled = moments.map((_, k) => ({ ...items.at(changes[k]!), amounts: new RolledColumns(stored, changes[k]!, range) }));
  const roll = moments.map((m, k) => evaluate(m, { ...rolled[k]!, days: deductions.at(changes[k]!), nextTimer: undefined }));
  // Without a pace (nothing decided today) both paths are the same evaluations.
  const paced =
    pace.size === 0
      ? roll
      : moments.map((m, k) =>
          evaluate(m, {
            cur: rolled[k]!.cur,
            pending: rolled[k]!.pending,
            amounts: new PacedColumns(rolled[k]!.amounts, pace, input.now, m, range),
            days: deductions.at(changes[k]!, { pace, now: input.now, asOf: m }),
            nextTimer: undefined,
          }),
        );
  return { roll, paced };
};
