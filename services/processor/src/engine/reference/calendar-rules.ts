import { toShanghaiIso, type Platform } from "@sg/events";
import type { Range } from "../calendar.js";

/**
 * docs/calendars.md "What the engine must do", restated for the reference model from the document alone, on
 * Shanghai dates as text (`YYYY-MM-DD`, which order as days do). The configuration's `calendars` section is
 * taken in its parsed form, described here by its shape only.
 */

/** One entry of `calendars` as the configuration parses it (the rules the reference applies). */
export type ReferenceCalendarEntry = { name: string; from: string; to: string; sample?: boolean } & (
  | { rule: "suspend"; metrics: "all" | readonly string[] }
  | { rule: "stricter"; lines: Record<string, { threshold?: number | undefined; target?: number | undefined }> }
  | { rule: "extend_deadline" | "exclude_regions"; metrics: "all" | readonly string[] }
);

export interface ReferenceCalendars {
  platforms?: Partial<Record<string, readonly ReferenceCalendarEntry[] | undefined>>;
  shops?: Record<string, readonly ReferenceCalendarEntry[] | undefined>;
}

/** A metric's window with the moments the calendar suspends in it. */
export type AssessedWindow = Range & { suspended?: (t: number) => boolean };

const dateOf = (t: number) => toShanghaiIso(t).slice(0, 10);

/** The entries of one rule naming `metric` on `date`: the shop's own replace its platform's when any covers it. */
function inForce(
  cal: ReferenceCalendars | undefined,
  platform: Platform,
  shopId: string,
  rule: ReferenceCalendarEntry["rule"],
  metric: string,
  date: string,
): ReferenceCalendarEntry[] {
  const applies = (e: ReferenceCalendarEntry) =>
    e.rule === rule &&
    e.from <= date &&
    date <= e.to &&
    (e.rule === "stricter" ? Object.hasOwn(e.lines, metric) : e.metrics === "all" || e.metrics.includes(metric));
  const own = (cal?.shops?.[`${platform}:${shopId}`] ?? []).filter(applies);
  return own.length > 0 ? own : (cal?.platforms?.[platform] ?? []).filter(applies);
}

/** What the calendar does to one metric of one shop. */
export interface MetricCalendar {
  /** Whether an item whose moment is `t` is left out (suspended). */
  suspended(t: number): boolean;
  /** The stricter lines in force on asOf's date. */
  lines: { threshold?: number | undefined; target?: number | undefined } | undefined;
  /** Whether a `sample` entry applied: a suspension on a date of [fromDate, toDate], or lines in force. */
  sampleIn(fromDate: string, toDate: string): boolean;
}

/**
 * The calendar of one metric. `perBuyer`: the metric counts buyers over the window, not items on days, so a
 * suspension does not apply to it (metric-decisions.md "Calendars").
 */
export function metricCalendar(
  cal: ReferenceCalendars | undefined,
  shop: { platform: Platform; shopId: string },
  metric: string,
  asOf: number,
  perBuyer: boolean,
): MetricCalendar {
  const suspensions = (date: string) => (perBuyer ? [] : inForce(cal, shop.platform, shop.shopId, "suspend", metric, date));
  const stricter = inForce(cal, shop.platform, shop.shopId, "stricter", metric, dateOf(asOf))[0];
  const lines = stricter?.rule === "stricter" ? stricter.lines[metric] : undefined;
  return {
    suspended: (t) => suspensions(dateOf(t)).length > 0,
    lines,
    sampleIn(fromDate, toDate) {
      if (stricter?.sample === true) return true;
      for (const e of [...Object.values(cal?.platforms ?? {}), ...Object.values(cal?.shops ?? {})].flat()) {
        if (e === undefined || e.sample !== true || e.rule !== "suspend") continue;
        // Each date the entry shares with the window: is it the entry in force there?
        const first = e.from > fromDate ? e.from : fromDate;
        const last = e.to < toDate ? e.to : toDate;
        for (let d = first; d <= last; d = nextDate(d)) if (suspensions(d).includes(e)) return true;
      }
      return false;
    },
  };
}

function nextDate(date: string): string {
  const t = Date.parse(`${date}T12:00:00+08:00`) + 86_400_000;
  return dateOf(t);
}

/** A line made stricter: the higher of the two for a `min` metric, the lower for `max`; null is no line. */
export function stricterLine(direction: "min" | "max", own: number | null, calendar: number | undefined): number | null {
  if (calendar === undefined) return own;
  if (own === null) return calendar;
  return direction === "min" ? (calendar > own ? calendar : own) : calendar < own ? calendar : own;
}
