import type { Platform } from "@sg/events";
import { queueLuaScript } from "@sg/redis";
import type { RulePack } from "@sg/rules";
import type { ShopEvaluation } from "../engine/evaluate.js";
import {
  forecastDays,
  forecastMoments,
  forecastShop,
  pointAsOf,
  ForecastProjections,
  FORECAST_DAYS,
  type ForecastSource,
  type ShopForecast,
  type TimedEntity,
} from "../engine/forecast/index.js";
import { dayNumber } from "../engine/incremental/contrib.js";
import { decodeStored } from "../engine/incremental/codec.js";
import type { ShopAggregates } from "../engine/incremental/measure.js";
import type { ShopOverrides } from "../engine/types.js";
import type { EntityStore, EvaluationRider } from "./entity-store.js";
import { stateMark } from "./commit-log.js";
import type { ShopRef } from "./keys.js";

/**
 * At most this many entities with a timer before the forecast's last point are read; a shop with more (a
 * backlog of tens of thousands of pending items) gets no forecast rather than an inexact one.
 */
export const MAX_FORECAST_TIMED = 20_000;

/** What EntityStore.evaluate used, handed to the forecast so it reads only what the evaluation did not. */
export interface EvaluationInputs {
  pack: RulePack;
  aggregates: ShopAggregates;
  overrides: ShopOverrides;
  /** What the evaluation's rider read in the round trip that ended it (forecastPrefetch's PrefetchedRead). */
  prefetched?: unknown;
}

/** The forecast's read as it rode in an evaluation's last round trip (forecastPrefetch). */
interface PrefetchedRead {
  /** The kept projections' mark it was read for: used only while they are still at it. */
  keptVersion: string;
  /** The days after today of the coming windows, as read. */
  days: Map<number, Record<string, string>>;
  /** forecastTimed.lua's reply ("k": the entities written since the kept mark). */
  reply: (string | number)[];
  /** Read after a timer pass's commit in the same round trip. */
  afterCommit: boolean;
}

const isPrefetched = (x: unknown): x is PrefetchedRead =>
  typeof x === "object" && x !== null && "keptVersion" in x && "days" in x && "reply" in x;

/**
 * The forecast's read, riding in each round trip of the evaluation before it (EntityStore.evaluate's rider,
 * docs/forecast.md "Cost"): the days after today of the coming windows, and the timed entities written since
 * the shop's kept projections were read, only when the state is at the mark this process expects
 * (forecastTimed.lua's "=" form): the last mark its commit log knows or, with the timer pass's commit queued
 * before it in the same round trip, the mark that commit makes. The reads of the round trip that ends the
 * evaluation reach the forecast (EvaluationInputs.prefetched), which then makes no round trip of its own.
 * Undefined when the shop has no kept projections for today (its forecast reads every timed entity); any
 * other case the rider cannot serve (another writer, a refused commit) leaves the forecast to read as before.
 */
