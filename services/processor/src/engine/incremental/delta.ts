import type { ShopCalendar } from "../calendar-entries.js";
import { calendarUsed, contribCalendars, type ContribCalendars } from "../calendar-items.js";
import { type CanonicalEvent } from "@sg/events";
import { CLOSED_KEEP_MS, OPEN_KEEP_MS } from "../../retention.js";
import type { RulePack } from "@sg/rules";
import { DAY } from "../calendar.js";
import { encodeBody, storedBase, type StoredRecord } from "./codec.js";
import { contribution, dayNumber, type Contribution } from "./contrib.js";
import {
  aftersaleSummary,
  type AftersaleSummary,
  entityOf,
  foldEvent,
  recordTimeRange,
  type AftersaleRec,
  type ConsumerRec,
  type EntityRec,
  type OrderRec,
} from "./records.js";

import { isScoreKey, scoreExpireAt, type ScoreRec } from "./score-records.js";

export type { StoredRecord } from "./codec.js";

/** What one shop's apply or timer pass changes, applied atomically by commitEntities.lua. */
export interface ShopDelta {
  /** Entity key → new stored record (with its body, codec.ts), or null to delete it. */
  records: Map<string, StoredRecord | null>;
  /**
   * Entity key → next moment its contribution changes by itself, or null: none. A record that only waits for
   * its expiry has no timer: EntityStore's sweep finds expired records (architecture.md "retention by entity").
   */
  timers: Map<string, number | null>;
  pendDel: Set<string>;
  pendAdd: Map<string, number>;
  cur: Map<string, number>;
  /** Day number → field → delta. */
  agg: Map<number, Map<string, number>>;
  /** Entities whose record changed (the rest were duplicates or changed nothing). */
  changed: number;
}

export { CLOSED_KEEP_MS, OPEN_KEEP_MS };

function isClosed(key: string, rec: EntityRec): boolean {
  if (key.startsWith("o:")) {
    // Signed, or cancelled before any pickup: a picked-up parcel that was never signed can still stall.
    const o = rec as OrderRec;
    return o.signedAt !== undefined || (o.cancelledAt !== undefined && o.pickedUpAt === undefined);
  }
  if (key.startsWith("a:")) {
    const a = rec as AftersaleRec;
    return (a.completions?.length ?? 0) > 0 || (a.cancelled?.length ?? 0) > 0;
  }
  return true;
}

/**
 * When the entity's facts can no longer count in any window (architecture.md "retention by entity"): a closed
 * entity `closedKeepMs` (the platform's Retention) after its last fact.
 */
export function expireAt(key: string, rec: EntityRec, closedKeepMs = CLOSED_KEEP_MS): number {
  if (isScoreKey(key)) return scoreExpireAt(key, rec as ScoreRec, closedKeepMs);
  const range = recordTimeRange(rec);
  if (range === undefined) return 0;
  const last = range.max;
  return isClosed(key, rec) ? last + closedKeepMs : Math.max(range.min + OPEN_KEEP_MS, last + closedKeepMs);
}

/**
 * Whether a stored record may have expired at `now`, read from its stored form without decoding it (the
 * expiry sweep's filter, EntityStore.evaluate): its base (codec.ts, the smallest time it holds) is one of the
 * times expireAt reads, so the record expires no earlier than base + closedKeepMs (a closed one at its last
 * time + closedKeepMs, an open one at least then). False is certain; true means: decode it and ask expireAt.
 */
export function storedMayExpire(value: string, now: number, closedKeepMs = CLOSED_KEEP_MS): boolean {
  // A base of 0 is a record without times (expireAt: 0, expired at any moment) or a score record (its own
  // expiry): always decoded. The property test found the first at a `now` before base + keep.
  const base = storedBase(value);
  return !(base > 0 && now < base + closedKeepMs);
}

/**
 * Drops a consumer's chat facts from before `cutoff` (00:00 of yesterday) that no result of today or later
 * can depend on: the last reply R before the cutoff,
 * the consumer messages after R, and the human-stage marks after R or at the last mark at or before R are
 * kept. Ratings (by their card's time) are kept from `ratingCutoff`: 62 days back by default (month
 * windows), further where the platform's retention is longer (a 90-day rating mean, jd@2024).
 */
