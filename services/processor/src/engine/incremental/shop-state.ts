import type { ShopCalendar } from "../calendar-entries.js";
import { toMillis, toShanghaiIso, type CanonicalEvent, type Platform } from "@sg/events";
import { packForChoice, type RulePack } from "@sg/rules";
import { windowRange } from "../calendar.js";
import type { ShopEvaluation } from "../evaluate.js";
import type { ShopOverrides } from "../types.js";
import { retentionFor } from "../../retention.js";
import { accountingFor, longestWindowDays } from "./accounting.js";
import { computeDelta, expireAt, type ShopDelta, type StoredRecord } from "./delta.js";
import { daysToRead, evaluateAggregates, type ShopAggregates } from "./measure.js";
import { seenFloorDay, type SeenAdds } from "./seen-ids.js";
import { applyStep, parsePending, type ShopEvent } from "./step.js";
import { appealedOf } from "./pending-effects.js";
import { recordCommit } from "./state-lineage.js";

/**
 * Engine v2 over plain values: one shop's state (what Redis holds under the shop's hash tag) as maps, and the
 * same pure steps EntityStore runs (applyStep, computeDelta, evaluateAggregates), with the delta applied to
 * the maps instead of by commitEntities.lua. The unit tier runs the conformance cases, the kinds' tests and
 * the model test against it in milliseconds; the Redis runs (Lua, atomicity, restarts) stay at the int tier.
 * Every function returns a new state and leaves its argument unchanged.
 */
export interface ShopState {
  /** Commits so far (commitEntities.lua's version); 0: the shop has no state. */
  version: number;
  /** Entity key → stored record (keys.entities). */
  records: Map<string, StoredRecord>;
  /** Entity key → next change, ms (keys.timers). */
  timers: Map<string, number>;
  /** Pending member → deadline, ms (keys.pending). */
  pending: Map<string, number>;
  /** `now` aggregates, `<metric>|<field>` → amount (keys.current). */
  cur: Map<string, number>;
  /** Day number → `<metric>|<field>` → amount (keys.day). */
  days: Map<number, Map<string, number>>;
  /** The seen-id index: fingerprint → day of its event time (keys.seen). */
  seen: Map<string, number>;
}

/** At most this many due entities per timer pass, as EntityStore's TIMER_BATCH. */
const TIMER_BATCH = 500;

export function emptyShopState(): ShopState {
  return { version: 0, records: new Map(), timers: new Map(), pending: new Map(), cur: new Map(), days: new Map(), seen: new Map() };
}

/** What commitEntities.lua does, on maps: the delta, the seen ids added (expired ones dropped), the version. */
export function commitDelta(s: ShopState, d: ShopDelta, seenAdds: SeenAdds, now: number): ShopState {
  // A map the delta leaves alone is shared with `s`: neither is ever changed in place.
  const out: ShopState = {
    version: s.version + 1,
    records: d.records.size > 0 ? new Map(s.records) : s.records,
    timers: d.timers.size > 0 ? new Map(s.timers) : s.timers,
    pending: d.pendDel.size + d.pendAdd.size > 0 ? new Map(s.pending) : s.pending,
    cur: d.cur.size > 0 ? new Map(s.cur) : s.cur,
    days: d.agg.size > 0 ? new Map(s.days) : s.days,
    seen: seenAdds.size > 0 ? new Map(s.seen) : s.seen,
  };
  for (const [k, r] of d.records)
    if (r === null) out.records.delete(k);
    else out.records.set(k, r);
  for (const [k, t] of d.timers)
    if (t === null) out.timers.delete(k);
    else out.timers.set(k, t);
  for (const m of d.pendDel) out.pending.delete(m);
  for (const [m, t] of d.pendAdd) out.pending.set(m, t);
  const add = (m: Map<string, number>, f: string, v: number) => {
    const x = (m.get(f) ?? 0) + v;
    if (x === 0) m.delete(f);
    else m.set(f, x);
  };
  for (const [f, v] of d.cur) add(out.cur, f, v);
  for (const [day, fields] of d.agg) {
    const m = new Map(out.days.get(day));
    out.days.set(day, m);
    for (const [f, v] of fields) add(m, f, v);
    if (m.size === 0) out.days.delete(day);
  }
  if (seenAdds.size > 0) {
    const floor = seenFloorDay(now);
    for (const [fp, day] of out.seen) if (day < floor) out.seen.delete(fp);
    for (const [fp, day] of seenAdds) out.seen.set(fp, day);
  }
  // For readers that keep what they derived from an earlier state (the forecast's timed entities).
  recordCommit(s, out, d.records.keys(), d.timers.keys());
  return out;
}

/**
 * Applies one shop's events at `now` in one step (a chunk, as EntityStore applies it): first seen wins,
 * then the quota, the fold, the delta and its commit. Resolves the entities changed and the events refused.
 */
export function applyEvents<E extends ShopEvent>(
  pack: RulePack,
  s: ShopState,
  events: readonly E[],
  now: number,
  limit = Infinity,
  /** Days of chat facts the records keep (accounting.ts `chatKeepDays`). */
  chatKeepDays?: number,
  /** How long a closed entity is kept (accounting.ts `retention`). */
  closedKeepMs?: number,
  /** The shop's calendar (computeDelta `cal`). */
  cal?: ShopCalendar,
): { state: ShopState; changed: number; refused: E[] } {
  const floor = seenFloorDay(now);
  const seen = { has: (fp: string) => (s.seen.get(fp) ?? -1) >= floor };
  const step = applyStep(pack, { records: s.records, seen, live: s.records.size }, events, now, limit, chatKeepDays, closedKeepMs, cal);
  return { state: commitDelta(s, step.delta, step.seenAdds, now), changed: step.delta.changed, refused: step.refused };
}

