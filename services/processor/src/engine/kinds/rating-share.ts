import type { DefOf } from "@sg/rules";
import { dailyHours, inHours, inRange } from "../calendar.js";
import type { KindFn } from "../types.js";
import { sessionTakenOut } from "../model.js";
import { ratio } from "./ratio.js";

/**
 * Ratings by `cardSentAt` in the window (and service hours, where given), robot ratings left out:
 * kuaishou `human_good_review_rate`, douyin `session_unsatisfied_rate`, jd `aftersale_satisfaction_rate`.
 * Value = ratings in `good` / ratings on the scale.
 */
export const ratingShare: KindFn<DefOf<"rating_share">> = ({ def, model, window }) => {
  const hours = def.params.serviceHours ? dailyHours(def.params.serviceHours) : undefined;
  let numerator = 0;
  let denominator = 0;
  for (const r of model.ratings) {
    if (r.robot || !inRange(r.cardSentAt, window) || sessionTakenOut(model, r.consumerId, r.cardSentAt)) continue;
    if (hours && !inHours(r.cardSentAt, hours)) continue;
    if (!def.params.ratings.includes(r.rating)) continue;
    denominator++;
    if (def.params.good.includes(r.rating)) numerator++;
  }
  return { value: ratio(numerator, denominator), numerator, denominator, wakeups: [] };
};
