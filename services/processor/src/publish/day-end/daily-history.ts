import {
  addDays,
  DAY_END_RETENTION_DAYS,
  DAY_END_SETTLE_MS,
  dayCutoffMs,
  dayEndKeys,
  DayEnd,
  shanghaiDayOf,
  toDayEnd,
  type DayEndTake,
  type ShopSnapshot,
} from "@sg/events";
import { callLuaScript, defineLuaScripts, type Redis } from "@sg/redis";

const LUA_DIR = new URL("./lua/", import.meta.url);
const DAY_MS = 86_400_000;

/** Days before yesterday filled in after a processor outage, at most (each costs one evaluation). */
export const DAY_END_BACKFILL_DAYS = 7;
/** Settled takes are spread over this long after `cut-off + settle`, per shop, so shops do not all wake at once. */
const SETTLE_SPREAD_MS = 10 * 60_000;

export interface DailyHistoryOptions {
  /** Delay after the cut-off of the second ("settled") take; default DAY_END_SETTLE_MS. */
  settleMs?: number;
}

/** Evaluates the shop at a past moment (the engine at `asOfMs`), or undefined for a shop without state. */
export type EvaluateAt = (asOfMs: number) => Promise<ShopSnapshot | undefined>;

/**
 * The processor's writer of end-of-day values (docs/day-end-history.md). At a shop's first evaluation after
 * a cut-off it evaluates the shop at the last instant of each closed day not yet taken (yesterday, and after
 * an outage up to DAY_END_BACKFILL_DAYS before it) and stores the compact values; at its first evaluation
 * after `cut-off + settle` it takes yesterday again, so late events of the day count. Two extra evaluations
 * per shop per day, never one per event.
 */
export class DailyHistory {
  private readonly keys;
  private readonly settleMs: number;
  /** Per shop: the latest day taken and whether that take was settled (read from Redis once per process). */
  private readonly taken = new Map<string, { day: string; settled: boolean }>();

  constructor(
    private readonly redis: Redis,
    prefix: string,
    opts: DailyHistoryOptions = {},
  ) {
    this.keys = dayEndKeys(prefix);
    this.settleMs = opts.settleMs ?? DAY_END_SETTLE_MS;
    defineLuaScripts(redis, LUA_DIR);
  }

  /**
   * Takes what is due for this shop at `nowMs`: each closed day not taken yet, and yesterday's settled take.
   * Resolves once Redis stored them; throws (and the evaluation is retried) when Redis fails.
   */
  async takeDue(shop: { platform: string; shopId: string }, nowMs: number, evaluateAt: EvaluateAt): Promise<void> {
    const key = `${shop.platform}:${shop.shopId}`;
    const yesterday = shanghaiDayOf(nowMs - DAY_MS);
    const last = this.taken.get(key) ?? (await this.lastTaken(shop, yesterday));
    const settledNow = nowMs >= this.settleAt(key, yesterday);
    const days: string[] = [];
    if (last === undefined || last.day < yesterday) {
      // A history that stopped at most DAY_END_BACKFILL_DAYS ago (an outage) is continued day by day; an
      // older or absent one starts again with yesterday, so a new shop gets no run of empty days.
      const resume = last === undefined ? undefined : addDays(last.day, 1);
      const first = resume !== undefined && resume >= addDays(yesterday, -DAY_END_BACKFILL_DAYS) ? resume : yesterday;
      for (let d = first; d <= yesterday; d = addDays(d, 1)) days.push(d);
    } else if (last.day === yesterday && !last.settled && settledNow) {
      days.push(yesterday);
    }
    for (const day of days) {
      const take: DayEndTake = nowMs >= this.settleAt(key, day) ? "settled" : "close";
      const snapshot = await evaluateAt(dayCutoffMs(day) - 1);
      if (snapshot === undefined) continue; // no state then: nothing to keep
      await this.write(shop, toDayEnd(snapshot, day, nowMs, take));
      this.taken.set(key, { day, settled: take === "settled" });
    }
    if (days.length === 0 && last !== undefined) this.taken.set(key, last);
  }

  /**
   * The next moment this shop has a take due without a new event (its settled take of yesterday), for the
   * shop's wake-up; undefined when none is ahead of `nowMs`.
   */
  nextWake(shop: { platform: string; shopId: string }, nowMs: number): number | undefined {
    const key = `${shop.platform}:${shop.shopId}`;
    const yesterday = shanghaiDayOf(nowMs - DAY_MS);
    const last = this.taken.get(key);
    if (last?.day === yesterday && last.settled) return undefined;
    const at = this.settleAt(key, yesterday);
    return at > nowMs ? at : undefined;
  }

  private settleAt(shopKey: string, day: string): number {
    let h = 2166136261;
    for (let i = 0; i < shopKey.length; i++) h = Math.imul(h ^ shopKey.charCodeAt(i), 16777619);
    return dayCutoffMs(day) + this.settleMs + ((h >>> 0) % SETTLE_SPREAD_MS);
  }

  /** The latest day of the stored history (on or before `upTo`), and whether its take was settled. */
  private async lastTaken(
    shop: { platform: string; shopId: string },
    upTo: string,
  ): Promise<{ day: string; settled: boolean } | undefined> {
    const days = (await this.redis.hkeys(this.keys.history(shop))).filter((d) => d <= upTo).sort();
    const day = days[days.length - 1];
    if (day === undefined) return undefined;
    const raw = await this.redis.hget(this.keys.history(shop), day);
    const parsed = raw === null ? undefined : DayEnd.safeParse(JSON.parse(raw));
    return { day, settled: parsed?.success === true && parsed.data.take === "settled" };
  }

  private async write(shop: { platform: string; shopId: string }, value: DayEnd): Promise<void> {
    const oldest = addDays(value.day, -(DAY_END_RETENTION_DAYS - 1));
    const ttl = (DAY_END_RETENTION_DAYS + 1) * 86_400;
    await callLuaScript(
      this.redis,
      "writeDayEnd",
      [this.keys.history(shop)],
      [value.day, JSON.stringify(value), oldest, ttl, value.take === "settled" ? 1 : 0],
    );
  }
}