/**
 * What a shop's state accounts and which pack evaluates it, as EntityStore does: an explicit `pack` (tests)
 * is both; else the platform's accounting (every selectable pack's metrics) stores, and the pack in force on
 * the Shanghai day of `now` (the shop's choice, `shop.pack`) evaluates.
 */
export function packsOf(input: { platform: Platform; now: number; shop?: ShopOverrides | undefined; pack?: RulePack | undefined }) {
  if (input.pack)
    return {
      store: input.pack,
      evaluate: input.pack,
      slots: undefined,
      chatKeepDays: undefined,
      closedKeepMs: retentionFor(longestWindowDays([input.pack])).closedKeepMs,
    };
  const acc = accountingFor(input.platform);
  const evaluate = packForChoice(input.platform, input.shop?.pack, toShanghaiIso(input.now).slice(0, 10));
  return {
    store: acc.pack,
    evaluate,
    slots: acc.slotsOf(evaluate),
    chatKeepDays: acc.chatKeepDays,
    closedKeepMs: acc.retention.closedKeepMs,
  };
}

/**
 * Recomputes the entities whose timers are due and the expired records (EntityStore sweeps those a slice at
 * a time; here all at once), then evaluates the shop at `now`. The evaluation is undefined for a shop that
 * has no state.
 */
export function evaluateState(
  s: ShopState,
  input: { platform: Platform; shopId: string; now: number; shop?: ShopOverrides; pack?: RulePack },
): { state: ShopState; evaluation: ShopEvaluation | undefined; aggregates?: ShopAggregates } {
  const { now } = input;
  const packs = packsOf(input);
  const pack = packs.evaluate;
  let state = s;
  for (;;) {
    const due = [...state.timers]
      .filter(([, t]) => t <= now)
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, TIMER_BATCH)
      .map(([k]) => k);
    const keys = new Set(due);
    for (const [k, r] of state.records) if (now >= expireAt(k, r.rec, packs.closedKeepMs)) keys.add(k);
    if (keys.size === 0) break;
    state = commitDelta(
      state,
      computeDelta(packs.store, state.records, [], now, keys, packs.chatKeepDays, packs.closedKeepMs, input.shop?.calendar),
      new Map(),
      now,
    );
  }
  if (state.version === 0) return { state, evaluation: undefined };
  // The aggregates are returned with the evaluation: the forecast starts from them (forecast/from-state.ts).
  const aggregates = aggregatesOf(state, pack, now, packs.store);
  return {
    state,
    aggregates,
    evaluation: evaluateAggregates(
      { platform: input.platform, shopId: input.shopId, asOf: now, shop: input.shop ?? {}, pack },
      aggregates,
      packs.slots,
    ),
  };
}

/** A day's (or the `now`) aggregates as Redis's HGETALL gives them. */
export function aggregateRecord(m: ReadonlyMap<string, number> | undefined): Record<string, string> {
  return Object.fromEntries([...(m ?? [])].map(([f, v]) => [f, String(v)]));
}

/** What EntityStore.readAggregates reads, from the maps. */
export function aggregatesOf(s: ShopState, pack: RulePack, now: number, store?: RulePack): ShopAggregates {
  const days = daysToRead(Object.values(pack.metrics).map((def) => windowRange(def.window, now)));
  const pending = [...s.pending].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  const timers = [...s.timers.values()];
  return {
    days: new Map(days.map((d) => [d, aggregateRecord(s.days.get(d))])),
    cur: aggregateRecord(s.cur),
    pending: pending.map(([m, t]) => parsePending(m, t)),
    nextTimer: timers.length === 0 ? undefined : Math.min(...timers),
    ...appealedOf(
      aggregateRecord(s.cur),
      (keys) => new Map(keys.flatMap((k) => (s.records.has(k) ? [[k, s.records.get(k)!]] : []))),
      store,
    ),
  };
}

/**
 * The whole pipeline of one shop over plain values, for tests that hold a list of events: every event that
 * happened by `asOf` (the facts at that moment, as evaluateShop and the reference read them) applied in one
 * step at `asOf` (ids first seen win, in list order), then evaluated at `asOf`.
 */
export function evaluateEventsV2(input: {
  platform: Platform;
  shopId: string;
  events: readonly CanonicalEvent[];
  asOf: number;
  shop?: ShopOverrides;
  pack?: RulePack;
}): ShopEvaluation | undefined {
  const packs = packsOf({ ...input, now: input.asOf });
  // An id's first copy is its fact even when that copy happened after asOf (and so is not applied yet).
  const first = new Map<string, CanonicalEvent>();
  for (const e of input.events) if (!first.has(e.id)) first.set(e.id, e);
  const events = [...first.values()].map((event) => ({ event, atMs: toMillis(event.at) })).filter((e) => e.atMs <= input.asOf);
  return evaluateState(stateOfEvents(packs, events, input.asOf, input.shop?.calendar), { ...input, now: input.asOf }).evaluation;
}

/** Every event applied at `asOf` to an empty state, as the store would hold them (the shop's calendar deciding items). */
export function stateOfEvents(
  packs: ReturnType<typeof packsOf>,
  events: readonly ShopEvent[],
  asOf: number,
  cal: ShopCalendar | undefined,
): ShopState {
  return applyEvents(packs.store, emptyShopState(), events, asOf, Infinity, packs.chatKeepDays, packs.closedKeepMs, cal).state;
}
