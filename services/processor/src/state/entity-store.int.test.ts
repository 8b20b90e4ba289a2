import { describe, expect, it } from "vitest";
import type { CanonicalEvent } from "@sg/events";
import { createRedis, deleteByPrefix } from "@sg/redis";
import { testInfra, uniqueName } from "@sg/test";
import { decodeStored } from "../engine/incremental/codec.js";
import { dayNumber } from "../engine/incremental/contrib.js";
import { EntityStore, type ShopEvents } from "./entity-store.js";

const DAY = 86_400_000;
const H = 3_600_000;
const shop = { platform: "douyin", shopId: "es" };
const now = Date.parse("2026-03-10T12:00:00+08:00");
const ev = (id: string, type: string, at: number, extra: Record<string, unknown> = {}) =>
  ({ id, type, ...shop, at, ...extra }) as unknown as CanonicalEvent;
const batch = (events: CanonicalEvent[]) =>
  new Map<string, ShopEvents>([["douyin:es", { shop, events: events.map((event) => ({ event, atMs: Number(event.at) })) }]]);

/** A signed order: paid, shipped, picked up and signed, starting at `t`. */
const signedOrder = (id: string, t: number) => [
  ev(`${id}p`, "order.paid", t, { orderId: id, amount: 10 }),
  ev(`${id}s`, "order.shipped", t + H, { orderId: id }),
  ev(`${id}k`, "logistics.picked_up", t + 2 * H, { orderId: id }),
  ev(`${id}g`, "logistics.signed", t + 30 * H, { orderId: id }),
];

/** EntityStore on the real Redis: compact records, timers only for coming changes, expiry by the sweep. */
describe("EntityStore", () => {
  it("keeps no timer for a settled entity, and the sweep removes expired records a slice per evaluation", async () => {
    const redis = createRedis(testInfra().redisUrl);
    const prefix = uniqueName("es");
    const store = new EntityStore(redis, prefix);
    try {
      // More than a listpack holds (512), so the hash is a hashtable, scanned in slices.
      const n = 600;
      const events = Array.from({ length: n }, (_, i) => signedOrder(`o${i}`, now - 5 * DAY + i * 60_000)).flat();
      await store.applyBatch(batch(events), now, () => 0);
      expect(await redis.hlen(store.keys.entities(shop))).toBe(n);
      // Closed orders change no more by themselves: no timer each.
      expect(await redis.zcard(store.keys.timers(shop))).toBe(0);
      // A live order has its timer (stall after its last tracking update).
      await store.applyBatch(batch(signedOrder("live", now - H).slice(0, 3)), now, () => 0);
      expect(await redis.zscore(store.keys.timers(shop), "o:live")).not.toBeNull();
      const pickupDay = dayNumber(now - 5 * DAY + 2 * H);
      expect(await redis.hlen(store.keys.day(shop, pickupDay))).toBeGreaterThan(0);

      // 32 days after their last fact the signed orders can change no window; the live one is kept. An
      // evaluation sweeps one slice, at most once a minute; successive ones remove them all.
      const later = now + 33 * DAY;
      expect(await store.evaluate(shop, later, {})).toBeDefined();
      const afterOne = await redis.hlen(store.keys.entities(shop));
      expect(afterOne).toBeLessThan(n + 1);
      expect(afterOne).toBeGreaterThan(n / 2);
      // Within the minute: no second step.
      await store.evaluate(shop, later + 1000, {});
      expect(await redis.hlen(store.keys.entities(shop))).toBe(afterOne);
      for (let i = 1; i <= 100 && (await redis.hlen(store.keys.entities(shop))) > 1; i++)
        await store.evaluate(shop, later + i * 60_000, {});
      expect(await redis.hkeys(store.keys.entities(shop))).toEqual(["o:live"]);
      // Removing them subtracted their contributions: the aggregates of the days they counted on are empty.
      expect(await redis.hlen(store.keys.day(shop, pickupDay))).toBe(0);
    } finally {
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    }
  });

  it("continues a state stored in the JSON form with links, and moves it to the compact form", async () => {
    const redis = createRedis(testInfra().redisUrl);
    const prefix = uniqueName("es");
    const store = new EntityStore(redis, prefix);
    try {
      // The state an earlier version wrote for an order and its after-sale request (JSON records, a link).
      const t = now - 2 * DAY;
      await store.applyBatch(batch(signedOrder("o1", t)), t + 31 * H, () => 0);
      const asJson = JSON.stringify([t + 40 * H, { q: [t + 40 * H, "r1", "o1", "refund_only", "quality", 1, 0] }]);
      const orderNow = decodeStored("o:o1", (await redis.hget(store.keys.entities(shop), "o:o1"))!);
      const orderJson = JSON.stringify([
        t + 40 * H,
        { ...orderNow.rec, as: { as1: [t + 40 * H, "r1", "refund_only", "quality", 1, 0, 0, "", "", -1, 0] } },
      ]);
      await redis.hset(store.keys.entities(shop), "a:as1", asJson, "o:o1", orderJson);
      await redis.hset(store.keys.links(shop), "as1", "o1");

      // The merchant agrees and the refund completes: the order's summary (found through the link) follows.
      await store.applyBatch(
        batch([
          ev("a1", "aftersale.merchant_acted", t + 41 * H, { orderId: "o1", afterSaleId: "as1", decision: "agree" }),
          ev("c1", "aftersale.completed", t + 42 * H, { orderId: "o1", afterSaleId: "as1", outcome: "refunded" }),
        ]),
        now,
        () => 0,
      );
      const a = await redis.hget(store.keys.entities(shop), "a:as1");
      const o = await redis.hget(store.keys.entities(shop), "o:o1");
      expect(a?.startsWith("~o1;")).toBe(true);
      expect(o?.startsWith("~;")).toBe(true);
      const summary = (decodeStored("o:o1", o!).rec as { as?: Record<string, unknown[]> }).as?.["as1"];
      expect(summary?.[7]).toBe("agree");
      expect(summary?.[9]).toBe(t + 42 * H);
      // The record names its order now: the link is gone.
      expect(await redis.hexists(store.keys.links(shop), "as1")).toBe(0);

      // A later event of the after-sale finds the order through the compact record alone.
      await store.applyBatch(
        batch([ev("i1", "aftersale.platform_intervened", t + 43 * H, { orderId: "o1", afterSaleId: "as1" })]),
        now,
        () => 0,
      );
      const o2 = decodeStored("o:o1", (await redis.hget(store.keys.entities(shop), "o:o1"))!);
      expect((o2.rec as { as?: Record<string, unknown[]> }).as?.["as1"]?.[10]).toBe(1);
    } finally {
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    }
  });
});
