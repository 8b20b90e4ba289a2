import { toMillis, type CanonicalEvent } from "@sg/events";
import { createRedis, deleteByPrefix } from "@sg/redis";
import { testInfra, uniqueName } from "@sg/test";
import { describe, expect, it } from "vitest";
import { evaluateShop } from "../engine/evaluate.js";
import { EntityStore, type ShopEvents } from "./entity-store.js";

const shop = { platform: "douyin", shopId: "switch" };
const at = (s: string) => Date.parse(`2026-${s}+08:00`);
const ev = (id: string, type: string, ms: number, extra: Record<string, unknown> = {}) =>
  ({ id, type, ...shop, at: new Date(ms).toISOString(), ...extra }) as unknown as CanonicalEvent;
const batch = (events: CanonicalEvent[]) =>
  new Map<string, ShopEvents>([["douyin:switch", { shop, events: events.map((event) => ({ event, atMs: toMillis(event.at) })) }]]);

/**
 * Engine v2 accounts every selectable Douyin pack, so `latest` moves from douyin@2023-06 to douyin@2026-05 at
 * midnight of 2026-05-07 on the state it already has, and the shop's choice can change between evaluations,
 * with the same results as the pure engine over the whole history.
 */
describe("EntityStore: the pack in force changes without a rebuild", () => {
  it("latest switches at the effective date, and a named pack reads the same state", async () => {
    const redis = createRedis(testInfra().redisUrl);
    const prefix = uniqueName("switch");
    const store = new EntityStore(redis, prefix);
    try {
      const events = [
        ev("p1", "order.paid", at("05-04T10:00:00")),
        ev("k1", "logistics.picked_up", at("05-04T20:00:00")),
        ev("p2", "order.paid", at("05-05T20:00:00")),
        ev("k2", "logistics.picked_up", at("05-06T09:00:00")),
      ].map((e, i) => ({ ...e, orderId: `o${(i >> 1) + 1}` }));
      await store.applyBatch(batch(events), at("05-06T10:00:00"), () => 0);

      const before = await store.evaluate(shop, at("05-06T23:59:59"), { pack: "latest" });
      expect(before!.snapshot.rulePack).toBe("douyin@2023-06");
      expect(before!.snapshot.metrics.pickup_24h_rate).toMatchObject({ numerator: 2, denominator: 2 });

      const after = await store.evaluate(shop, at("05-07T00:00:00"), { pack: "latest" });
      expect(after!.snapshot.rulePack).toBe("douyin@2026-05");
      // 10 h, and 3 h from the 06:00 start of an order paid at 20:00: the days before the effective date count.
      expect(after!.snapshot.metrics.avg_pickup_hours).toMatchObject({ value: 6.5, numerator: 13, denominator: 2 });
      expect(after!.snapshot.metrics.valid_paid_orders).toMatchObject({ value: 2 });

      for (const pack of ["douyin@2026-09", "douyin@2023-06"]) {
        const asOf = at("05-08T12:00:00");
        const v2 = await store.evaluate(shop, asOf, { pack });
        const pure = evaluateShop({ ...shop, platform: "douyin", events, asOf, shop: { pack } });
        expect(v2!.snapshot.rulePack).toBe(pack);
        expect(v2!.snapshot.metrics).toEqual(pure.snapshot.metrics);
      }
    } finally {
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    }
  });
});
