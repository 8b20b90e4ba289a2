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
  | { rule: "extend_deadline"; metrics: "all" | readonly string[]; deadline: number; aftersaleKinds?: readonly string[] | undefined }
  | { rule: "exclude_regions"; metrics: "all" | readonly string[]; regions: readonly string[] }
);

export interface ReferenceCalendars {
  platforms?: Partial<Record<string, readonly ReferenceCalendarEntry[] | undefined>>;
  shops?: Record<string, readonly ReferenceCalendarEntry[] | undefined>;
}

/**
 * A metric's window with the moments the calendar suspends in it, the deadline of an item whose wait opens at
 * `open` (`base` the pack's; `kind` an after-sale's kind), and whether an order shipped from `from` to `to`
 * counting at `t` is left out by an excluded region.
 */
export type AssessedWindow = Range & {
  suspended?: (t: number) => boolean;
  deadline?: (open: number, base: number, kind?: string) => number;
  regionExcluded?: (t: number, from: string | undefined, to: string | undefined) => boolean;
};

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
  /** docs/calendars.md item 4: the deadline of an item whose wait opens at `open` (the pack's `base` if none). */
  deadline(open: number, base: number, kind?: string): number;
  /** Item 5: an order shipped from `from` to `to`, counting at `t`, is left out. */
  regionExcluded(t: number, from: string | undefined, to: string | undefined): boolean;
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
  /** Which rules change the metric's items besides suspensions (docs/calendars.md items 4, 5): its kind's. */
  changedBy: { extend: boolean; regions: boolean } = { extend: false, regions: false },
): MetricCalendar {
  const suspensions = (date: string) => (perBuyer ? [] : inForce(cal, shop.platform, shop.shopId, "suspend", metric, date));
  const stricter = inForce(cal, shop.platform, shop.shopId, "stricter", metric, dateOf(asOf))[0];
  const lines = stricter?.rule === "stricter" ? stricter.lines[metric] : undefined;
  return {
    suspended: (t) => suspensions(dateOf(t)).length > 0,
    deadline(open, base, kind) {
      // After the shop-over-platform precedence, an entry with aftersaleKinds covers only those kinds.
      for (const e of inForce(cal, shop.platform, shop.shopId, "extend_deadline", metric, dateOf(open)))
        if (e.rule === "extend_deadline" && (e.aftersaleKinds === undefined || (kind !== undefined && e.aftersaleKinds.includes(kind))))
          return e.deadline;
      return base;
    },
    regionExcluded(t, from, to) {
      const codes = [from, to].filter((c): c is string => c !== undefined);
      return inForce(cal, shop.platform, shop.shopId, "exclude_regions", metric, dateOf(t)).some(
        (e) => e.rule === "exclude_regions" && e.regions.some((r) => codes.some((c) => within(c, r))),
      );
    },
    lines,
    sampleIn(fromDate, toDate) {
      if (stricter?.sample === true) return true;
      const inForceOn = (e: ReferenceCalendarEntry, d: string): boolean =>
        e.rule === "suspend"
          ? suspensions(d).includes(e)
          : (e.rule === "extend_deadline" && changedBy.extend) || (e.rule === "exclude_regions" && changedBy.regions)
            ? inForce(cal, shop.platform, shop.shopId, e.rule, metric, d).includes(e)
            : false;
      for (const e of [...Object.values(cal?.platforms ?? {}), ...Object.values(cal?.shops ?? {})].flat()) {
        if (e === undefined || e.sample !== true) continue;
        // Each date the entry shares with the window: is it the entry in force there?
        const first = e.from > fromDate ? e.from : fromDate;
        const last = e.to < toDate ? e.to : toDate;
        for (let d = first; d <= last; d = nextDate(d)) if (inForceOn(e, d)) return true;
      }
      return false;
    },
  };
}

/** A code lies within a listed region: the same province (`42xxxx` in `420000`), city (`4201xx` in `420100`) or district. */
function within(code: string, listed: string): boolean {
  const level = listed.slice(2) === "0000" ? 2 : listed.slice(4) === "00" ? 4 : 6;
  return code.slice(0, level) === listed.slice(0, level);
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
