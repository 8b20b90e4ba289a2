import type { RulePack } from "@sg/rules";
import { DAY, dayStart, HOUR } from "../calendar.js";
import { dayNumber } from "../incremental/contrib.js";
import type { ShopAggregates } from "../incremental/measure.js";
import { parsePending } from "../incremental/step.js";
import type { PointChange, TimedEntity } from "./timed.js";

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
  /**
   * Entity key → its stored record, its timer and its version (timed.ts), for timers at or before the last
   * point; undefined: the kept projections are current already (forecast-reader.ts brought them up to date
   * from the entities written since they were read).
   */
  timed: ReadonlyMap<string, TimedEntity> | undefined;
}

/** How the shop's state is accounted (accounting.ts): the pack it stores and what it keeps. */
export interface StoreAccounting {
  pack: RulePack;
  chatKeepDays?: number | undefined;
  closedKeepMs?: number | undefined;
}

/**
 * Roll-off: the aggregates as they would stand at `asOf` with no new event: the aggregates now plus the
 * summed change of the timed entities at that point (timed.ts: each entity whose timer is due by then
 * recomputed from its stored record, as a timer pass would, so a pending item whose deadline passes counts as
 * it will, missed, and an expired record leaves); every other entity's contribution is unchanged, and the
 * windows at `asOf` drop the days that left.
 */
export function rolledAggregates(src: ForecastSource, change: PointChange, asOf: number): ShopAggregates {
  let days = src.days;
  let cur = src.cur;
  let pending = src.pending;
  if (change.agg.size > 0) {
    days = new Map(src.days);
    for (const [day, fields] of change.agg) {
      const m = { ...days.get(day) };
      for (const [f, v] of fields) m[f] = String(Number(m[f] ?? 0) + v);
      days.set(day, m);
    }
  }
  if (change.cur.size > 0) {
    cur = { ...src.cur };
    for (const [f, v] of change.cur) cur[f] = String(Number(cur[f] ?? 0) + v);
  }
  if (change.pend.size > 0) {
    const member = (p: ShopAggregates["pending"][number]) => `${p.metric}|${p.day ?? "-"}|${p.extra ?? ""}|${p.key}`;
    const present = new Set<string>();
    pending = [];
    for (const p of src.pending) {
      const m = member(p);
      present.add(m);
      const to = change.pend.get(m);
      if (to === undefined) pending.push(p);
      else if (to !== null) pending.push({ ...p, deadline: to });
    }
    for (const [m, deadline] of change.pend) if (deadline !== null && !present.has(m)) pending.push(parsePending(m, deadline));
  }
  let nextTimer: number | undefined;
  for (const t of src.timed?.values() ?? []) if (t.timer > asOf && (nextTimer === undefined || t.timer < nextTimer)) nextTimer = t.timer;
  return { days, cur, pending, nextTimer };
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
  const today = src.days.get(dayNumber(now));
  const elapsed = Math.max(now - dayStart(now), MIN_PACE_ELAPSED_MS);
  const out = new Map<string, number>();
  if (today === undefined) return out;
  const { fields, amounts } = pacedAmounts(today);
  for (let i = 0; i < fields.length; i++) out.set(fields[i]!, amounts[i]! / elapsed);
  return out;
}

/** A day record's paced fields with an amount other than 0, in its field order: listed once per record (a frozen record is read by many forecasts). */
const pacedOf = new WeakMap<Record<string, string>, { fields: string[]; amounts: number[] }>();

function pacedAmounts(rec: Record<string, string>): { fields: string[]; amounts: number[] } {
  let p = pacedOf.get(rec);
  if (p === undefined) {
    p = { fields: [], amounts: [] };
    for (const f in rec) {
      if (!PACED_FIELDS.has(f.slice(f.lastIndexOf("|") + 1))) continue;
      const amount = Number(rec[f]);
      if (amount !== 0) {
        p.fields.push(f);
        p.amounts.push(amount);
      }
    }
    pacedOf.set(rec, p);
  }
  return p;
}

/** Paced day records by the record they were made from and the day (pacedAggregates). */
export type PacedMemo = Map<Record<string, string> | undefined, Map<number, Record<string, string>>>;

/**
 * At today's pace: the roll-off aggregates at `asOf` plus, on every day from today to asOf's day, the pace
 * times that day's time still to come after `now` (the rest of today, then whole days). `memo` (one per
 * forecast) keeps each paced day record by the record it was made from: most days' records are the same
 * object at every point (the timed entities changed none of them), so each is made once, not once per point.
 */
export function pacedAggregates(
  rolled: ShopAggregates,
  pace: ReadonlyMap<string, number>,
  now: number,
  asOf: number,
  memo: PacedMemo = new Map(),
): ShopAggregates {
  if (pace.size === 0) return rolled;
  const days = new Map(rolled.days);
  for (let d = dayNumber(now); d <= dayNumber(asOf); d++) {
    const from = Math.max(now, dayStart(now) + (d - dayNumber(now)) * DAY);
    const to = dayStart(now) + (d - dayNumber(now) + 1) * DAY;
    const base = days.get(d);
    let byDay = memo.get(base);
    if (!byDay) memo.set(base, (byDay = new Map<number, Record<string, string>>()));
    let m = byDay.get(d);
    if (!m) {
      m = { ...base };
      for (const [f, perMs] of pace) m[f] = String(Number(m[f] ?? 0) + perMs * (to - from));
      byDay.set(d, m);
    }
    days.set(d, m);
  }
  return { ...rolled, days };
}