export function forecastPrefetch(
  store: EntityStore,
  shop: ShopRef,
  now: number,
  pack: RulePack,
  overrides: ShopOverrides,
  projections: ForecastProjections = defaultProjections,
): EvaluationRider | undefined {
  const acc = store.accounting(shop.platform as Platform);
  const storeAcc = { pack: acc.pack, chatKeepDays: acc.chatKeepDays, closedKeepMs: acc.retention.closedKeepMs };
  const shopKey = store.keys.entities(shop);
  const keptVersion = projections.peek(shopKey, now, storeAcc, overrides.calendar);
  if (keptVersion === undefined) return undefined;
  const today = dayNumber(now);
  const days = forecastDays(pack, now).filter((d) => d > today);
  const last = pointAsOf(now, FORECAST_DAYS - 1);
  return {
    queue(p, commit) {
      const since = store.commits.since(shopKey, keptVersion);
      if (since === undefined) return () => undefined;
      let expected = since.expected;
      let keys: Iterable<string> = since.keys;
      const bar = since.expected.indexOf("|");
      if (commit) {
        // The commit before this read must start from the last known mark; then it makes (version + 1, token).
        if (since.expected.slice(0, bar) !== commit.version) return () => undefined;
        expected = stateMark(Number(commit.version) + 1, commit.token);
        keys = new Set([...since.keys, ...commit.delta.records.keys(), ...commit.delta.timers.keys()]);
      }
      for (const d of days) p.hgetall(store.keys.day(shop, d));
      queueLuaScript(
        p,
        "forecastTimed",
        [store.keys.timers(shop), store.keys.entities(shop), store.keys.shopMeta(shop)],
        [last, MAX_FORECAST_TIMED, `=${expected}`, ...keys],
      );
      return (r, commitReply) => {
        // The rider never fails the evaluation: on an error the forecast reads itself (and reports it there).
        for (const [err] of r) if (err) return undefined;
        const reply = r[days.length]![1] as (string | number)[];
        if (reply[2] !== "k") return undefined;
        // The commit must have been made, from the mark known here (its reply names the token before it).
        if (commit && !(Array.isArray(commitReply?.[1]) && String(commitReply[1][1]) === since.expected.slice(bar + 1))) return undefined;
        const read: PrefetchedRead = { keptVersion, days: new Map(), reply, afterCommit: commit !== undefined };
        days.forEach((d, i) => read.days.set(d, r[i]![1] as Record<string, string>));
        return read;
      };
    },
  };
}

/**
 * How this process's forecasts read their timed entities so far: all of them, or only those written since; of
 * those, how many rode in the evaluation's round trips (forecastPrefetch), and after a commit in the same round
 * trip (the bench and the tests read it).
 */
export const forecastReads = { all: 0, changed: 0, prefetched: 0, prefetchedAfterCommit: 0 };

/** This process's kept projections (a shop's forecast recomputes only the timed entities changed since its last). */
const defaultProjections = new ForecastProjections();

/**
 * The forecast of a shop just evaluated (engine/forecast): the days of the coming windows the evaluation did
 * not read, and the timed entities with their records, in one pipeline (one round trip); undefined when the
 * shop has more timed entities than MAX_FORECAST_TIMED. When the shop's kept projections were read at a
 * state mark from which this store knows every commit (its CommitLog), only the entities those commits wrote are
 * read, if the state is still at the mark expected (forecastTimed.lua checks it in the same call); else all.
 */
