import { describe, expect, it } from "vitest";
import type { CanonicalEvent } from "@sg/events";
import { createRedis, deleteByPrefix } from "@sg/redis";
import { testInfra, uniqueName } from "@sg/test";
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

/** Every key of a store's shop but its bookkeeping and seen-id index, read whole: what the shop's metrics read. */
async function stateOf(redis: ReturnType<typeof createRedis>, prefix: string): Promise<Record<string, unknown>> {
  const keys = (await redis.keys(`${prefix}:*`)).filter((k) => !k.endsWith(":meta") && !k.endsWith(":seen") && !k.includes(":due:"));
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const type = await redis.type(k);
    const name = k.slice(prefix.length);
    out[name] = type === "hash" ? await redis.hgetall(k) : await redis.zrange(k, 0, -1, "WITHSCORES");
  }
  return out;
}

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

  it("a re-used id with a different body changes nothing: across the shop's entities, across chunks of a batch, and within a chunk the first wins", async () => {
    const redis = createRedis(testInfra().redisUrl);
    const prefix = uniqueName("es");
    const store = new EntityStore(redis, prefix);
    const twinPrefix = uniqueName("es");
    const twin = new EntityStore(redis, twinPrefix);
    try {
      const t = now - 3 * DAY;
      const orders = Array.from({ length: 300 }, (_, i) => signedOrder(`o${i}`, t + i * 60_000)).flat();
      const chat = [
        ev("u1t", "chat.transferred", now - 2 * H, { consumerId: "u1" }),
        ev("u1m", "chat.message", now - 2 * H + 1000, { consumerId: "u1", sender: "consumer" }),
        ev("u1r", "chat.message", now - 2 * H + 60_000, { consumerId: "u1", sender: "agent" }),
      ];
      // Re-used ids, each with another body: another entity and type, another time, another field value.
      const impostors = [
        ev("o0p", "order.cancelled", t - H, { orderId: "o1" }),
        ev("o5g", "logistics.signed", t + 3 * H, { orderId: "o5" }),
        ev("u1r", "chat.message", now - 2 * H + 30_000, { consumerId: "u1", sender: "agent" }),
        ev("u1m", "chat.message", now - 2 * H + 1000, { consumerId: "u2", sender: "consumer" }),
        ev("o7p", "aftersale.requested", t + 5 * H, {
          orderId: "o7",
          afterSaleId: "as7",
          kind: "refund_only",
          reason: "quality",
          afterShipment: true,
        }),
      ];
      // One batch of 1,200 events is applied in chunks (MAX_KEYS_PER_CALL); its impostors come last, in a later chunk.
      await store.applyBatch(batch([...orders, ...chat, ...impostors]), now, () => 0);
      await twin.applyBatch(batch([...orders, ...chat]), now, () => 0);
      expect(await stateOf(redis, prefix)).toEqual(await stateOf(redis, twinPrefix));
      // Later batches: the impostors again, alone, still change nothing.
      const before = await stateOf(redis, prefix);
      expect(await store.applyBatch(batch(impostors), now + H, () => 0)).toEqual(new Map([["douyin:es", 0]]));
      expect(await stateOf(redis, prefix)).toEqual(before);
      // Within one chunk, the first in arrival order wins.
      const first = ev("x1", "chat.message", now - H, { consumerId: "u9", sender: "consumer" });
      const second = ev("x1", "chat.message", now - H + 5000, { consumerId: "u9", sender: "agent" });
      await store.applyBatch(batch([first, second]), now + H, () => 0);
      await twin.applyBatch(batch([first]), now + H, () => 0);
      expect(await stateOf(redis, prefix)).toEqual(await stateOf(redis, twinPrefix));
      const ev1 = await store.evaluate(shop, now + H, {});
      expect(ev1).toEqual(await twin.evaluate(shop, now + H, {}));
    } finally {
      await deleteByPrefix(redis, prefix);
      await deleteByPrefix(redis, twinPrefix);
      redis.disconnect();
    }
  });

  it("the seen-id index splits its buckets as it grows, and drops an id once its event is past the retention", async () => {
    const redis = createRedis(testInfra().redisUrl);
    const prefix = uniqueName("es");
    const store = new EntityStore(redis, prefix);
    try {
      const n = 4000;
      const events = Array.from({ length: n }, (_, i) =>
        ev(`m${i}`, "chat.message", now - 40 * DAY + i * 60_000, { consumerId: `u${i % 50}`, sender: "consumer" }),
      );
      for (let i = 0; i < n; i += 400) await store.applyBatch(batch(events.slice(i, i + 400)), now, () => 0);
      const seenKey = store.keys.seen(shop);
      const [level, split, count] = (await redis.hget(seenKey, "p"))!.split(",").map(Number);
      expect(count).toBe(n);
      // About 40 entries a bucket: 2^level + split buckets, each with a field.
      const buckets = 2 ** level! + split!;
      expect(buckets).toBeGreaterThanOrEqual(n / 40 - 4);
      expect(await redis.hlen(seenKey)).toBe(buckets + 1);
      // Every id is still found after the splits: the same ids with other bodies change nothing.
      const before = await stateOf(redis, prefix);
      const impostors: CanonicalEvent[] = events.map((e) => ({ ...e, at: Number(e.at) + 1000 }));
      for (let i = 0; i < n; i += 400) await store.applyBatch(batch(impostors.slice(i, i + 400)), now, () => 0);
      expect(await stateOf(redis, prefix)).toEqual(before);

      // 91 days on, the first ids' events are past the retention: the id is free again, and the entries
      // of the buckets a commit touches are dropped.
      const later = now + 51 * DAY;
      const reuse = ev("m0", "chat.message", later - H, { consumerId: "late", sender: "consumer" });
      await store.applyBatch(batch([reuse]), later, () => 0);
      expect(await redis.hexists(store.keys.entities(shop), "c:late")).toBe(1);
      const [, , left] = (await redis.hget(seenKey, "p"))!.split(",").map(Number);
      expect(left).toBeLessThan(n);
      await expectHeadersHold(redis, seenKey);
    } finally {
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    }
  });

  it("reads the seen-id index's older layout (buckets without the header) and writes it back with the header", async () => {
    const redis = createRedis(testInfra().redisUrl);
    const prefix = uniqueName("es");
    const store = new EntityStore(redis, prefix);
    try {
      const n = 600;
      const events = Array.from({ length: n }, (_, i) =>
        ev(`k${i}`, "chat.message", now - 20 * DAY + i * 60_000, { consumerId: `u${i % 30}`, sender: "consumer" }),
      );
      await store.applyBatch(batch(events), now, () => 0);
      const seenKey = store.keys.seen(shop);
      await expectHeadersHold(redis, seenKey);
      // The layout before the header: every bucket's entries alone.
      const fields = await redis.hgetallBuffer(seenKey);
      for (const [f, v] of Object.entries(fields)) if (f !== "p") await redis.hset(seenKey, f, v.subarray(2));
      const before = await stateOf(redis, prefix);
      // Every id is still found in the older layout: the same ids with other bodies change nothing.
      const impostors = events.map((e) => ({ ...e, at: Number(e.at) + 1000, consumerId: "impostor" }));
      for (let i = 0; i < n; i += 100) await store.applyBatch(batch(impostors.slice(i, i + 100)), now, () => 0);
      expect(await stateOf(redis, prefix)).toEqual(before);
      // New ids of older events (so the headers they touch must go down): the buckets they touch are written with
      // the header; the older ids are still held.
      const older = events.map((e) => ({ ...e, id: `new-${e.id}`, at: Number(e.at) - 15 * DAY }));
      await store.applyBatch(batch(older), now, () => 0);
      await expectHeadersHold(redis, seenKey, true);
      const after = await stateOf(redis, prefix);
      for (let i = 0; i < n; i += 100) await store.applyBatch(batch(impostors.slice(i, i + 100)), now, () => 0);
      expect(await stateOf(redis, prefix)).toEqual(after);
    } finally {
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    }
  });
});

/**
 * Every bucket of the seen-id index is a 2-byte header, then whole entries, and no entry's day is before the
 * header's (commitEntities.lua); with `someOld`, buckets still in the older layout (whole entries, no header)
 * are allowed, but at least one has the header.
 */
async function expectHeadersHold(redis: ReturnType<typeof createRedis>, seenKey: string, someOld = false): Promise<void> {
  const fields = await redis.hgetallBuffer(seenKey);
  let headed = 0;
  for (const [f, v] of Object.entries(fields)) {
    if (f === "p") continue;
    if (someOld && v.length % 14 === 0) continue;
    expect(v.length % 14).toBe(2);
    headed += 1;
    const oldest = v.readUInt16BE(0);
    for (let i = 2; i < v.length; i += 14) expect(v.readUInt16BE(i + 12)).toBeGreaterThanOrEqual(oldest);
  }
  expect(headed).toBeGreaterThan(0);
}