export function compactConsumer(c: ConsumerRec, cutoff: number, ratingCutoff = cutoff - 61 * DAY): ConsumerRec {
  const firstMsg = c.messages?.[0]?.at ?? Infinity;
  const firstMark = Math.min(c.transfers?.[0] ?? Infinity, c.closes?.[0] ?? Infinity);
  const firstRating = c.ratings?.length ? Math.min(...c.ratings.map((r) => r.cardSentAt)) : Infinity;
  if (firstMsg >= cutoff && firstMark >= cutoff && firstRating >= ratingCutoff) return c;
  let r = -Infinity;
  for (const { at, kind } of c.messages ?? []) if (kind === "reply" && at < cutoff && at > r) r = at;
  let lastMark = -Infinity;
  for (const t of [...(c.transfers ?? []), ...(c.closes ?? [])]) if (t <= r && t > lastMark) lastMark = t;
  const keepMark = (t: number) => t >= cutoff || t > r || t === lastMark;
  const out: ConsumerRec = { ...c };
  out.messages = (c.messages ?? []).filter(
    ({ at, kind }) => at >= cutoff || (kind === "reply" && at === r) || (kind === "consumer" && at > r),
  );
  out.transfers = (c.transfers ?? []).filter(keepMark);
  out.closes = (c.closes ?? []).filter(keepMark);
  out.ratings = (c.ratings ?? []).filter((x) => x.cardSentAt >= ratingCutoff);
  for (const f of ["messages", "transfers", "closes", "ratings"] as const) if (out[f]?.length === 0) delete out[f];
  return out;
}

/** 00:00 of the day `keepDays` before today: chat facts older than that can change no window of the pack. */
function chatCutoff(now: number, keepDays: number): number {
  return (dayNumber(now) - keepDays) * DAY - 8 * 3_600_000;
}

/**
 * Ratings are kept 62 days before the chat cutoff (month windows read the previous month), and at least the
 * platform's retention (`closedKeepMs`, 92 days with a 90-day window) before today.
 */
function ratingCutoff(now: number, chatKeepDays: number, closedKeepMs: number): number {
  return Math.min(chatCutoff(now, chatKeepDays) - 61 * DAY, chatCutoff(now, Math.ceil(closedKeepMs / DAY)));
}

function addTo<K>(m: Map<K, number>, k: K, v: number): void {
  if (v === 0) return;
  const x = (m.get(k) ?? 0) + v;
  if (x === 0) m.delete(k);
  else m.set(k, x);
}

/**
 * Folds one shop's events into its loaded records, recomputes the contributions of every entity that
 * changed or whose timer is due (`recompute`), and returns the differences to apply. Pure: the same loaded
 * state, events and `now` always give the same delta.
 *
 * `loaded` must hold every entity the events touch, and the order of every after-sale that names one
 * (loadEntities.lua brings both).
 */