export async function forecastFromStore(
  store: EntityStore,
  shop: ShopRef,
  now: number,
  ev: ShopEvaluation,
  used: EvaluationInputs,
  /** The timed projections kept per shop (engine/forecast/timed.ts); one per process. */
  projections: ForecastProjections = defaultProjections,
): Promise<ShopForecast | undefined> {
  const acc = store.accounting(shop.platform as Platform);
  const missing = forecastDays(used.pack, now).filter((d) => !used.aggregates.days.has(d));
  const storeAcc = { pack: acc.pack, chatKeepDays: acc.chatKeepDays, closedKeepMs: acc.retention.closedKeepMs };
  // Kept per store and shop: the entities key carries both the store's prefix and the shop.
  const shopKey = store.keys.entities(shop);
  const last = pointAsOf(now, FORECAST_DAYS - 1);
  const kept = projections.of(shopKey, now, storeAcc, forecastMoments(now), used.overrides.calendar);
  const days = new Map(used.aggregates.days);
  let reply: (string | number)[];
  const pre = used.prefetched;
  if (isPrefetched(pre) && pre.keptVersion === kept.storeVersion && missing.every((d) => pre.days.has(d))) {
    // Read in the evaluation's last round trip (forecastPrefetch): no round trip here.
    reply = pre.reply;
    for (const d of missing) days.set(d, pre.days.get(d)!);
    forecastReads.prefetched++;
    if (pre.afterCommit) forecastReads.prefetchedAfterCommit++;
  } else {
    const since = kept.storeVersion === undefined ? undefined : store.commits.since(shopKey, kept.storeVersion);
    // One round trip: the days, then the timed entities (every key under the shop's hash tag: one slot).
    const p = store.redis.pipeline();
    for (const d of missing) p.hgetall(store.keys.day(shop, d));
    queueLuaScript(
      p,
      "forecastTimed",
      [store.keys.timers(shop), store.keys.entities(shop), store.keys.shopMeta(shop)],
      [last, MAX_FORECAST_TIMED, since === undefined ? "" : since.expected, ...(since?.keys ?? [])],
    );
    const r = (await p.exec()) ?? [];
    for (const [err] of r) if (err) throw new Error("reading a shop's forecast days and timed entities failed", { cause: err });
    reply = r[missing.length]![1] as (string | number)[];
    missing.forEach((d, i) => days.set(d, r[i]![1] as Record<string, string>));
  }
  if (Number(reply[0]) > MAX_FORECAST_TIMED) return undefined;
  const mark = String(reply[1]);
  /** An entity as read: timed (a record and a timer at or before the last point), or not (undefined). */
  const entity = (key: string, timerText: string, value: string): TimedEntity | undefined => {
    if (value === "" || timerText === "") return undefined;
    const timer = Number(timerText);
    if (timer > last) return undefined;
    // The encoded record is the version: a record the projections hold already is not decoded again.
    return { stored: kept.known(key, value, timer) ?? decodeStored(key, value), timer, version: value };
  };
  let timed: Map<string, TimedEntity> | undefined;
  if (reply[2] === "k") {
    // Only the entities written since the projections were read: brought up to date here.
    const changed = new Map<string, TimedEntity | undefined>();
    for (let i = 3; i < reply.length; i += 3)
      changed.set(String(reply[i]), entity(String(reply[i]), String(reply[i + 1]), String(reply[i + 2])));
    kept.updateChanged(changed);
    forecastReads.changed++;
  } else {
    forecastReads.all++;
    timed = new Map();
    for (let i = 3; i < reply.length; i += 3) {
      const e = entity(String(reply[i]), String(reply[i + 1]), String(reply[i + 2]));
      if (e) timed.set(String(reply[i]), e);
    }
  }
  const src: ForecastSource = { days, cur: used.aggregates.cur, pending: used.aggregates.pending, timed };
  const forecast = forecastShop(
    {
      platform: shop.platform as Platform,
      shopId: shop.shopId,
      now,
      shop: used.overrides,
      pack: used.pack,
      slots: acc.slotsOf(used.pack),
      store: storeAcc,
    },
    ev,
    src,
    kept,
  );
  kept.storeVersion = mark;
  store.commits.read(shopKey, mark);
  return forecast;
}

/** How long a shop's forecast is reused (by the processor's clock) before the next evaluation recomputes it. */
export const FORECAST_EVERY_MS = 60_000;
/** At most this many shops' forecasts are kept (the oldest entry leaves first). */
const MAX_KEPT = 50_000;

/**
 * The forecast of a shop is computed at most once per FORECAST_EVERY_MS of the processor's clock and once per
 * Shanghai day (its points start at today's day-end); between, the last one is reused as it is. Per process:
 * a shop that moves to another instance is computed there at its first evaluation.
 */
export class ForecastThrottle {
  private readonly last = new Map<string, { atMs: number; day: number; forecast: ShopForecast | undefined }>();
  constructor(private readonly everyMs = FORECAST_EVERY_MS) {}
  /** Whether `get` at `now` computes the shop's forecast (rather than reusing its last). */
  due(shopKey: string, now: number): boolean {
    const kept = this.last.get(shopKey);
    return !(kept && kept.day === Math.floor(pointAsOf(now, 0) / 86_400_000) && now >= kept.atMs && now - kept.atMs < this.everyMs);
  }

  async get(shopKey: string, now: number, compute: () => Promise<ShopForecast | undefined>): Promise<ShopForecast | undefined> {
    const day = Math.floor(pointAsOf(now, 0) / 86_400_000);
    const kept = this.last.get(shopKey);
    if (!this.due(shopKey, now)) return kept!.forecast;
    const forecast = await compute();
    this.last.delete(shopKey);
    this.last.set(shopKey, { atMs: now, day, forecast });
    if (this.last.size > MAX_KEPT) this.last.delete(this.last.keys().next().value!);
    return forecast;
  }
}
