import { dayNumber } from "../incremental/contrib.js";
import { computeDelta, expireAt, type StoredRecord } from "../incremental/delta.js";
import type { StoreAccounting } from "./source.js";

/**
 * The roll-off's timed entities, incrementally (docs/forecast.md "Cost"). An entity whose timer falls before a
 * forecast point is recomputed at that point from its stored record, as a timer pass would (computeDelta).
 * Each entity's change at each point depends only on its stored record, its timer and the points, which are
 * the day-ends of today and the next six days: fixed for a whole Shanghai day. So a projection of one entity
 * is computed once (per record and per day) and kept; the change of the whole shop at each point is the sum
 * over its timed entities, kept as a sum and updated by the entities whose record or timer changed since the
 * last forecast. A forecast of a busy shop recomputes the few entities the last batch touched, not all.
 *
 * Per entity the points are computed in order, and an entity is recomputed at a point only when its timer (or
 * its expiry) after the last recomputation has come: between, its contribution does not change by itself
 * (the timers' premise, which the engine's own timer passes rest on), so the last change holds.
 */

/** One entity's change at one point, relative to its stored record: what computeDelta gives for it alone. */
export interface EntityChange {
  agg: Map<number, Map<string, number>>;
  cur: Map<string, number>;
  /** Pending members the change removes, and those it adds (or moves) with their deadline. */
  pendDel: Set<string>;
  pendAdd: Map<string, number>;
}

/** An entity's change at each point (undefined: its timer has not come by that point: no change). */
export type EntityProjection = (EntityChange | undefined)[];

/** The change of every timed entity at one point, summed: what the roll-off adds to the aggregates there. */
export interface PointChange {
  agg: Map<number, Map<string, number>>;
  cur: Map<string, number>;
  /** Pending member → new deadline, or null: the member leaves. Members are per entity, so never shared. */
  pend: Map<string, number | null>;
}

/** The change of one entity at each of `moments`, chained by its timers (see above). */
export function projectEntity(
  acc: StoreAccounting,
  key: string,
  stored: StoredRecord,
  timer: number,
  moments: readonly number[],
): EntityProjection {
  const out: EntityProjection = [];
  let next = timer;
  let last: EntityChange | undefined;
  const loaded = new Map([[key, stored]]);
  for (const asOf of moments) {
    if (next <= asOf) {
      const d = computeDelta(acc.pack, loaded, [], asOf, [key], acc.chatKeepDays, acc.closedKeepMs);
      last = { agg: d.agg, cur: d.cur, pendDel: d.pendDel, pendAdd: d.pendAdd };
      const rec = d.records.get(key);
      // Deleted (expired): nothing changes any more. Else the next timer, or the expiry when sooner.
      next = rec ? Math.min(d.timers.get(key) ?? Infinity, expireAt(key, rec.rec, acc.closedKeepMs)) : Infinity;
    }
    out.push(last);
  }
  return out;
}

function emptyPoint(): PointChange {
  return { agg: new Map(), cur: new Map(), pend: new Map() };
}

function addTo<K>(m: Map<K, number>, k: K, v: number): void {
  const x = (m.get(k) ?? 0) + v;
  if (x === 0) m.delete(k);
  else m.set(k, x);
}

/** Adds (sign 1) or removes (sign -1) one entity's change to a point's sum. */
function applyChange(p: PointChange, c: EntityChange, sign: 1 | -1): void {
  for (const [day, fields] of c.agg) {
    let m = p.agg.get(day);
    if (!m) p.agg.set(day, (m = new Map<string, number>()));
    for (const [f, v] of fields) addTo(m, f, sign * v);
    if (m.size === 0) p.agg.delete(day);
  }
  for (const [f, v] of c.cur) addTo(p.cur, f, sign * v);
  if (sign === 1) {
    for (const m of c.pendDel) if (!c.pendAdd.has(m)) p.pend.set(m, null);
    for (const [m, d] of c.pendAdd) p.pend.set(m, d);
  } else {
    for (const m of c.pendDel) p.pend.delete(m);
    for (const m of c.pendAdd.keys()) p.pend.delete(m);
  }
}

/** A timed entity as the forecast reads it: its stored record, its timer, and what identifies this version of it. */
export interface TimedEntity {
  stored: StoredRecord;
  timer: number;
  /** Equal (===) for the same stored version: the encoded record read from Redis, or the record object itself. */
  version: unknown;
}

/**
 * One shop's timed projections and their sums per point, for one forecast day and one accounting. update()
 * brings it to a new set of timed entities, recomputing only those whose version or timer changed.
 */
export class TimedProjections {
  private readonly entities = new Map<string, { version: unknown; timer: number; stored: StoredRecord; proj: EntityProjection }>();
  private points: PointChange[];
  constructor(
    readonly day: number,
    readonly acc: StoreAccounting,
    private readonly moments: readonly number[],
  ) {
    this.points = moments.map(emptyPoint);
  }

  /** Entities recomputed by the last update (the bench and the tests read it). */
  recomputed = 0;

  update(timed: ReadonlyMap<string, TimedEntity>): void {
    this.recomputed = 0;
    for (const [key, e] of this.entities) {
      const now = timed.get(key);
      if (now && now.version === e.version && now.timer === e.timer) continue;
      this.remove(e.proj);
      this.entities.delete(key);
    }
    for (const [key, t] of timed) {
      if (this.entities.has(key)) continue;
      const proj = projectEntity(this.acc, key, t.stored, t.timer, this.moments);
      this.recomputed++;
      this.entities.set(key, { version: t.version, timer: t.timer, stored: t.stored, proj });
      proj.forEach((c, k) => c && applyChange(this.points[k]!, c, 1));
    }
  }

  /** The stored record held for this version and timer of the entity, if any (so the caller need not decode it). */
  known(key: string, version: unknown, timer: number): StoredRecord | undefined {
    const e = this.entities.get(key);
    return e && e.version === version && e.timer === timer ? e.stored : undefined;
  }

  private remove(proj: EntityProjection): void {
    proj.forEach((c, k) => c && applyChange(this.points[k]!, c, -1));
  }

  /** The summed change at point k (read only). */
  at(k: number): PointChange {
    return this.points[k]!;
  }

  get size(): number {
    return this.entities.size;
  }
}

/** The day a set of projections belongs to: the Shanghai day of `now` (its points are that day's day-ends). */
export function projectionDay(now: number): number {
  return dayNumber(now);
}

/** At most this many shops' projections are kept (the least recently used leaves first). */
const MAX_KEPT_SHOPS = 10_000;

/**
 * The projections of the shops forecast lately, per shop (one process's memory: a shop that moves to another
 * instance starts afresh there). A shop's projections are reused while the day and the accounting are the same.
 */
export class ForecastProjections {
  private readonly kept = new Map<string, TimedProjections>();
  constructor(private readonly maxShops = MAX_KEPT_SHOPS) {}

  of(shopKey: string, now: number, acc: StoreAccounting, moments: readonly number[]): TimedProjections {
    const day = projectionDay(now);
    let p = this.kept.get(shopKey);
    this.kept.delete(shopKey);
    const same =
      p !== undefined &&
      p.day === day &&
      p.acc.pack === acc.pack &&
      p.acc.chatKeepDays === acc.chatKeepDays &&
      p.acc.closedKeepMs === acc.closedKeepMs;
    if (!same) p = new TimedProjections(day, acc, moments);
    this.kept.set(shopKey, p!);
    if (this.kept.size > this.maxShops) this.kept.delete(this.kept.keys().next().value!);
    return p!;
  }

  get size(): number {
    return this.kept.size;
  }
}
