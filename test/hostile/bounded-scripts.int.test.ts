// Every Lua script of the processor's state does bounded work per call, whatever one shop sends in one
// batch: a shop with 50,000 after-sales (and so 50,000 orders) applied in ONE batch, all their merchant
// deadlines then due in one evaluation, and the snapshot written. loadEntities.lua once refused such a
// batch ("too many results to unpack") and the partition stopped for good.
import type { CanonicalEvent } from "@sg/events";
import { EntityStore, type ShopEvents } from "@sg/processor/state";
import { createRedis, deleteByPrefix } from "@sg/redis";
import { afterAll, describe, expect, it } from "vitest";
import { testInfra, uniqueName } from "../src/index.js";

const N = 50_000;
const H = 3_600_000;
const shop = { platform: "pdd", shopId: "huge" };
const now = Date.parse("2026-03-10T12:00:00+08:00");

describe("bounded scripts: a shop with 50,000 entities in one batch", () => {
  const redis = createRedis(testInfra().redisUrl);
  const prefix = uniqueName("bounded");
  afterAll(async () => {
    await deleteByPrefix(redis, prefix);
    await redis.quit();
  });

  it("applies the batch, fires all 50,000 due deadlines in one evaluation, and re-applies it as duplicates", async () => {
    const store = new EntityStore(redis, prefix);
    const events = Array.from({ length: N }, (_, i) => ({
      event: {
        id: `e${i}`,
        type: "aftersale.requested",
        ...shop,
        at: new Date(now - 2 * H).toISOString(),
        afterSaleId: `a${i}`,
        orderId: `o${i}`,
        kind: "refund_only",
        reason: "quality",
        afterShipment: false,
      } as unknown as CanonicalEvent,
      atMs: now - 2 * H,
    }));
    const batch = new Map<string, ShopEvents>([["pdd:huge", { shop, events }]]);
    const changed = await store.applyBatch(batch, now, () => 0);
    expect(changed.get("pdd:huge")).toBeGreaterThanOrEqual(N);
    expect(await redis.hlen(store.keys.entities(shop))).toBe(2 * N);
    // The same batch again (a redelivery after a crash): nothing changes.
    const again = await store.applyBatch(batch, now, () => 0);
    expect(again.get("pdd:huge")).toBe(0);

    const open = await store.evaluate(shop, now, {});
    const pendingOf = (ev: NonNullable<typeof open>) => Math.max(...ev.states.map((s) => s.measured.pending ?? 0));
    expect(open).toBeDefined();
    expect(pendingOf(open!)).toBe(N);
    // Three days later every merchant deadline (48 h at most) has passed: 50,000 timers due at once, taken
    // in passes of bounded size inside one evaluation.
    const later = await store.evaluate(shop, now + 72 * H, {});
    expect(later).toBeDefined();
    expect(pendingOf(later!)).toBe(0);
    expect(await redis.zcount(store.keys.timers(shop), "-inf", now + 72 * H)).toBe(0);
  });
});
