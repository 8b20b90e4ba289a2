import { dayNumber } from "../incremental/contrib.js";
import type { ShopCalendar } from "../calendar-entries.js";
import { contributionFingerprint } from "../calendar-items.js";
import { computeDelta, expireAt, type ShopDelta, type StoredRecord } from "../incremental/delta.js";
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

/**
 * One entity's change at one point, relative to its stored record: what computeDelta gives for it alone,
 * kept flat (a busy shop keeps hundreds of them per point, and Maps cost several times their entries).
 */
export interface EntityChange {
  /** Day-aggregate deltas: day, `<metric>|<field>`, amount; repeated. */
  agg: readonly (number | string)[];
  /** `now`-aggregate deltas: field, amount; repeated. */
  cur: readonly (number | string)[];
  /** Pending members: member, new deadline (added or moved) or null (removed); repeated. */
  pend: readonly (string | number | null)[];
}

const NONE: readonly never[] = [];

/** The flat form of one entity's computeDelta. */
export function entityChange(d: Pick<ShopDelta, "agg" | "cur" | "pendDel" | "pendAdd">): EntityChange {
  const agg: (number | string)[] = [];
  for (const [day, fields] of d.agg) for (const [f, v] of fields) agg.push(day, f, v);
  const cur: (number | string)[] = [];
  for (const [f, v] of d.cur) cur.push(f, v);
  const pend: (string | number | null)[] = [];
  for (const m of d.pendDel) if (!d.pendAdd.has(m)) pend.push(m, null);
  for (const [m, deadline] of d.pendAdd) pend.push(m, deadline);
  return { agg: agg.length ? agg : NONE, cur: cur.length ? cur : NONE, pend: pend.length ? pend : NONE };
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
  /** The shop's calendar (its deadline extensions and excluded regions decide items, as in a timer pass). */
  cal?: ShopCalendar,
): EntityProjection {
  const out: EntityProjection = [];
  let next = timer;
  let last: EntityChange | undefined;
  const loaded = new Map([[key, stored]]);
  for (const asOf of moments) {
    if (next <= asOf) {
      const d = computeDelta(acc.pack, loaded, [], asOf, [key], acc.chatKeepDays, acc.closedKeepMs, cal);
      last = entityChange(d);
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
  for (let i = 0; i < c.agg.length; i += 3) {
    const day = c.agg[i] as number;
    let m = p.agg.get(day);
    if (!m) p.agg.set(day, (m = new Map<string, number>()));
    addTo(m, c.agg[i + 1] as string, sign * (c.agg[i + 2] as number));
    if (m.size === 0) p.agg.delete(day);
  }
  for (let i = 0; i < c.cur.length; i += 2) addTo(p.cur, c.cur[i] as string, sign * (c.cur[i + 1] as number));
  for (let i = 0; i < c.pend.length; i += 2) {
    const m = c.pend[i] as string;
    if (sign === 1) p.pend.set(m, c.pend[i + 1] as number | null);
    else p.pend.delete(m);
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
    readonly cal?: ShopCalendar,
  ) {
    this.points = moments.map(emptyPoint);
    this.calendar = contributionFingerprint(cal);
  }

  /** The fingerprint of the calendar the projections were computed under ("" for none). */
  readonly calendar: string;

  /** Entities recomputed by the last update (the bench and the tests read it). */
  recomputed = 0;

  /**
   * The state mark ("<version>|<last commit's token>", state/commit-log.ts) of the store the projections were
   * last read at (forecast-reader.ts; undefined: not read from a store, or not yet).
   */
  storeVersion: string | undefined;

  /**
   * The last update's entities in its order, each one's key, version and timer: a shop's timed entities come
   * in the same order from one forecast to the next (its timers' order), so most are matched by position,
   * without a lookup (docs/forecast.md "Cost"). Emptied by any other change of the entities.
   */
  private readonly lastKeys: string[] = [];
  private readonly lastVersions: unknown[] = [];
  private readonly lastTimers: number[] = [];

  /** The timed entities of the last update (undefined after any other change of the entities). */
  private lastTimed: ReadonlyMap<string, TimedEntity> | undefined;

  update(timed: ReadonlyMap<string, TimedEntity>): void {
    this.recomputed = 0;
    // The same entities as the last update (the maps are never changed once handed over).
    if (timed === this.lastTimed) return;
    // Made from the last update's entities by changing a few keys (from-state.ts): only those are read.
    const d = derivations.get(timed);
    if (d && d.from === this.lastTimed) {
      for (const key of d.keys) {
        const t = timed.get(key);
        const e = this.entities.get(key);
        if (t && e && t.version === e.version && t.timer === e.timer) continue;
        if (e) this.drop(key, e.proj);
        if (t) this.add(key, t);
      }
      this.lastTimed = timed;
      this.lastKeys.length = 0;
      return;
    }
    this.lastTimed = timed;
    const keys = this.lastKeys;
    const versions = this.lastVersions;
    const timers = this.lastTimers;
    // One pass over the timed entities (the sums are of integers: the order of the changes does not matter),
    // then, only when some held entity is no longer timed, one over the held ones. The last update's arrays
    // are overwritten in place, each position read before it is written.
    // forEach, not for-of over entries: no entry array per entity.
    let i = 0;
    timed.forEach((t, key) => {
      const same = keys[i] === key && versions[i] === t.version && timers[i] === t.timer;
      keys[i] = key;
      versions[i] = t.version;
      timers[i] = t.timer;
      i++;
      if (same) return;
      const e = this.entities.get(key);
      if (e && t.version === e.version && t.timer === e.timer) return;
      if (e) this.drop(key, e.proj);
      this.add(key, t);
    });
    keys.length = versions.length = timers.length = i;
    if (this.entities.size > timed.size) for (const [key, e] of this.entities) if (!timed.has(key)) this.drop(key, e.proj);
  }

  /**
   * Brings the projections up to date from the entities changed since they were read (forecast-reader.ts): each
   * one's timed state now, or undefined when it is no longer timed (no record, or its timer after the last
   * point); every other entity is as held.
   */
  updateChanged(changed: ReadonlyMap<string, TimedEntity | undefined>): void {
    this.recomputed = 0;
    this.lastKeys.length = 0;
    this.lastTimed = undefined;
    for (const [key, t] of changed) {
      const e = this.entities.get(key);
      if (e && t && t.version === e.version && t.timer === e.timer) continue;
      if (e) this.drop(key, e.proj);
      if (t) this.add(key, t);
    }
  }

  private add(key: string, t: TimedEntity): void {
    const proj = projectEntity(this.acc, key, t.stored, t.timer, this.moments, this.cal);
    this.recomputed++;
    this.entities.set(key, { version: t.version, timer: t.timer, stored: t.stored, proj });
    proj.forEach((c, k) => c && applyChange(this.points[k]!, c, 1));
  }

  /** The stored record held for this version and timer of the entity, if any (so the caller need not decode it). */
  known(key: string, version: unknown, timer: number): StoredRecord | undefined {
    const e = this.entities.get(key);
    return e && e.version === version && e.timer === timer ? e.stored : undefined;
  }

  private drop(key: string, proj: EntityProjection): void {
    proj.forEach((c, k) => c && applyChange(this.points[k]!, c, -1));
    this.entities.delete(key);
  }

  /** The summed change at point k (read only). */
  at(k: number): PointChange {
    return this.points[k]!;
  }

  get size(): number {
    return this.entities.size;
  }
}

/** Timed-entity maps made from another by changing the entities of `keys` (from-state.ts), by the map made. */
const derivations = new WeakMap<ReadonlyMap<string, TimedEntity>, { from: ReadonlyMap<string, TimedEntity>; keys: readonly string[] }>();

/**
 * Notes that `next` is `from` with the entities of `keys` read again (added, changed or removed) and every other
 * one the same: a TimedProjections last updated with `from` then reads only those keys (update).
 */
export function noteDerivedTimed(
  next: ReadonlyMap<string, TimedEntity>,
  from: ReadonlyMap<string, TimedEntity>,
  keys: readonly string[],
): void {
  derivations.set(next, { from, keys });
}

/** The day a set of projections belongs to: the Shanghai day of `now` (its points are that day's day-ends). */
export function projectionDay(now: number): number {
  return dayNumber(now);
}

/** At most this many shops' projections are kept (the least recently used leaves first). */
const MAX_KEPT_SHOPS = 10_000;
/**
 * At most about this many timed entities' projections are kept over all shops (least recently used shops
 * leave first): about 1.1 KB each, measured on the bench's busy shop (843 timed entities, about 0.9 MB), so
 * the bound is about 110 MB of the processor's heap.
 */
const MAX_KEPT_ENTITIES = 100_000;

/**
 * The projections of the shops forecast lately, per shop (one process's memory: a shop that moves to another
 * instance starts afresh there). A shop's projections are reused while the day and the accounting are the same.
 */
export class ForecastProjections {
  private readonly kept = new Map<string, TimedProjections>();
  /**
   * Each kept shop's entity count, and their sum. A shop's projections are updated right after `of` returns
   * them (forecastShop), so each `of` first counts the last shop it returned again.
   */
  private readonly sizes = new Map<string, number>();
  private entities = 0;
  private last: string | undefined;
  constructor(
    private readonly maxShops = MAX_KEPT_SHOPS,
    private readonly maxEntities = MAX_KEPT_ENTITIES,
  ) {}

  /**
   * The state mark the shop's kept projections were read at, when `of` at `now` would reuse them (the same
   * day, accounting and calendar); undefined otherwise. Changes nothing (forecast-reader.ts forecastPrefetch).
   */
  peek(shopKey: string, now: number, acc: StoreAccounting, cal?: ShopCalendar): string | undefined {
    const p = this.kept.get(shopKey);
    return p !== undefined && this.reusable(p, now, acc, cal) ? p.storeVersion : undefined;
  }

  private reusable(p: TimedProjections, now: number, acc: StoreAccounting, cal: ShopCalendar | undefined): boolean {
    return (
      p.day === projectionDay(now) &&
      p.acc.pack === acc.pack &&
      p.acc.chatKeepDays === acc.chatKeepDays &&
      p.acc.closedKeepMs === acc.closedKeepMs &&
      p.calendar === contributionFingerprint(cal)
    );
  }

  of(shopKey: string, now: number, acc: StoreAccounting, moments: readonly number[], cal?: ShopCalendar): TimedProjections {
    const prev = this.last === undefined ? undefined : this.kept.get(this.last);
    if (prev) {
      this.entities += prev.size - this.sizes.get(this.last!)!;
      this.sizes.set(this.last!, prev.size);
    }
    this.last = shopKey;
    let p = this.kept.get(shopKey);
    this.drop(shopKey);
    if (p === undefined || !this.reusable(p, now, acc, cal)) p = new TimedProjections(projectionDay(now), acc, moments, cal);
    while (this.kept.size > 0 && (this.kept.size >= this.maxShops || this.entities + p.size > this.maxEntities))
      this.drop(this.kept.keys().next().value!);
    this.kept.set(shopKey, p);
    this.sizes.set(shopKey, p.size);
    this.entities += p.size;
    return p;
  }

  private drop(shopKey: string): void {
    this.entities -= this.sizes.get(shopKey) ?? 0;
    this.sizes.delete(shopKey);
    this.kept.delete(shopKey);
  }

  get size(): number {
    return this.kept.size;
  }

  /** Timed entities kept over all shops (as last counted). */
  get keptEntities(): number {
    return this.entities;
  }
}
