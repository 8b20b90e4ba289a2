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
  const soon = deadlines.filter((d) => d <= asOf + leadMs);
  if (soon.length === 0) return undefined;
  return { count: soon.length, soonest: Math.min(...soon), projected: project(soon.length) };
}

/** The wakeups a set of pending deadlines implies: the deadline itself and the moment it enters the lead time. */
export function deadlineWakeups(deadlines: number[], leadMs: number): number[] {
  return deadlines.flatMap((d) => (leadMs > 0 ? [d, d - leadMs] : [d]));
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
): Measured {
  const pendingDeadlines = pendingItems.map((p) => p.deadline);
  return {
    pendingItems,
    value: ratio(numerator, denominator),
    numerator,
    denominator,
    pending: pendingDeadlines.length,
    due: dueOf(pendingDeadlines, asOf, leadMs, (k) => ratio(numerator, denominator + k)),
    wakeups: deadlineWakeups(pendingDeadlines, leadMs),
  };
}
