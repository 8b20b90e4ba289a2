/**
 * `npm run measure:memory`: Redis memory of the processor's state, measured with MEMORY USAGE on a real
 * Redis (REDIS_URL, or the local one). Prints bytes per event, per shop-day, per live order and per
 * conversation, for the README.
 */
import { randomUUID } from "node:crypto";
import { shopHashTag, shopKey, type CanonicalEvent, type ShopRef } from "@sg/events";
import { benchInfra } from "./bench-infra.js";
import { EntityStore, type ShopEvents } from "@sg/processor/state";
import { createRedis, deleteByPrefix } from "@sg/redis";

const DAY = 86_400_000;
const H = 3_600_000;
const start = Date.parse("2026-03-01T08:00:00+08:00");

function conversation(shopId: string, i: number, t: number): CanonicalEvent[] {
  const c = { platform: "kuaishou" as const, shopId, consumerId: `consumer-${i}` };
  return [
    { ...c, id: `t-${i}`, type: "chat.transferred", at: t },
    { ...c, id: `m1-${i}`, type: "chat.message", at: t + 1000, sender: "consumer" },
    { ...c, id: `m2-${i}`, type: "chat.message", at: t + 40_000, sender: "agent" },
    { ...c, id: `m3-${i}`, type: "chat.message", at: t + 90_000, sender: "consumer" },
    { ...c, id: `m4-${i}`, type: "chat.message", at: t + 120_000, sender: "agent" },
    { ...c, id: `c-${i}`, type: "chat.closed", at: t + 300_000 },
  ] as CanonicalEvent[];
}

function order(shopId: string, i: number, t: number, updates = 1): CanonicalEvent[] {
  const o = { platform: "douyin" as const, shopId, orderId: `6912345678901234${String(i).padStart(3, "0")}` };
  return [
    { ...o, id: `p-${i}`, type: "order.paid", at: t, amount: 59.9, promisedShipBy: t + 48 * H },
    { ...o, id: `s-${i}`, type: "order.shipped", at: t + 5 * H },
    { ...o, id: `k-${i}`, type: "logistics.picked_up", at: t + 8 * H },
    ...Array.from({ length: updates }, (_, u) => ({ ...o, id: `u-${i}-${u}`, type: "logistics.updated", at: t + (20 + 6 * u) * H })),
  ] as CanonicalEvent[];
}

async function usage(redis: ReturnType<typeof createRedis>, keys: string[]): Promise<number> {
  let total = 0;
  for (const k of keys) total += Number((await redis.call("MEMORY", "USAGE", k, "SAMPLES", "0")) ?? 0);
  return total;
}

/** Every key of the shop's state (records, timers, pending items, aggregates, bookkeeping). */
async function shopKeys(redis: ReturnType<typeof createRedis>, prefix: string, shop: ShopRef): Promise<string[]> {
  const out: string[] = [];
  let cursor = "0";
  do {
    const [next, ks] = await redis.scan(cursor, "MATCH", `${prefix}:${shopHashTag(shop).replace(/[[\]*?]/g, "\\$&")}:*`, "COUNT", 1000);
    cursor = next;
    out.push(...ks);
  } while (cursor !== "0");
  return out;
}

async function measure(
  store: EntityStore,
  redis: ReturnType<typeof createRedis>,
  prefix: string,
  shop: ShopRef,
  events: CanonicalEvent[],
): Promise<number> {
  for (let i = 0; i < events.length; i += 500) {
    const part: ShopEvents = { shop, events: events.slice(i, i + 500).map((e) => ({ event: e, atMs: Number(e.at) })) };
    await store.applyBatch(new Map([[shopKey(shop), part]]), start + 10 * DAY, () => 0);
  }
  return usage(redis, await shopKeys(redis, prefix, shop));
}

async function main() {
  const infra = await benchInfra();
  const redis = createRedis(infra.redisUrl);
  const prefix = `measure-${randomUUID()}`;
  const store = new EntityStore(redis, prefix);
  try {
    const n = 2000;
    const conv = await measure(
      store,
      redis,
      prefix,
      { platform: "kuaishou", shopId: "chat" },
      Array.from({ length: n }, (_, i) => conversation("chat", i, start + (i % 900) * 60_000)).flat(),
    );
    const ord = await measure(
      store,
      redis,
      prefix,
      { platform: "douyin", shopId: "orders" },
      Array.from({ length: n }, (_, i) => order("orders", i, start + (i % 900) * 60_000)).flat(),
    );
    const tracked = await measure(
      store,
      redis,
      prefix,
      { platform: "douyin", shopId: "tracked" },
      Array.from({ length: n }, (_, i) => order("tracked", i, start + (i % 900) * 60_000, 8)).flat(),
    );
    // A busy shop-day: 500 conversations and 300 orders.
    const day = await measure(store, redis, prefix, { platform: "douyin", shopId: "day" }, [
      ...Array.from({ length: 500 }, (_, i) => conversation("day", i, start + i * 100_000)).flat(),
      ...Array.from({ length: 300 }, (_, i) => order("day", i, start + i * 150_000)).flat(),
    ]);
    const perEvent = (conv + ord) / (n * 6 + n * 4);
    console.log(`Redis memory of the processor state (MEMORY USAGE, ${infra.redisLabel})`);
    console.log(`  per event (average)                         ${perEvent.toFixed(0)} B`);
    console.log(`  per conversation (transfer, 4 messages, close) ${(conv / n).toFixed(0)} B`);
    console.log(`  per live order (paid, shipped, picked up, update) ${(ord / n).toFixed(0)} B`);
    console.log(`  per live order with 8 tracking updates (the record keeps the latest) ${(tracked / n).toFixed(0)} B`);
    console.log(`  per busy shop-day (500 conversations, 300 orders, 4200 events) ${(day / 1024).toFixed(0)} KiB`);
    console.log(`  per shop over 31 days at that rate          ${((day * 31) / 1024 / 1024).toFixed(1)} MiB`);
  } finally {
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
    await infra.stop();
  }
}

await main();
