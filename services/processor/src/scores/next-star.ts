import type { IndustryParams, ShopScoreInputs } from "@sg/config";
import type { ShopScores } from "@sg/events";
import { indicatorDirection, type RulePack } from "@sg/rules";
import type { MetricReading } from "./compute.js";

/** An observed indicator's value from the shop's `scoreInputs.indicators`, or undefined when not given. */
export function observedReading(inputs: ShopScoreInputs | undefined, indicator: string): MetricReading | undefined {
  const v = inputs?.indicators?.[indicator];
  return v === undefined ? undefined : { value: v };
}

/**
 * Each indicator with a configured next-star standard against it (rules-2026.md, Pinduoduo: the backend
 * shows "3分钟人工回复率 ≥ 75.00%" for the next star): a `min` indicator meets it at or above, a `max` one at
 * or below. Only the standards the configuration gives are reported; none is invented.
 */
export function nextStarReport(
  pack: RulePack,
  nextStar: NonNullable<IndustryParams["nextStar"]>,
  indicators: ShopScores["indicators"],
): NonNullable<ShopScores["nextStar"]> {
  const out: NonNullable<ShopScores["nextStar"]>["indicators"] = {};
  let met = 0;
  for (const [id, standard] of Object.entries(nextStar.standards)) {
    const value = indicators[id]?.value ?? null;
    const meets = value === null ? null : indicatorDirection(pack, id) === "max" ? value <= standard : value >= standard;
    if (meets) met++;
    out[id] = { value, standard, meets };
  }
  return { stars: nextStar.stars, indicators: out, met, of: Object.keys(out).length };
}
