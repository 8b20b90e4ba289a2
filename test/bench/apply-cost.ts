/**
 * The state store's cost per event, in CPU rather than wall time: `EntityStore.applyBatch` over a backlog of
 * history.ts's shop-months, as the processor applies it (each batch grouped by shop), then one evaluation
 * per shop. Node CPU from process.cpuUsage, Redis CPU from INFO cpu of a redis-server of the run's own, so
 * neither depends on how busy the machine is. It is the instrument for changes to the storage (commit
 * packing, contribution keys): run it before and after, alternately.
 *
 * Alone: `npx tsx test/bench/apply-cost.ts [events] [runs]` (default 40,000 events, 3 runs).
 */
import { randomUUID } from "node:crypto";
import { shopKey, type CanonicalEvent, type Platform } from "@sg/events";
import { ensureRedis } from "@sg/infra";
import { EntityStore, type ShopEvents } from "@sg/processor/state";
import { createRedis, deleteByPrefix, type Redis } from "@sg/redis";
import { mixOf, shopMonth } from "./history.js";
import { cpuSince, median, redisCpu } from "./measure.js";
import { BENCH_PACKS, packsLabel } from "./packs.js";

const PLATFORMS: Platform[] = ["kuaishou", "douyin", "jd", "pdd"];
const BATCH = 2000;

/** Shop-months of 3 days × 400 events a day, 4 platforms, until `n` events; interleaved by time as a topic holds them. */
export function backlogEvents(n: number, nowMs: number): CanonicalEvent[] {
  const out: CanonicalEvent[] = [];
  for (let s = 0; out.length < n; s++)
    out.push(...shopMonth({ platform: PLATFORMS[s % 4]!, shopId: `ac${s}`, days: 3, lead: 7, perDay: 400, nowMs }));
  return out.slice(0, n).sort((a, b) => Number(a.at) - Number(b.at));
}

/** A batch's events by shop, in their order, as the processor hands them to `applyBatch`. */
export function groupByShop(events: readonly CanonicalEvent[]): Map<string, ShopEvents> {
  const byShop = new Map<string, ShopEvents>();
  for (const e of events) {
    const k = shopKey(e);
    let entry = byShop.get(k);
    if (!entry) byShop.set(k, (entry = { shop: { platform: e.platform, shopId: e.shopId }, events: [] }));
    entry.events.push({ event: e, atMs: Number(e.at) });
  }
  return byShop;
}

type Cost = { nodeUs: number; redisUs: number; commits: number };

/** One pass: apply every event in batches, then evaluate every shop once; CPU µs per event of Node and of Redis. */
async function onePass(redis: Redis, events: CanonicalEvent[], nowMs: number): Promise<Cost> {
  const prefix = `bench-ac-${randomUUID().slice(0, 8)}`;
  const store = new EntityStore(redis, prefix);
  const shops = new Map<string, ShopEvents["shop"]>();
  const r0 = await redisCpu(redis);
  const c0 = process.cpuUsage();
  let commits = 0;
  for (let i = 0; i < events.length; i += BATCH) {
    const byShop = groupByShop(events.slice(i, i + BATCH));
    for (const [k, v] of byShop) shops.set(k, v.shop);
    commits += byShop.size;
    await store.applyBatch(byShop, nowMs, () => 0);
  }
  for (const shop of shops.values()) await store.evaluate(shop, nowMs, { pack: BENCH_PACKS[shop.platform as Platform] });
  const node = cpuSince(c0);
  const rc = (await redisCpu(redis)) - r0;
  await deleteByPrefix(redis, prefix);
  return { nodeUs: (node * 1e6) / events.length, redisUs: (rc * 1e6) / events.length, commits };
}

export async function applyCost(o: { events: number; runs: number; line: (s: string) => void }): Promise<void> {
  const nowMs = Date.now();
  const events = backlogEvents(o.events, nowMs);
  const server = await ensureRedis({ url: null, log: () => undefined, stopWithProcess: process.pid });
  const redis = createRedis(server.url);
  try {
    o.line(
      `   method: EntityStore.applyBatch of ${events.length} events (the last 3 days of shop-months of 400/day, lifecycles begun up to 7 days earlier included, 4 platforms, time order; ${mixOf(events)}) in batches of ${BATCH} grouped by shop, then one evaluation per shop; ${packsLabel()}; Node CPU by process.cpuUsage, Redis CPU by INFO cpu of a redis-server of the run's own; ${o.runs} runs after one warm-up`,
    );
    await onePass(redis, events, nowMs);
    const runs: Cost[] = [];
    for (let i = 0; i < o.runs; i++) runs.push(await onePass(redis, events, nowMs));
    const f = (xs: number[]) => `${median(xs).toFixed(1)} µs (${xs.map((x) => x.toFixed(1)).join(", ")})`;
    o.line(`   store CPU per event, Node (load, fold, commit, evaluate): ${f(runs.map((r) => r.nodeUs))}`);
    o.line(`   store CPU per event, Redis (the scripts and reads):       ${f(runs.map((r) => r.redisUs))}`);
    o.line(`   ${runs[0]!.commits} shop commits per run (${(events.length / runs[0]!.commits).toFixed(1)} events per commit)`);
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  await applyCost({ events: Number(process.argv[2] ?? 40_000), runs: Number(process.argv[3] ?? 3), line: (s) => console.log(s) });
}
