import type { RulePack } from "@sg/rules";
import { DAY, dayStart, windowRange } from "../calendar.js";
import { dayNumber } from "../incremental/contrib.js";

/** The forecast's horizon: the day-ends of today and the next six days (docs/forecast.md). */
export const FORECAST_DAYS = 7;

/**
 * The moment each forecast point is taken at: the last instant of day T+k (T: the day of `now`), as the
 * day-end history takes a day (docs/day-end-history.md), so a projected point continues the history line.
 */
export function pointAsOf(now: number, k: number): number {
  return dayStart(now) + (k + 1) * DAY - 1;
}

export function forecastMoments(now: number): number[] {
  return Array.from({ length: FORECAST_DAYS }, (_, k) => pointAsOf(now, k));
}

/** The last forecastDays answer per pack: the same for a whole Shanghai day (its points are that day's day-ends). */
const daysMemo = new WeakMap<RulePack, { day: number; days: readonly number[] }>();

/** Every day number a window of the pack covers at any forecast point (the days the forecast must read). */
export function forecastDays(pack: RulePack, now: number): readonly number[] {
  const day = dayNumber(now);
  const memo = daysMemo.get(pack);
  if (memo?.day === day) return memo.days;
  const days = coveredDays(pack, now);
  daysMemo.set(pack, { day, days });
  return days;
}

function coveredDays(pack: RulePack, now: number): number[] {
  const out = new Set<number>();
  for (const asOf of forecastMoments(now))
    for (const def of Object.values(pack.metrics)) {
      const w = windowRange(def.window, asOf);
      if (!Number.isFinite(w.start)) continue;
      for (let d = dayNumber(w.start); d <= dayNumber(w.end - 1); d++) out.add(d);
    }
  return [...out].sort((a, b) => a - b);
}