export function computeDelta(
  pack: RulePack,
  loaded: ReadonlyMap<string, StoredRecord | undefined>,
  events: readonly { event: CanonicalEvent; atMs: number }[],
  now: number,
  recompute: Iterable<string> = [],
  /** Days of chat facts a consumer's record keeps (accounting.ts `chatKeepDays`): 1 keeps yesterday and today. */
  chatKeepDays = 1,
  /** How long a closed entity is kept after its last fact (the platform's Retention, accounting.ts). */
  closedKeepMs = CLOSED_KEEP_MS,
  /**
   * The shop's calendar, whose deadline extensions and excluded regions decide items (calendar-items.ts): with
   * the calendars its records may have been computed under (ContribCalendars), or the current one alone.
   */
  cal?: ShopCalendar | ContribCalendars,
): ShopDelta {
  const cals = cal !== undefined && "known" in cal ? cal : contribCalendars(cal);
  const current = new Map<string, EntityRec | undefined>();
  const get = (k: string) => (current.has(k) ? current.get(k) : loaded.get(k)?.rec);
  for (const { event, atMs } of events) {
    const key = entityOf(event);
    current.set(key, foldEvent(key, get(key), event, atMs));
  }
  // An after-sale that names its order updates the order's summary of it.
  for (const [key, rec] of [...current]) {
    if (!key.startsWith("a:") || !rec) continue;
    const a = rec as AftersaleRec;
    if (!a.request) continue;
    const orderKey = `o:${a.request.orderId}`;
    const id = key.slice(2);
    const summary = aftersaleSummary(a)!;
    const order = (get(orderKey) ?? {}) as OrderRec;
    if (!sameSummary(order.aftersales?.[id], summary)) {
      current.set(orderKey, { ...order, aftersales: { ...(order.aftersales ?? {}), [id]: summary } });
    }
  }
  const delta: ShopDelta = {
    records: new Map(),
    timers: new Map(),
    pendDel: new Set(),
    pendAdd: new Map(),
    cur: new Map(),
    agg: new Map(),
    changed: 0,
  };
  const keys = new Set<string>(recompute);
  /** Bodies (codec.ts) of the folded records, computed once: they decide "changed" and are stored as they are. */
  const bodies = new Map<string, string>();
  for (const [k, rec] of current) {
    const before = loaded.get(k);
    const body = rec === undefined ? undefined : encodeBody(k, rec);
    const was = before === undefined ? undefined : (before.body ?? encodeBody(k, before.rec));
    if (body !== was) {
      keys.add(k);
      delta.changed++;
    }
    if (body !== undefined) bodies.set(k, body);
  }
  for (const key of keys) {
    const before = loaded.get(key);
    const folded = get(key);
    let rec = folded;
    if (rec && key.startsWith("c:"))
      rec = compactConsumer(rec as ConsumerRec, chatCutoff(now, chatKeepDays), ratingCutoff(now, chatKeepDays, closedKeepMs));
    const expires = rec ? expireAt(key, rec, closedKeepMs) : 0;
    if (rec && now >= expires) rec = undefined;
    // The old contribution under the calendar that computed it; the new one under the current calendar.
    const old = contribution(key, before?.rec, pack, before?.calcAt ?? now, before ? calendarUsed(cals, before.cal) : undefined);
    const next = contribution(key, rec, pack, now, cals.current);
    applyDifference(delta, old, next);
    if (rec) {
      const body = rec === folded ? (bodies.get(key) ?? before?.body) : undefined;
      const stored: StoredRecord = body === undefined ? { rec, calcAt: now } : { rec, calcAt: now, body };
      if (cals.tag !== "") stored.cal = cals.tag;
      delta.records.set(key, stored);
      // A new entity has no timer to remove.
      if (next.next !== undefined) delta.timers.set(key, Math.min(next.next, expires));
      else if (before) delta.timers.set(key, null);
    } else if (before) {
      delta.records.set(key, null);
      delta.timers.set(key, null);
    }
  }
  return delta;
}

/** The summaries hold the same values (both are flat objects of the same fields). */
function sameSummary(a: AftersaleSummary | undefined, b: AftersaleSummary): boolean {
  if (a === undefined) return false;
  const keys = Object.keys(b) as (keyof AftersaleSummary)[];
  return keys.length === Object.keys(a).length && keys.every((k) => a[k] === b[k]);
}

function applyDifference(delta: ShopDelta, old: Contribution, next: Contribution): void {
  for (const [k, v] of old.agg) addAgg(delta, k, -v);
  for (const [k, v] of next.agg) addAgg(delta, k, v);
  for (const [k, v] of old.cur) addTo(delta.cur, k, -v);
  for (const [k, v] of next.cur) addTo(delta.cur, k, v);
  for (const m of old.pend.keys()) if (!next.pend.has(m)) delta.pendDel.add(m);
  for (const [m, d] of next.pend) if (old.pend.get(m) !== d) delta.pendAdd.set(m, d);
}

function addAgg(delta: ShopDelta, key: string, v: number): void {
  const i = key.indexOf("|");
  const day = Number(key.slice(0, i));
  let m = delta.agg.get(day);
  if (!m) delta.agg.set(day, (m = new Map<string, number>()));
  addTo(m, key.slice(i + 1), v);
  if (m.size === 0) delta.agg.delete(day);
}
