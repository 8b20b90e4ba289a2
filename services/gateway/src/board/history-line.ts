import { addDays, type DayEnd } from "@sg/events";

/**
 * What the board's tiles draw of a shop's daily history (docs/board.md "History line"): each metric's value at
 * the end of each of the last `HISTORY_LINE_DAYS` days, oldest first, read from the processor's end-of-day
 * values (docs/day-end-history.md). A day not taken is null (a gap in the line, never a zero). Only the values
 * travel; counts and statuses stay with the history API.
 */
export interface BoardHistory {
  /** The first and last day of the line (`to` is yesterday in Shanghai). */
  from: string;
  to: string;
  /** Metric name → one value per day from `from` to `to`. */
  metrics: Record<string, (number | null)[]>;
  /** The score's total per day, where the shop's pack has a score. */
  total?: (number | null)[];
}

/** Days a tile's line covers. */
export const HISTORY_LINE_DAYS = 30;

/** The line of the days `to − days + 1 … to` from the kept day-end values; null when no day of them is kept. */
export function boardHistory(kept: readonly DayEnd[], to: string, days = HISTORY_LINE_DAYS): BoardHistory | null {
  const from = addDays(to, -(days - 1));
  const index = new Map<string, number>();
  for (let i = 0; i < days; i++) index.set(addDays(from, i), i);
  const inRange = kept.filter((d) => index.has(d.day));
  if (inRange.length === 0) return null;
  const metrics: Record<string, (number | null)[]> = {};
  let total: (number | null)[] | undefined;
  for (const d of inRange) {
    const i = index.get(d.day)!;
    for (const [name, m] of Object.entries(d.metrics)) (metrics[name] ??= new Array<number | null>(days).fill(null))[i] = m.v;
    if (d.score !== undefined) (total ??= new Array<number | null>(days).fill(null))[i] = d.score.total;
  }
  return total === undefined ? { from, to, metrics } : { from, to, metrics, total };
}
