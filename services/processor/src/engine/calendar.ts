import { SHANGHAI_OFFSET_MS } from "@sg/events";
import { hhmmMinutes } from "@sg/rules";

/** Calendar rules in Asia/Shanghai (UTC+08:00, no daylight saving); metrics.md "Windows and calendars". */

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Epoch ms of 00:00 Shanghai on the day containing `ms`. */
export function dayStart(ms: number): number {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY) * DAY - SHANGHAI_OFFSET_MS;
}

/** Minutes since 00:00 Shanghai. */
export function minuteOfDay(ms: number): number {
  return (ms - dayStart(ms)) / MINUTE;
}

/** Epoch ms of 00:00 Shanghai on the first day of the month containing `ms`. */
export function monthStart(ms: number): number {
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - SHANGHAI_OFFSET_MS;
}

export function nextMonthStart(ms: number): number {
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - SHANGHAI_OFFSET_MS;
}

/** What a shop's calendar does to one metric's items (calendar-window.ts, docs/calendars.md). */
export interface WindowCalendar {
  /** The moment's day is suspended for the metric: an item counting then is left out. */
  suspended(ms: number): boolean;
  /** The deadline (ms) of an item whose wait opens at `open`: an extension's, else `base` (the pack's). */
  deadline(open: number, base: number, kind?: string): number;
  /** An order shipped from `from` to `to`, counting at `at`, is left out by an excluded region. */
  regionExcluded(at: number, from: string | undefined, to: string | undefined): boolean;
}

/** A half-open interval `[start, end)` of epoch ms; a metric's window may carry its calendar. */
export interface Range {
  start: number;
  end: number;
  calendar?: WindowCalendar | undefined;
}

/** In the range, and not on a day its calendar suspends. */
export function inRange(ms: number, r: Range): boolean {
  return ms >= r.start && ms < r.end && r.calendar?.suspended(ms) !== true;
}

/**
 * The window of a metric at `asOf`: day = the Shanghai day of asOf; 30d = that day and the 29 before (90d:
 * the 89 before);
 * month = the Shanghai calendar month; now = everything up to asOf.
 */
export function windowRange(window: "day" | "30d" | "90d" | "month" | "now", asOf: number): Range {
  const d0 = dayStart(asOf);
  switch (window) {
    case "day":
      return { start: d0, end: d0 + DAY };
    case "30d":
      return { start: d0 - 29 * DAY, end: d0 + DAY };
    case "90d":
      return { start: d0 - 89 * DAY, end: d0 + DAY };
    case "month":
      return { start: monthStart(asOf), end: nextMonthStart(asOf) };
    case "now":
      return { start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY };
  }
}

/** Service hours `[HH:MM, HH:MM)` as minutes of the day. */
export interface DailyHours {
  from: number;
  to: number;
}

export function dailyHours([from, to]: readonly [string, string]): DailyHours {
  return { from: hhmmMinutes(from), to: hhmmMinutes(to) };
}

/** True when `ms` falls inside the service hours of its own Shanghai day. */
export function inHours(ms: number, h: DailyHours): boolean {
  const m = minuteOfDay(ms);
  return m >= h.from && m < h.to;
}

/**
 * Business time between a and b (a ≤ b): only the time inside `h` on each Shanghai day counts
 * (metrics.md "business time", JD 09:00–21:00).
 */
export function businessTime(a: number, b: number, h: DailyHours): number {
  if (b <= a) return 0;
  let total = 0;
  for (let d = dayStart(a); d < b; d += DAY) {
    const s = Math.max(a, d + h.from * MINUTE);
    const e = Math.min(b, d + h.to * MINUTE);
    if (e > s) total += e - s;
  }
  return total;
}

/** The moment at which `amount` of business time has passed since `a`. */
export function addBusinessTime(a: number, amount: number, h: DailyHours): number {
  let left = amount;
  let t = a;
  for (let d = dayStart(a); ; d += DAY) {
    const s = Math.max(t, d + h.from * MINUTE);
    const e = d + h.to * MINUTE;
    if (e > s) {
      if (e - s >= left) return s + left;
      left -= e - s;
    }
    t = d + DAY;
  }
}
