import { describe, expect, it } from "vitest";
import type { CanonicalEvent, Platform } from "@sg/events";
import { createRedis, deleteByPrefix } from "@sg/redis";
import { testInfra, uniqueName } from "@sg/test";
import { mulberry32, randomStream } from "../testing/random-events.js";
import type { ShopAggregates } from "../engine/incremental/measure.js";
import { EntityStore, packInForce, type ShopEvents } from "./entity-store.js";

const DAY = 86_400_000;
const H = 3_600_000;
/** Asia/Shanghai 2026-03-01 00:00. */
const FIRST = Date.parse("2026-03-01T00:00:00+08:00");
const shop = { platform: "douyin" as Platform, shopId: "cached" };
const shopKey = "douyin:cached";

/** The clock of the evaluations: Shanghai 08:00-23:00 only (chat metrics), moving `step` at a time. */
function nextClock(t: number, step: number): number {
  const n = t + step;
  const hour = new Date(n + 8 * H).getUTCHours();
  if (hour >= 8 && hour < 23) return n;
  const day = Math.floor((n + 8 * H) / DAY) * DAY - 8 * H;
  return (hour >= 23 ? day + DAY : day) + 8 * H;
}

/** Aggregates in a form whose equality is content equality (maps and orders of fields left out). */
function plain(a: ShopAggregates | undefined): unknown {
  if (a === undefined) return undefined;
  const sortKeys = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).sort(([x], [y]) => (x < y ? -1 : 1)));
  return {
    days: [...a.days].map(([d, h]) => [d, sortKeys(h)]),
    cur: sortKeys(a.cur),
    pending: [...a.pending].map((p) => JSON.stringify(p)).sort(),
    nextTimer: a.nextTimer,
    appealed: a.appealed ? [...a.appealed.records.keys()].sort() : undefined,
  };
}

/**
 * The store's aggregate cache (aggregate-cache.ts, readAggregates.lua, the stamps of commitEntities.lua) on a
 * real redis-server: every evaluation of an instance that keeps its aggregates between evaluations equals a
 * fresh instance's (which reads every part), while another instance commits events, late events change old
 * days, a commit without stamps (an older commitEntities.lua) changes a held day, a day's key expires, the
 * state is lost and rebuilt (its stamps begin again), and the clock moves day to day.
 */
describe("aggregate cache", () => {
  it("every cached evaluation equals a fresh store's, through other instances' commits, late events, unstamped commits, expiry and rebuilds", async () => {
    const redis = createRedis(testInfra().redisUrl);
    const other = createRedis(testInfra().redisUrl);
    const prefix = uniqueName("aggc");
    const cached = new EntityStore(redis, prefix);
    const writer = new EntityStore(other, prefix);
    const fresh = () => new EntityStore(other, prefix, undefined, 0);
    const rnd = mulberry32(20_261_206);
    try {
      // Eight days of streams, delivered in shuffled chunks: late events land on days already read.
      const events: CanonicalEvent[] = [];
      for (let d = 0; d < 8; d++)
        events.push(
          ...randomStream({ seed: 100 + d, platform: shop.platform, shopId: shop.shopId, startMs: FIRST + d * DAY, idPrefix: `d${d}-` }),
        );
      const order = events.map((e) => ({ e, k: Number(e.at) + (rnd() < 0.3 ? 4 * DAY * rnd() : 0) })).sort((x, y) => x.k - y.k);
      const delivered: CanonicalEvent[] = [];
      let now = FIRST + 8 * H;
      let compared = 0;
      let unchangedParts = 0;
      let stampless = 0;
      let expiredDays = 0;
      const check = async (what: string) => {
        const pack = packInForce(shop, {}, now);
        const a = await cached.evaluate(shop, now, {});
        const b = await fresh().evaluate(shop, now, {});
        expect(JSON.stringify(a), `${what} at ${new Date(now).toISOString()}: evaluation`).toBe(JSON.stringify(b));
        const ra = await cached.readAggregates(shop, pack, now);
        const rb = await fresh().readAggregates(shop, pack, now);
        expect(plain(ra), `${what} at ${new Date(now).toISOString()}: aggregates`).toEqual(plain(rb));
        compared++;
      };
      const apply = async (store: EntityStore, chunk: CanonicalEvent[]) => {
        const byShop = new Map<string, ShopEvents>([[shopKey, { shop, events: chunk.map((event) => ({ event, atMs: now })) }]]);
        await store.applyBatch(byShop, now, () => 0);
        delivered.push(...chunk);
      };
      let at = 0;
      for (let step = 0; at < order.length; step++) {
        // Deliver what has arrived by the clock (late ones among them), by either instance.
        const chunk: CanonicalEvent[] = [];
        while (at < order.length && order[at]!.k <= now && chunk.length < 300) chunk.push(order[at++]!.e);
        if (chunk.length > 0) await apply(step % 3 === 0 ? cached : writer, chunk);
        await check(`step ${step}`);
        const held = cached.aggregateCache.held(shopKey);
        const dayNames = [...held.keys()].filter((k): k is number => typeof k === "number");
        if (step % 7 === 3 && dayNames.length > 0) {
          // A commit without stamps (commitEntities.lua before the stamps): a held day changes, the version
          // moves, no stamp does; then the same again, undoing it.
          const day = dayNames[Math.floor(rnd() * dayNames.length)]!;
          const key = cached.keys.day(shop, day);
          await other.multi().hincrby(key, "test|x", 7).hincrby(cached.keys.shopMeta(shop), "v", 1).exec();
          await check(`step ${step}, an unstamped commit on day ${day}`);
          await other.multi().hincrby(key, "test|x", -7).hdel(key, "test|x").hincrby(cached.keys.shopMeta(shop), "v", 1).exec();
          await check(`step ${step}, the unstamped commit undone`);
          stampless++;
        }
        const withData = dayNames.filter((d) => Object.keys(held.get(d)!.data).length > 0);
        if (step % 11 === 5 && withData.length > 0) {
          // A day's key expires (its TTL) while this process holds it: nothing else changes.
          const day = withData[0]!;
          expiredDays++;
          await other.del(cached.keys.day(shop, day));
          await check(`step ${step}, day ${day} expired`);
        }
        if (step === 17) {
          // The state is lost (a flush, a restart without persistence) and rebuilt from what was delivered:
          // the new stamps must not meet the held ones.
          await deleteByPrefix(other, prefix);
          const again = [...delivered];
          delivered.length = 0;
          for (let i = 0; i < again.length; i += 200) await apply(writer, again.slice(i, i + 200));
          await check(`step ${step}, state rebuilt`);
        }
        // Parts unchanged since the last read are not sent again (the cache is used at all).
        const before = cached.bytesRead;
        const again = cached.aggregateCache.held(shopKey);
        await cached.readAggregates(shop, packInForce(shop, {}, now), now);
        if (cached.bytesRead === before) unchangedParts += again.size;
        now = nextClock(now, 2 * H + Math.floor(rnd() * 3 * H));
      }
      // Days roll out of the windows as the clock moves on past the stream.
      for (let i = 0; i < 6; i++) {
        now = nextClock(now, DAY / 2);
        await check(`after the stream, ${i}`);
      }
      expect(compared).toBeGreaterThan(40);
      expect(stampless).toBeGreaterThan(2);
      expect(expiredDays).toBeGreaterThan(1);
      expect(unchangedParts).toBeGreaterThan(100);
      expect(cached.aggregateCache.size).toBeGreaterThan(0);
    } finally {
      await deleteByPrefix(other, prefix);
      redis.disconnect();
      other.disconnect();
    }
  }, 240_000);
});
