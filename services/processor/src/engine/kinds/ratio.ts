import type { Measured, PendingItem } from "../types.js";

/** Helpers shared by ratio kinds. */

export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/**
 * `due` for a ratio whose pending items, once bad, add to the denominator only (min metrics) or to both
 * (max metrics). `deadlines` are the deadlines of pending items.
 */
export function dueOf(deadlines: number[], asOf: number, leadMs: number, project: (k: number) => number | null): Measured["due"] {
  // One pass, no copy: the forecast's points measure hundreds of deadlines 14 times (docs/forecast.md "Cost").
  let count = 0;
  let soonest = Infinity;
  for (let i = 0; i < deadlines.length; i++) {
    const d = deadlines[i]!;
    if (d <= asOf + leadMs) {
      count++;
      if (d < soonest) soonest = d;
    }
  }
  if (count === 0) return undefined;
  return { count, soonest, projected: project(count) };
}

/** The wakeups a set of pending deadlines implies: the deadline itself and the moment it enters the lead time. */
export function deadlineWakeups(deadlines: number[], leadMs: number): number[] {
  // A loop, not a flatMap of pairs: no array per deadline (a busy shop has hundreds, docs/forecast.md "Cost").
  if (!(leadMs > 0)) return deadlines.slice();
  const out: number[] = [];
  for (let i = 0; i < deadlines.length; i++) out.push(deadlines[i]!, deadlines[i]! - leadMs);
  return out;
}

/**
 * A ratio whose pending items, once decided bad, add to the denominator only (a good/all rate):
 * pickups, JD sessions, JD business-time reviews.
 */
export function rateWithPending(
  numerator: number,
  denominator: number,
  pendingItems: PendingItem[],
  asOf: number,
  leadMs: number,
  /** The items' deadlines and wakeups when the caller has them (measure.ts: the forecast's points share them). */
  pendingDeadlines = pendingItems.map((p) => p.deadline),
  wakeups = deadlineWakeups(pendingDeadlines, leadMs),
): Measured {
  return {
    pendingItems,
    value: ratio(numerator, denominator),
    numerator,
    denominator,
    pending: pendingDeadlines.length,
    due: dueOf(pendingDeadlines, asOf, leadMs, (k) => ratio(numerator, denominator + k)),
    wakeups,
  };
}
