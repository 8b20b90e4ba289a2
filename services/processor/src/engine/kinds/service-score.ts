import type { DefOf } from "@sg/rules";
import { inRange } from "../calendar.js";
import type { KindFn, Measured, MetricState, ShopOverrides } from "../types.js";

/**
 * jd@2023-01 `service_score`: points out of 100 from four metrics and their effective targets.
 * "Points short" = ceil((target − value) × 100) when value < target, else 0.
 */
export function pointsShort(state: MetricState | undefined): number {
  const value = state?.output.value;
  const target = state?.limits.target;
  if (value === null || value === undefined || target === null || target === undefined || value >= target) return 0;
  // (0.9 − 0.85) × 100 is 5.000000000000004 in binary floating point; the rule means 5.
  return Math.ceil((target - value) * 100 - 1e-9);
}

export const jdServiceScore: KindFn<DefOf<"jd_service_score">> = ({ def, model, window, others, shop }) => {
  const bad = model.ratings.filter(
    (r) => !r.robot && inRange(r.cardSentAt, window) && def.params.satisfaction.badRatings.includes(r.rating),
  ).length;
  return serviceScore(def, others, shop, bad);
};

/** The points of `service_score`, given the number of bad ratings in its window (used with few ratings). */
export function serviceScore(
  def: DefOf<"jd_service_score">,
  others: Map<string, MetricState>,
  shop: ShopOverrides,
  badRatings: number,
): Measured {
  const p = def.params;
  const sat = others.get(p.satisfaction.metric);
  const ratings = sat?.output.denominator ?? 0;
  let satisfaction: number;
  if (ratings > p.satisfaction.manyRatings) {
    satisfaction = p.satisfaction.points - p.satisfaction.perPointShort * pointsShort(sat);
  } else {
    satisfaction = p.satisfaction.points - badRatings;
  }
  const review = p.review.points - p.review.perPointShort * pointsShort(others.get(p.review.metric));
  const processing = p.process.points - p.process.perPointShort * pointsShort(others.get(p.process.metric));
  const norms = shop.jdServiceNorms ?? p.norms.points;
  const awaiting = others.get(p.awaitingFeedback.metric);
  const awaitingValue = awaiting?.output.value;
  const awaitingTarget = awaiting?.limits.target;
  const deduction =
    awaitingValue !== null &&
    awaitingValue !== undefined &&
    awaitingTarget !== null &&
    awaitingTarget !== undefined &&
    awaitingValue > awaitingTarget
      ? p.awaitingFeedback.deduction
      : 0;
  // Each component has a floor of 0; the deduction applies to the total.
  const total = Math.max(0, [satisfaction, review, processing, norms].reduce((s, c) => s + Math.max(0, c), 0) - deduction);
  const tier = p.tiers.find((t) => total >= t.min)?.tier ?? p.tiers[p.tiers.length - 1]!.tier;
  const penalty = p.penalties.find((t) => total >= t.min)?.penalty ?? p.penalties[p.penalties.length - 1]!.penalty;
  return { value: total, wakeups: [], extra: { tier, penalty } };
}
