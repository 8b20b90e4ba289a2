import { coveringEntries, type ShopCalendar, type ShopCalendarEntry } from "./calendar-entries.js";

/**
 * The calendar rules that decide an item's outcome from its own facts (docs/calendars.md items 4 and 5):
 * `extend_deadline` (the item's deadline) and `exclude_regions` (whether the order is assessed at all). Unlike
 * `suspend`, which leaves whole days out at read time, these are applied where an item's contribution is
 * computed (incremental/contrib.ts), so a shop's records are recomputed when they change ("Status").
 * Pure functions of the shop's calendar.
 */

/** The kinds each rule applies to (and a start-up error names any other): `EXTENDABLE_KINDS`, `REGION_KINDS`. */
export { EXTENDABLE_KINDS, REGION_KINDS } from "@sg/rules";

/** The name of a metric of `pack` at `slot`, as calendars name it: an accounting pack's `name__7` is `name`. */
export function calendarName(key: string): string {
  return key.replace(/__\d+$/, "");
}

/**
 * The `extend_deadline` entry that gives an item of `metric` whose wait opens on `day` its deadline, or
 * undefined (the pack's deadline applies). After the shop-over-platform precedence, an entry listing
 * `aftersaleKinds` applies only to after-sales of those kinds (`kind` undefined: not an after-sale).
 */
export function extendingEntry(
  cal: ShopCalendar | undefined,
  metric: string,
  day: number,
  kind?: string,
): (ShopCalendarEntry & { entry: { rule: "extend_deadline"; deadline: number } }) | undefined {
  for (const c of coveringEntries(cal, "extend_deadline", metric, day)) {
    if (c.entry.rule !== "extend_deadline") continue;
    if (c.entry.aftersaleKinds !== undefined && (kind === undefined || !(c.entry.aftersaleKinds as readonly string[]).includes(kind)))
      continue;
    return c as ShopCalendarEntry & { entry: { rule: "extend_deadline"; deadline: number } };
  }
  return undefined;
}

/** The deadline of an item: the extending entry's, else the pack's `base` (both in ms). */
export function deadlineMs(cal: ShopCalendar | undefined, metric: string, day: number, base: number, kind?: string): number {
  return extendingEntry(cal, metric, day, kind)?.entry.deadline ?? base;
}

/**
 * Whether a listed region covers a code: a province (`420000`) covers the codes starting `42`, a city
 * (`420100`) those starting `4201`, a district (`420106`) itself.
 */
export function regionCovers(listed: string, code: string): boolean {
  if (listed.endsWith("0000")) return code.startsWith(listed.slice(0, 2));
  if (listed.endsWith("00")) return code.startsWith(listed.slice(0, 4));
  return code === listed;
}

/**
 * The `exclude_regions` entry that leaves out an order of `metric` counting on `day`, shipped from `from` to
 * `to`, or undefined. An order without regions is never excluded.
 */
export function excludingEntry(
  cal: ShopCalendar | undefined,
  metric: string,
  day: number,
  from: string | undefined,
  to: string | undefined,
): ShopCalendarEntry | undefined {
  if (cal === undefined || (from === undefined && to === undefined)) return undefined;
  return coveringEntries(cal, "exclude_regions", metric, day).find(
    (c) =>
      c.entry.rule === "exclude_regions" &&
      c.entry.regions.some((r) => (from !== undefined && regionCovers(r, from)) || (to !== undefined && regionCovers(r, to))),
  );
}

/**
 * The part of a shop's calendar that contributions read: its `extend_deadline` and `exclude_regions` entries, as
 * text. Stored with the shop's state; when it differs from the configuration's, the shop's contributions were
 * computed under another calendar and are recomputed (docs/calendars.md "Status"). "" when there are none.
 */
export function contributionFingerprint(cal: ShopCalendar | undefined): string {
  if (cal === undefined) return "";
  const used = cal.entries.filter((c) => c.entry.rule === "extend_deadline" || c.entry.rule === "exclude_regions");
  if (used.length === 0) return "";
  return JSON.stringify(used.map((c) => [c.level, c.fromDay, c.toDay, c.entry]));
}
