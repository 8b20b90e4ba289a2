import type { DefOf } from "@sg/rules";
import { inRange } from "../calendar.js";
import type { KindFn } from "../types.js";
import { sessionTakenOut } from "../model.js";
import { ratio } from "./ratio.js";

/**
 * Mean of the ratings' points by `cardSentAt` in the window, robot ratings left out, a rating off the
 * pack's `scores` not counted: jd@2024 售后评价得分 (JD's five levels scored 5…1, over 90 days).
 */
export const ratingScoreMean: KindFn<DefOf<"rating_score_mean">> = ({ def, model, window }) => {
  let sum = 0;
  let n = 0;
  for (const r of model.ratings) {
    if (r.robot || !inRange(r.cardSentAt, window) || sessionTakenOut(model, r.consumerId, r.cardSentAt)) continue;
    const points = def.params.scores[r.rating];
    if (points === undefined) continue;
    sum += points;
    n++;
  }
  return { value: ratio(sum, n), numerator: sum, denominator: n, wakeups: [] };
};
