import type { Platform } from "@sg/events";
import type { CalendarEntry, CalendarRule, Calendars } from "@sg/config";
import { EXTENDABLE_KINDS, REGION_KINDS, type MetricKind } from "@sg/rules";
import { DAY } from "./calendar.js";

/**
 * A shop's calendar (docs/calendars.md "What the engine must do"): the configuration's entries that apply to
 * one shop, its own first, then its platform's, with their days as Shanghai day numbers. The engine reads it
 * at each evaluation, so a changed calendar changes results from the next evaluation on, as if it had always
 * been so: `suspend` removes whole days of a metric's per-day aggregates (measure.ts), `stricter` changes the
 * lines (evaluate.ts). Pure functions of the configuration; the evidence API asks `leftOutBy` why an item is
 * left out.
 */

/** One entry as the engine reads it: where it sits in the configuration, and its days as day numbers. */
export interface ShopCalendarEntry {
  /** Its path in the configuration, `calendars.platforms.jd[0]` or `calendars.shops["douyin:s1"][2]`. */
  path: string;
  /** Whose list it is in: a shop's entry replaces its platform's for the same rule, metric and day. */
  level: "shop" | "platform";
  entry: CalendarEntry;
  fromDay: number;
  toDay: number;
}

/** The entries that apply to one shop: its own, then its platform's. */
export interface ShopCalendar {
  entries: readonly ShopCalendarEntry[];
}

/** The Shanghai day number of `YYYY-MM-DD` (the day numbers of contrib.ts `dayNumber`). */
export function dayOfDate(date: string): number {
  // Shanghai midnight is UTC midnight minus the offset: its Shanghai day number is the UTC date's.
  return Date.parse(`${date}T00:00:00Z`) / DAY;
}

const cache = new WeakMap<Calendars, Map<string, ShopCalendar | undefined>>();

/** The shop's calendar, or undefined when no entry applies to it (the engine then reads no calendar). */
export function shopCalendar(calendars: Calendars | undefined, platform: Platform, shopId: string): ShopCalendar | undefined {
  if (calendars === undefined) return undefined;
  let perShop = cache.get(calendars);
  if (!perShop) cache.set(calendars, (perShop = new Map<string, ShopCalendar | undefined>()));
  const key = `${platform}:${shopId}`;
  if (perShop.has(key)) return perShop.get(key);
  const entries: ShopCalendarEntry[] = [];
  const add = (list: readonly CalendarEntry[] | undefined, at: string, level: ShopCalendarEntry["level"]) =>
    (list ?? []).forEach((entry, i) =>
      entries.push({ path: `${at}[${i}]`, level, entry, fromDay: dayOfDate(entry.from), toDay: dayOfDate(entry.to) }),
    );
  add(calendars.shops?.[key], `calendars.shops[${JSON.stringify(key)}]`, "shop");
  add(calendars.platforms?.[platform], `calendars.platforms.${platform}`, "platform");
  const cal = entries.length > 0 ? { entries } : undefined;
  perShop.set(key, cal);
  return cal;
}

function names(e: CalendarEntry, metric: string): boolean {
  if (e.rule === "stricter") return metric in e.lines;
  return e.metrics === "all" || e.metrics.includes(metric);
}

/**
 * The entries of `rule` that cover `metric` on `day`: the shop's own if any of them does (they replace the
 * platform's for that rule, metric and day), else the platform's.
 */
export function coveringEntries(cal: ShopCalendar | undefined, rule: CalendarRule, metric: string, day: number): ShopCalendarEntry[] {
  if (cal === undefined) return [];
  const covering = cal.entries.filter((c) => c.entry.rule === rule && c.fromDay <= day && day <= c.toDay && names(c.entry, metric));
  return covering.some((c) => c.level === "shop") ? covering.filter((c) => c.level === "shop") : covering;
}

/** The `suspend` entry that covers `metric` on `day`, if any (the first of the list that applies). */
export function suspendingEntry(cal: ShopCalendar | undefined, metric: string, day: number): ShopCalendarEntry | undefined {
  return coveringEntries(cal, "suspend", metric, day)[0];
}

