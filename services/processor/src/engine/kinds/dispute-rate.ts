import type { DefOf } from "@sg/rules";
import { inRange } from "../calendar.js";
import type { AftersaleFacts } from "../model.js";
import type { KindFn } from "../types.js";
import { ratio } from "./ratio.js";

/** The platform's last ruling on an after-sale, if any. */
export function lastLiability(a: AftersaleFacts): string | undefined {
  return a.arbitrated[a.arbitrated.length - 1]?.liability;
}

/**
 * kuaishou `merchant_dispute_rate`: denominator = after-sales completed in the window; numerator = those
 * ruled `merchant` or `both`. Its breach rule (count AND rate) is applied in status.ts (`disputeBreach`).
 */
export const disputeRate: KindFn<DefOf<"dispute_rate">> = ({ def, model, window }) => {
  let numerator = 0;
  let denominator = 0;
  for (const a of model.aftersales.values()) {
    const completed = a.completed[0];
    if (!completed || !inRange(completed.at, window)) continue;
    denominator++;
    const l = lastLiability(a);
    if (l !== undefined && def.params.liable.includes(l as never)) numerator++;
  }
  return { value: ratio(numerator, denominator), numerator, denominator, wakeups: [] };
};

/** Breach only when numerator ≥ minCount and value > rate (kuaishou@2023-03 `merchant_dispute_rate`). */
export function disputeBreach(def: DefOf<"dispute_rate">, numerator: number, denominator: number, rate: number): boolean {
  return denominator > 0 && numerator >= def.params.minCount && numerator / denominator > rate;
}
