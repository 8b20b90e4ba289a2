import { DAY, dayStart } from "../calendar.js";
import { dayNumber } from "../incremental/contrib.js";
import type { DayAmounts, DayColumn, ShopAggregates } from "../incremental/measure.js";
import { fieldsOf, SCORE_DAY_FIELD_PREFIX } from "../incremental/score-records.js";
import type { PointChange } from "./timed.js";

/**
 * The forecast's day aggregates as numbers (docs/forecast.md "Cost"): each field's amount per day, parsed once
 * per forecast from the day records and shared by its 14 evaluations, instead of a copy of the touched day
 * records per point and a re-parse of every string at every sum. A point's roll-off and paced amounts are
 * overlays that copy only the columns their changes touch.
 *
 * Exactness: each amount is the same double the record path (source.ts rolledAggregates / pacedAggregates)
 * writes as a string and evaluateAggregates parses back (a number's String round-trips exactly): the stored
 * amount, plus at most one timed change, plus at most one paced amount, added in that order. Sums read the
 * days in the same order (measure.ts), a missing amount adding 0 as a missing field does.
 */

/** The day range every column of one forecast covers (inclusive); reads outside it are 0 (no amount). */
export interface DayRange {
  from: number;
  to: number;
}

/** The columns of the stored day records, each built on its first read. */
export class StoredColumns implements DayAmounts {
  private readonly cols = new Map<string, DayColumn | null>();
  /** The stored days as an array (each column walks them all: cheaper than the Map's iterator). */
  private readonly days: [number, Record<string, string>][];
  constructor(
    days: ReadonlyMap<number, Record<string, string>>,
    readonly range: DayRange,
  ) {
    this.days = [...days];
  }

  column(field: string): DayColumn | undefined {
    let c = this.cols.get(field);
    if (c === undefined) {
      let v: Float64Array | undefined;
      for (let i = 0; i < this.days.length; i++) {
        const [d, rec] = this.days[i]!;
        const x = rec[field];
        if (x === undefined) continue;
        v ??= new Float64Array(this.range.to - this.range.from + 1);
        v[d - this.range.from] = Number(x);
      }
      c = v ? { from: this.range.from, v } : null;
      this.cols.set(field, c);
    }
    return c ?? undefined;
  }
}

/** `base`'s column (zeros when it has none) copied into `out`, to add amounts to. */
function fill(out: Float64Array, base: DayColumn | undefined): Float64Array {
  if (base) out.set(base.v);
  else out.fill(0);
  return out;
}

/**
 * The roll-off at one point: the stored amounts plus the timed entities' summed change there (timed.ts). A
 * column the change touches is made in one buffer per point, overwritten by the next such read: each sum
 * reads its column before the next (measure.ts), so a point makes no copy per field (docs/forecast.md "Cost").
 */
export class RolledColumns implements DayAmounts {
  /** Field → day, amount; repeated (each day at most once: a point's change is one sum per day and field). */
  private readonly changes = new Map<string, number[]>();
  private readonly out: DayColumn;
  constructor(
    private readonly base: DayAmounts,
    change: PointChange,
    private readonly range: DayRange,
  ) {
    for (const [day, fields] of change.agg)
      for (const [f, v] of fields) {
        let l = this.changes.get(f);
        if (!l) this.changes.set(f, (l = []));
        l.push(day, v);
      }
    this.out = { from: range.from, v: new Float64Array(range.to - range.from + 1) };
  }

  column(field: string): DayColumn | undefined {
    const l = this.changes.get(field);
    if (!l) return this.base.column(field);
    const v = fill(this.out.v, this.base.column(field));
    for (let i = 0; i < l.length; i += 2) v[l[i]! - this.range.from] = v[l[i]! - this.range.from]! + l[i + 1]!;
    return this.out;
  }
}

/**
 * At today's pace (source.ts pacedAggregates): the roll-off amounts at `asOf` plus, for each paced field, the
 * pace times each day's time still to come after `now`, from today to asOf's day. A paced column is made in
 * one buffer per point, as RolledColumns makes its columns.
 */
export class PacedColumns implements DayAmounts {
  private readonly out: DayColumn;
  constructor(
    private readonly rolled: DayAmounts,
    private readonly pace: ReadonlyMap<string, number>,
    private readonly now: number,
    private readonly asOf: number,
    private readonly range: DayRange,
  ) {
    this.out = { from: range.from, v: new Float64Array(range.to - range.from + 1) };
  }