/**
 * Why an item of `metric` counting on `day` is left out by the calendar, for the evidence API
 * (`leftOut: {by: "calendar", …}`), or undefined when no entry leaves it out.
 */
export function leftOutBy(
  cal: ShopCalendar | undefined,
  metric: string,
  day: number,
): { by: "calendar"; entry: string; name: string; rule: "suspended" } | undefined {
  const c = suspendingEntry(cal, metric, day);
  return c === undefined ? undefined : { by: "calendar", entry: c.path, name: c.entry.name, rule: "suspended" };
}

/**
 * Kinds a suspension does not apply to: `buyer_reply_rate` counts each buyer once over the window from all their
 * rounds, so a day of it is not a set of items (metric-decisions.md "Calendars").
 */
export const UNSUSPENDED_KINDS: ReadonlySet<MetricKind> = new Set(["buyer_reply_rate"]);

/**
 * A predicate "is `metric` suspended on this day" for one evaluation, memoised per day (an evaluation asks
 * about each day of a window once per field); undefined when no suspension names the metric at all.
 */
export function suspendedDays(cal: ShopCalendar | undefined, metric: string, kind: MetricKind): ((day: number) => boolean) | undefined {
  if (UNSUSPENDED_KINDS.has(kind)) return undefined;
  if (cal === undefined || !cal.entries.some((c) => c.entry.rule === "suspend" && names(c.entry, metric))) return undefined;
  const memo = new Map<number, boolean>();
  return (day) => {
    let v = memo.get(day);
    if (v === undefined) memo.set(day, (v = suspendingEntry(cal, metric, day) !== undefined));
    return v;
  };
}

/** The `stricter` lines in force for `metric` on `day` (one entry at most: overlaps are a start-up error). */
export function stricterLines(
  cal: ShopCalendar | undefined,
  metric: string,
  day: number,
): { threshold?: number | undefined; target?: number | undefined; entry: ShopCalendarEntry } | undefined {
  const c = coveringEntries(cal, "stricter", metric, day)[0];
  if (c === undefined || c.entry.rule !== "stricter") return undefined;
  return { ...c.entry.lines[metric], entry: c };
}

/** The stricter of a line and the calendar's: higher for a `min` metric, lower for a `max` one; null is no line. */
export function stricterOf(direction: "min" | "max", line: number | null, calendar: number | undefined): number | null {
  if (calendar === undefined) return line;
  if (line === null) return calendar;
  return direction === "min" ? Math.max(line, calendar) : Math.min(line, calendar);
}

/**
 * Whether an entry marked `sample` changes `metric` in an evaluation whose window spans `fromDay..toDay` at
 * `asOfDay`: a sample suspension, deadline extension or excluded region in force on a day of the window (the
 * latter two for the kinds they apply to), or sample stricter lines in force on asOf's day (docs/calendars.md
 * item 7; metric-decisions.md "Calendars").
 */
export function sampleChanges(
  cal: ShopCalendar | undefined,
  metric: string,
  kind: MetricKind,
  days: { from: number; to: number; asOf: number },
): boolean {
  const { from: fromDay, to: toDay, asOf: asOfDay } = days;
  if (cal === undefined || !cal.entries.some((c) => c.entry.sample)) return false;
  if (stricterLines(cal, metric, asOfDay)?.entry.entry.sample === true) return true;
  // The rules that change this kind's items: a suspension, a deadline extension, an excluded region.
  const rules = (["suspend", "extend_deadline", "exclude_regions"] as const).filter((r) =>
    r === "suspend" ? !UNSUSPENDED_KINDS.has(kind) : r === "extend_deadline" ? EXTENDABLE_KINDS.has(kind) : REGION_KINDS.has(kind),
  );
  for (let d = Math.max(fromDay, firstDay(cal)); d <= Math.min(toDay, lastDay(cal)); d++) {
    for (const r of rules) if (coveringEntries(cal, r, metric, d).some((c) => c.entry.sample)) return true;
  }
  return false;
}

const firstDay = (cal: ShopCalendar) => Math.min(...cal.entries.map((c) => c.fromDay));
const lastDay = (cal: ShopCalendar) => Math.max(...cal.entries.map((c) => c.toDay));
