import { describe, expect, it } from "vitest";
import type { CanonicalEvent, Platform } from "@sg/events";
import { createRedis, deleteByPrefix } from "@sg/redis";
import { testInfra, uniqueName } from "@sg/test";
import { buildAccounting, type Accounting } from "../engine/incremental/accounting.js";
import { dayNumber } from "../engine/incremental/contrib.js";
import { packsWithNinetyDayWindow } from "../testing/ninety-day-pack.js";
import { EntityStore, type ShopEvents } from "./entity-store.js";

const DAY = 86_400_000;
const H = 3_600_000;
const now = Date.parse("2026-03-10T12:00:00+08:00");

/** Accounting over the shipped packs and a Douyin pack with a 90-day window: Douyin keeps 92 days, the others 32. */
function accountingWithNinetyDays(): (platform: Platform) => Accounting {
  const packs = packsWithNinetyDayWindow();
  const cache = new Map<Platform, Accounting>();
  return (p) => {
    let a = cache.get(p);
    if (!a) cache.set(p, (a = buildAccounting(p, packs)));
    return a;
  };
}

const signedOrders = (platform: string, shopId: string, n: number, t: number): ShopEvents => {
  const events: CanonicalEvent[] = [];
  for (let i = 0; i < n; i++) {
    const base = { platform, shopId, orderId: `o${i}` };
    const at = t + i * 60_000;
    events.push(
      { id: `${i}p`, type: "order.paid", ...base, at, amount: 10 } as unknown as CanonicalEvent,
      { id: `${i}k`, type: "logistics.picked_up", ...base, at: at + 2 * H } as unknown as CanonicalEvent,
      { id: `${i}g`, type: "logistics.signed", ...base, at: at + 30 * H } as unknown as CanonicalEvent,
    );
  }
  return { shop: { platform, shopId }, events: events.map((event) => ({ event, atMs: Number(event.at) })) };
};

/** Retention per platform on the real Redis: records, state keys and day aggregates follow the longest window. */
describe("retention follows the platform's longest window", () => {
  it("keeps a 90-day platform's signed orders and aggregates 92 days, and another platform's 32", async () => {
    const redis = createRedis(testInfra().redisUrl);
    const prefix = uniqueName("ret");
    const store = new EntityStore(redis, prefix, accountingWithNinetyDays());
    const douyin = { platform: "douyin", shopId: "long" };
    const pdd = { platform: "pdd", shopId: "short" };
    const n = 20;
    const start = now - 5 * DAY;
    try {
      await store.applyBatch(
        new Map([
          ["douyin:long", signedOrders("douyin", "long", n, start)],
          ["pdd:short", signedOrders("pdd", "short", n, start)],
        ]),
        now,
        () => 0,
      );
      // The orders count on the days of their payment, pickup and signing.
      const days = [0, 1, 2].map((i) => dayNumber(start) + i);
      const aggFields = async (shop: typeof douyin) => {
        let sum = 0;
        for (const d of days) sum += await redis.hlen(store.keys.day(shop, d));
        return sum;
      };
      const aggKey = async (shop: typeof douyin) => {
        for (const d of days) if ((await redis.hlen(store.keys.day(shop, d))) > 0) return store.keys.day(shop, d);
        throw new Error(`${shop.platform}: no day aggregates`);
      };
      for (const shop of [douyin, pdd]) {
        expect(await redis.hlen(store.keys.entities(shop))).toBe(n);
        expect(await aggFields(shop)).toBeGreaterThan(0);
      }
      // The state keys' time to live: 92 days for Douyin, 32 for Pinduoduo (day aggregates twice that).
      const ttlDays = async (key: string) => (await redis.ttl(key)) / 86_400;
      expect(await ttlDays(store.keys.entities(douyin))).toBeGreaterThan(91.9);
      expect(await ttlDays(store.keys.entities(douyin))).toBeLessThanOrEqual(92);
      expect(await ttlDays(await aggKey(douyin))).toBeGreaterThan(183.9);
      expect(await ttlDays(store.keys.entities(pdd))).toBeGreaterThan(31.9);
      expect(await ttlDays(store.keys.entities(pdd))).toBeLessThanOrEqual(32);
      expect(await ttlDays(await aggKey(pdd))).toBeLessThanOrEqual(64);

      // 33 days after the last signing: Pinduoduo's orders can count in no window and are swept; Douyin's
      // still count in the 90-day window and are kept, their aggregates with them.
      const lastSigned = start + (n - 1) * 60_000 + 30 * H;
      const month = lastSigned + 33 * DAY;
      await store.evaluate(pdd, month, {});
      await store.evaluate(douyin, month, {});
      expect(await redis.hlen(store.keys.entities(pdd))).toBe(0);
      expect(await aggFields(pdd)).toBe(0);
      expect(await redis.hlen(store.keys.entities(douyin))).toBe(n);
      expect(await aggFields(douyin)).toBeGreaterThan(0);

      // Just before 92 days after the first signing nothing has gone; 92 days after the last, all of them, and their contributions with them.
      const firstSigned = start + 30 * H;
      await store.evaluate(douyin, firstSigned + 92 * DAY - 60_000, {});
      expect(await redis.hlen(store.keys.entities(douyin))).toBe(n);
      await store.evaluate(douyin, lastSigned + 92 * DAY + 60_000, {});
      expect(await redis.hlen(store.keys.entities(douyin))).toBe(0);
      expect(await aggFields(douyin)).toBe(0);
    } finally {
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    }
  });
});
