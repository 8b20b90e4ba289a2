import { EntityStore } from "./entity-store.js";
import { describe, expect, it } from "vitest";
import type { CanonicalEvent } from "@sg/events";
import { createRedis } from "@sg/redis";
import { testInfra, uniqueName } from "@sg/test";
import { RETENTION_MS, ShopStore } from "./shop-store.js";

/** applyEvents.lua on the real Redis: idempotent, latest tracking update only, trimmed at retention, TTLs. */
describe("ShopStore", () => {
  const shop = { platform: "douyin", shopId: "st" };
  const now = Date.parse("2026-03-10T12:00:00+08:00");
  const ev = (id: string, type: string, at: number, extra: Record<string, unknown> = {}) =>
    ({ id, type, ...shop, at, orderId: "o1", ...extra }) as unknown as CanonicalEvent;
  const stored = (e: CanonicalEvent) => ({ event: e, atMs: Number(e.at), json: JSON.stringify(e) });
  const apply = (store: ShopStore, events: CanonicalEvent[], at = now) =>
    store.applyBatch(new Map([["douyin:st", { shop, events: events.map(stored) }]]), at);

  it("applies each id once, keeps only an order's latest tracking update, and trims at retention", async () => {
    const redis = createRedis(testInfra().redisUrl);
    const store = new ShopStore(redis, uniqueName("store"));
    try {
      const h = 3_600_000;
      const paid = ev("p", "order.paid", now - 50 * h);
      const u1 = ev("u1", "logistics.updated", now - 30 * h);
      const u2 = ev("u2", "logistics.updated", now - 20 * h);
      const u0 = ev("u0", "logistics.updated", now - 40 * h);
      expect((await apply(store, [paid, u1])).get("douyin:st")).toBe(2);
      // u2 is later and replaces u1; u0 arrives late but is older, and changes nothing kept; p is a duplicate.
      expect((await apply(store, [u2, u0, paid])).get("douyin:st")).toBe(2);
      const kept = (await store.loadEvents(shop, now)).map((e) => e.id).sort();
      expect(kept).toEqual(["p", "u2"]);
      expect(await redis.ttl(store.keys.shopTrack(shop))).toBeGreaterThan(30 * 86_400);

      // Chat compaction: a settled conversation from three days ago keeps its last reply, the stage mark at or
      // before it (the transfer) and the marks after it (the close); the answered message goes.
      const c = (id: string, type: string, at: number, extra: Record<string, unknown> = {}) =>
        ({ id, type, ...shop, at, consumerId: "u", ...extra }) as unknown as CanonicalEvent;
      await apply(store, [
        c("ct", "chat.transferred", now - 72 * h),
        c("cm", "chat.message", now - 72 * h + 1000, { sender: "consumer" }),
        c("ca", "chat.message", now - 72 * h + 60_000, { sender: "agent" }),
        c("cc", "chat.closed", now - 71 * h),
      ]);
      expect(await store.compactChat(shop, now)).toBe(1);
      expect(await store.compactChat(shop, now)).toBe(0);
      expect((await store.loadEvents(shop, now)).map((e) => e.id).sort()).toEqual(["ca", "cc", "ct", "p", "u2"]);

      // 31 days later (relative to the events), everything has aged out of retention.
      const later = now + RETENTION_MS;
      await apply(store, [ev("x", "order.paid", later, { orderId: "o2" })], later);
      expect((await store.loadEvents(shop, later)).map((e) => e.id)).toEqual(["x"]);
      expect(await redis.hlen(store.keys.shopTrack(shop))).toBe(0);
      expect(await redis.zcard(store.keys.shopIds(shop))).toBe(1);

      // The due index (engine v2's store): set with a TTL, cleared for a shop with nothing left.
      const es = new EntityStore(redis, store.keys.all().slice(0, -2));
      await es.setDue("douyin:st", 2, later + 1000);
      expect(await es.dueShops(2, later + 1000)).toEqual(["douyin:st"]);
      expect(await redis.ttl(store.keys.due(2))).toBeGreaterThan(0);
      await es.clearDue("douyin:st", 2);
      expect(await es.dueShops(2, later + 1000)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
