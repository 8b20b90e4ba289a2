import type { CanonicalEvent } from "@sg/events";
import { defineLuaScripts, queueLuaScript, type Redis } from "@sg/redis";
import { createKeys, type Keys, type ShopRef } from "./keys.js";

/** Retention of events and of the dedup index (architecture.md "Event time, any order": 31 days). */
export const RETENTION_MS = 31 * 86_400_000;
/** Keys live a day past retention, so a quiet shop's state disappears by itself. */
const TTL_SECONDS = 32 * 86_400;

const LUA_DIR = new URL("./lua/", import.meta.url);

export interface StoredEvent {
  event: CanonicalEvent;
  atMs: number;
  /** The exact JSON stored; the log's member. */
  json: string;
}

/** The processor's Redis state: each shop's retained events, its alert states, and the due index. */
export class ShopStore {
  readonly keys: Keys;
  constructor(
    readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = createKeys(prefix);
    defineLuaScripts(redis, LUA_DIR);
  }

  /**
   * Applies each shop's events with one script call, all calls in one pipeline (architecture.md "One script
   * call per shop per batch"). Resolves with the number of new events per shop once Redis has applied them.
   */
  async applyBatch(byShop: Map<string, { shop: ShopRef; events: StoredEvent[] }>, nowMs: number): Promise<Map<string, number>> {
    if (byShop.size === 0) return new Map();
    const pipeline = this.redis.pipeline();
    const order: string[] = [];
    for (const [key, { shop, events }] of byShop) {
      const args: (string | number)[] = [nowMs - RETENTION_MS, TTL_SECONDS];
      for (const e of events) args.push(e.event.id, e.atMs, e.json);
      queueLuaScript(pipeline, "applyEvents", [this.keys.shopIds(shop), this.keys.shopLog(shop)], args);
      order.push(key);
    }
    const replies = (await pipeline.exec()) ?? [];
    const out = new Map<string, number>();
    replies.forEach(([err, added], i) => {
      if (err) throw new Error(`applyEvents failed for ${order[i]}`, { cause: err });
      out.set(order[i]!, Number(added));
    });
    return out;
  }

  /** The shop's retained events (any order; the engine sorts). */
  async loadEvents(shop: ShopRef, nowMs: number): Promise<CanonicalEvent[]> {
    const members = await this.redis.zrangebyscore(this.keys.shopLog(shop), nowMs - RETENTION_MS, "+inf");
    // Only events validated at intake are ever stored, so they are not validated again on this hot path.
    return members.map((m) => JSON.parse(m) as CanonicalEvent);
  }

  async hasShop(shop: ShopRef): Promise<boolean> {
    return (await this.redis.exists(this.keys.shopLog(shop))) === 1;
  }

  async alertStates(shop: ShopRef): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.shopAlerts(shop));
  }

  async saveAlertStates(shop: ShopRef, states: Record<string, string>): Promise<void> {
    if (Object.keys(states).length === 0) return;
    const key = this.keys.shopAlerts(shop);
    await this.redis.multi().hset(key, states).expire(key, TTL_SECONDS).exec();
  }

  /** Records when the shop must next be re-evaluated without a new event. */
  async setDue(shopKey: string, atMs: number): Promise<void> {
    await this.redis.zadd(this.keys.due(), atMs, shopKey);
  }

  async dueShops(nowMs: number, limit = 500): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.due(), "-inf", nowMs, "LIMIT", 0, limit);
  }
}