  column(field: string): DayColumn | undefined {
    const perMs = this.pace.get(field);
    if (perMs === undefined) return this.rolled.column(field);
    const v = fill(this.out.v, this.rolled.column(field));
    const today = dayNumber(this.now);
    for (let d = today; d <= dayNumber(this.asOf); d++) {
      const from = Math.max(this.now, dayStart(this.now) + (d - today) * DAY);
      const to = dayStart(this.now) + (d - today + 1) * DAY;
      v[d - this.range.from] = v[d - this.range.from]! + perMs * (to - from);
    }
    return this.out;
  }
}

/**
 * The days the forecast's columns cover: every stored day, today to the last point's day, and every day a
 * timed change touches.
 */
export function columnRange(days: ReadonlyMap<number, unknown>, now: number, lastPoint: number, changes: readonly PointChange[]): DayRange {
  let from = dayNumber(now);
  let to = dayNumber(lastPoint);
  const cover = (d: number) => {
    if (d < from) from = d;
    if (d > to) to = d;
  };
  for (const d of days.keys()) cover(d);
  for (const c of changes) for (const d of c.agg.keys()) cover(d);
  return { from, to };
}

/**
 * The score's deduction fields of the day records (score-records.ts scoreFactsOfAggregates reads them by
 * name, in each record's field order): the stored records' deduction fields only, then, as the record path
 * changes them, a point's timed change and today's pace, in the same order. Empty for a pack without
 * deductions (the facts read no day then).
 */
export class DeductionDays {
  private readonly stored = new Map<number, Record<string, string>>();
  constructor(
    days: ReadonlyMap<number, Record<string, string>>,
    readonly wanted: boolean,
  ) {
    if (!wanted) return;
    for (const [d, rec] of days) {
      let m: Record<string, string> | undefined;
      // The record's deduction fields in its order (listed once per frozen record, score-records.ts fieldsOf).
      for (const f of fieldsOf(rec, SCORE_DAY_FIELD_PREFIX, false)) (m ??= {})[f] = rec[f]!;
      if (m) this.stored.set(d, m);
    }
  }

  /** Per point's change, its deduction fields (day, field, amount; repeated, in the change's order), listed once. */
  private readonly touched = new Map<PointChange, (number | string)[]>();

  private deductionChanges(change: PointChange): (number | string)[] {
    let l = this.touched.get(change);
    if (!l) {
      const out: (number | string)[] = [];
      // forEach, not for-of over entries: no entry array per field (a point's change has hundreds).
      change.agg.forEach((fields, day) =>
        fields.forEach((v, f) => {
          if (f.startsWith(SCORE_DAY_FIELD_PREFIX)) out.push(day, f, v);
        }),
      );
      this.touched.set(change, (l = out));
    }
    return l;
  }

  /** The paced deduction fields, listed once per pace (the same at every point of a forecast). */
  private paced: { pace: ReadonlyMap<string, number>; fields: [string, number][] } | undefined;

  private pacedFields(pace: ReadonlyMap<string, number>): [string, number][] {
    if (this.paced?.pace !== pace) {
      const fields: [string, number][] = [];
      // forEach, not a spread: no entry array per paced field (most are not deductions).
      pace.forEach((perMs, f) => {
        if (f.startsWith(SCORE_DAY_FIELD_PREFIX)) fields.push([f, perMs]);
      });
      this.paced = { pace, fields };
    }
    return this.paced.fields;
  }

  /** The deduction fields at a point of the roll-off (`change`) and, with `pace`, of today's pace. */
  at(change: PointChange, paced?: { pace: ReadonlyMap<string, number>; now: number; asOf: number }): ShopAggregates["days"] {
    if (!this.wanted) return this.stored;
    let days = this.stored;
    const l = this.deductionChanges(change);
    for (let i = 0; i < l.length; i += 3) {
      const day = l[i] as number;
      const f = l[i + 1] as string;
      if (days === this.stored) days = new Map(this.stored);
      const m = { ...days.get(day) };
      m[f] = String(Number(m[f] ?? 0) + (l[i + 2] as number));
      days.set(day, m);
    }
    if (!paced) return days;
    const fields = this.pacedFields(paced.pace);
    if (fields.length === 0) return days;
    days = new Map(days);
    const today = dayNumber(paced.now);
    for (let d = today; d <= dayNumber(paced.asOf); d++) {
      const from = Math.max(paced.now, dayStart(paced.now) + (d - today) * DAY);
      const to = dayStart(paced.now) + (d - today + 1) * DAY;
      const m = { ...days.get(d) };
      for (const [f, perMs] of fields) m[f] = String(Number(m[f] ?? 0) + perMs * (to - from));
      days.set(d, m);
    }
    return days;
  }
}
