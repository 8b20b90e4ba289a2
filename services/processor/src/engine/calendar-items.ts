import { createHash } from "node:crypto";
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
 * text ("" when there are none). A record's contribution is stored with the tag of the calendar it was computed
 * under, and the shop keeps each tag's fingerprint, so a changed calendar is applied exactly: the old
 * contribution is subtracted under the calendar that added it (docs/calendars.md "Status").
 */
export function contributionFingerprint(cal: ShopCalendar | undefined): string {
  if (cal === undefined) return "";
  let f = fingerprints.get(cal);
  if (f === undefined) {
    const used = cal.entries.filter((c) => c.entry.rule === "extend_deadline" || c.entry.rule === "exclude_regions");
    fingerprints.set(cal, (f = used.length === 0 ? "" : JSON.stringify(used)));
  }
  return f;
}

/** A shop's calendar is built once per configuration (calendar-entries.ts `shopCalendar`): its fingerprint too. */
const fingerprints = new WeakMap<ShopCalendar, string>();
const tags = new Map<string, string>();

/** The tag of a fingerprint: 12 hex digits of its SHA-256 ("" for none). */
export function calendarTag(fingerprint: string): string {
  if (fingerprint === "") return "";
  let t = tags.get(fingerprint);
  if (t === undefined) {
    t = createHash("sha256").update(fingerprint).digest("hex").slice(0, 12);
    // Bounded: a process sees its configuration's few calendars, and those stored records name.
    if (tags.size > 1_000) tags.clear();
    tags.set(fingerprint, t);
  }
  return t;
}

/** The calendar a fingerprint describes (its deadline extensions and excluded regions; all contributions read). */
export function calendarOfFingerprint(fingerprint: string): ShopCalendar | undefined {
  return fingerprint === "" ? undefined : { entries: JSON.parse(fingerprint) as ShopCalendarEntry[] };
}

/**
 * The calendars a shop's contributions are computed under: the current one (and its tag) for new contributions,
 * and every tag its stored records may carry, for the old ones.
 */
export interface ContribCalendars {
  current: ShopCalendar | undefined;
  tag: string;
  fingerprint: string;
  known: ReadonlyMap<string, ShopCalendar | undefined>;
}

/** The shop's calendars from its current calendar and the fingerprints of past ones (tag → fingerprint). */
export function contribCalendars(current: ShopCalendar | undefined, past: Iterable<[string, string]> = []): ContribCalendars {
  const fingerprint = contributionFingerprint(current);
  const tag = calendarTag(fingerprint);
  const known = new Map<string, ShopCalendar | undefined>([["", undefined]]);
  for (const [t, f] of past) known.set(t, calendarOfFingerprint(f));
  known.set(tag, current);
  return { current, tag, fingerprint, known };
}

/** The calendar a stored record's contribution was computed under (its tag; none: no calendar). */
export function calendarUsed(c: ContribCalendars, tag: string | undefined): ShopCalendar | undefined {
  const t = tag ?? "";
  if (!c.known.has(t)) throw new Error(`a record was computed under calendar ${t}, which the shop does not know`);
  return c.known.get(t);
}
