import type { ShopCalendar } from "../calendar-entries.js";
import type { RulePack } from "@sg/rules";
import { DAY, dayStart, HOUR } from "../calendar.js";
import { dayNumber } from "../incremental/contrib.js";
import { computeDelta, type StoredRecord } from "../incremental/delta.js";
import type { ShopAggregates } from "../incremental/measure.js";
import { parsePending } from "../incremental/step.js";

/**
 * What the forecast reads of a shop besides the aggregates of its current evaluation: the aggregates of every
 * day a forecast point's window covers, and the entities whose contribution changes by itself before the last
 * point (a pending item's deadline, a stall), with their stored records.
 */
export interface ForecastSource {
  /** Day number → `<metric>|<field>` → amount, for every day of forecastDays (missing: no aggregates). */
  days: ShopAggregates["days"];
  cur: ShopAggregates["cur"];
  pending: ShopAggregates["pending"];
  /** Entity key → its stored record and its timer, for timers at or before the last point. */
  timed: Map<string, { stored: StoredRecord; timer: number }>;
}

/** How the shop's state is accounted (accounting.ts): the pack it stores and what it keeps. */
export interface StoreAccounting {
  pack: RulePack;
  chatKeepDays?: number | undefined;
  closedKeepMs?: number | undefined;
}

/**
 * Roll-off: the aggregates as they would stand at `asOf` with no new event. Each entity whose timer is due by
 * then is recomputed at `asOf` from its stored record (the same computeDelta a timer pass runs), so a pending
 * item whose deadline passes counts as it will (missed), and an expired record leaves; every other entity's
 * contribution is unchanged, and the windows at `asOf` drop the days that left.
 */
export function rolledAggregates(src: ForecastSource, acc: StoreAccounting, asOf: number, cal?: ShopCalendar): ShopAggregates {
  const keys = [...src.timed].filter(([, t]) => t.timer <= asOf).map(([k]) => k);
  const days = new Map(src.days);
  const cur = { ...src.cur };
  let pending = src.pending;
  if (keys.length > 0) {
    const loaded = new Map([...src.timed].map(([k, t]) => [k, t.stored]));
    const delta = computeDelta(acc.pack, loaded, [], asOf, keys, acc.chatKeepDays, acc.closedKeepMs, cal);
    for (const [day, fields] of delta.agg) {
      const m = { ...days.get(day) };
      for (const [f, v] of fields) m[f] = String(Number(m[f] ?? 0) + v);
      days.set(day, m);
    }
    for (const [f, v] of delta.cur) cur[f] = String(Number(cur[f] ?? 0) + v);
    const member = (p: ShopAggregates["pending"][number]) => `${p.metric}|${p.day ?? "-"}|${p.extra ?? ""}|${p.key}`;
    pending = src.pending.filter((p) => !delta.pendDel.has(member(p)) || delta.pendAdd.has(member(p)));
    pending = pending.map((p) => ({ ...p, deadline: delta.pendAdd.get(member(p)) ?? p.deadline }));
    const present = new Set(src.pending.map(member));
    for (const [m, deadline] of delta.pendAdd) if (!present.has(m)) pending.push(parsePending(m, deadline));
  }
  const later = [...src.timed.values()].map((t) => t.timer).filter((t) => t > asOf);
  return { days, cur, pending, nextTimer: later.length === 0 ? undefined : Math.min(...later) };
}

/** The aggregate fields of items decided (counted, summed, bad): those "today's pace" continues. */
const PACED_FIELDS = new Set(["n", "d", "b", "v"]);

/** The pace is today's amounts over the time elapsed today, at least this long (a shop at 00:05 is not extrapolated from five minutes). */
export const MIN_PACE_ELAPSED_MS = HOUR;

/**
 * Today's pace: per aggregate field of the decided items (`n`, `d`, `b`, `v`), today's amount so far per
 * millisecond elapsed since today's 00:00 (at least MIN_PACE_ELAPSED_MS).
 */
export function todaysPace(src: ForecastSource, now: number): Map<string, number> {
  const today = src.days.get(dayNumber(now)) ?? {};
  const elapsed = Math.max(now - dayStart(now), MIN_PACE_ELAPSED_MS);
  const out = new Map<string, number>();
  for (const [f, v] of Object.entries(today)) {
    if (!PACED_FIELDS.has(f.slice(f.lastIndexOf("|") + 1))) continue;
    const amount = Number(v);
    if (amount !== 0) out.set(f, amount / elapsed);
  }
  return out;
}

/**
 * At today's pace: the roll-off aggregates at `asOf` plus, on every day from today to asOf's day, the pace
 * times that day's time still to come after `now` (the rest of today, then whole days).
 */
export function pacedAggregates(rolled: ShopAggregates, pace: ReadonlyMap<string, number>, now: number, asOf: number): ShopAggregates {
  if (pace.size === 0) return rolled;
  const days = new Map(rolled.days);
  for (let d = dayNumber(now); d <= dayNumber(asOf); d++) {
    const from = Math.max(now, dayStart(now) + (d - dayNumber(now)) * DAY);
    const to = dayStart(now) + (d - dayNumber(now) + 1) * DAY;
    const m = { ...days.get(d) };
    for (const [f, perMs] of pace) m[f] = String(Number(m[f] ?? 0) + perMs * (to - from));
    days.set(d, m);
  }
  return { ...rolled, days };
}
