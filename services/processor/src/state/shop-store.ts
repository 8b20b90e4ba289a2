import { toMillis, type CanonicalEvent } from "@sg/events";
import { defineLuaScripts, queueLuaScript, type Redis } from "@sg/redis";
import { chatCutoff, droppableChatEvents } from "./chat-compaction.js";
import { createKeys, type Keys, type ShopRef } from "./keys.js";

/** Retention of events and of the dedup index (architecture.md "Event time, any order": 31 days). */
export const RETENTION_MS = 31 * 86_400_000;
/**
 * Where an event is kept: an order's `logistics.updated` events only set the time of its last tracking
 * update (`stalled_shipments`), so only the order's latest one is kept, under the order id. Every other
 * event is kept as is. This is exact under any arrival order: the latest of the kept ones is the latest.
 */
function lane(e: CanonicalEvent): string {
  return e.type === "logistics.updated" ? e.orderId : "";
}

/** Keys live a day past retention, so a quiet shop's state disappears by itself. */
const TTL_SECONDS = 32 * 86_400;

const LUA_DIR = new URL("./lua/", import.meta.url);

export interface StoredEvent {
  event: CanonicalEvent;
  atMs: number;
  /** The exact JSON stored; the log's member. */
  json: string;
}

/**
 * The engine v1 state, kept as the reference path (README "How it computes exactly"; `npm run bench` measures
 * it against engine v2's EntityStore): each shop's retained canonical events, which the pure reference
 * engine `evaluateShop` evaluates whole.
 */
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
      for (const e of events) args.push(e.event.id, e.atMs, e.json, lane(e.event));
      queueLuaScript(pipeline, "applyEvents", this.shopKeys(shop), args);
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

  /** The keys `applyEvents.lua` touches, all with the shop's hash tag. */
  shopKeys(shop: ShopRef): string[] {
    return [this.keys.shopIds(shop), this.keys.shopLog(shop), this.keys.shopTrack(shop), this.keys.shopTrackIndex(shop)];
  }

  /** The shop's retained events (any order; the engine sorts). */
  async loadEvents(shop: ShopRef, nowMs: number): Promise<CanonicalEvent[]> {
    const cutoff = nowMs - RETENTION_MS;
    const [members, tracks] = await Promise.all([
      this.redis.zrangebyscore(this.keys.shopLog(shop), cutoff, "+inf"),
      this.redis.hvals(this.keys.shopTrack(shop)),
    ]);
    // Only events validated at intake are ever stored, so they are not validated again on this hot path.
    const events = members.map((m) => JSON.parse(m) as CanonicalEvent);
    for (const t of tracks) {
      const e = JSON.parse(t) as CanonicalEvent;
      if (toMillis(e.at) >= cutoff) events.push(e);
    }
    return events;
  }

  /**
   * Drops the shop's old chat-stage events that no result can depend on any more (chat-compaction.ts), once
   * per day. Late events before an already-compacted cutoff are compacted on the next day's pass.
   * Returns the number of events dropped.
   */
  async compactChat(shop: ShopRef, nowMs: number): Promise<number> {
    const cutoff = chatCutoff(nowMs);
    const meta = this.keys.shopMeta(shop);
    if (Number((await this.redis.hget(meta, "chatCompactedTo")) ?? 0) >= cutoff) return 0;
    const log = this.keys.shopLog(shop);
    const members = await this.redis.zrangebyscore(log, "-inf", `(${cutoff}`);
    const parsed = members.map((m) => ({ m, e: JSON.parse(m) as CanonicalEvent }));
    const drop = new Set(
      droppableChatEvents(
        parsed.map((p) => p.e),
        cutoff,
      ),
    );
    const gone = parsed.filter((p) => drop.has(p.e.id)).map((p) => p.m);
    for (let i = 0; i < gone.length; i += 1000) await this.redis.zrem(log, ...gone.slice(i, i + 1000));
    await this.redis.multi().hset(meta, "chatCompactedTo", String(cutoff)).expire(meta, TTL_SECONDS).exec();
    return gone.length;
  }
}
