// What the replica wait costs (docs/operations.md "Replicated Kafka and Redis"): the processor's write path
// (EntityStore.applyBatch, one pipeline per node) over a local Redis Cluster of 3 masters with a replica
// each, batch after batch, without and with `WAIT 1` on every master before each batch counts as done.
// Run: npx tsx test/bench/replica-wait.ts [shops=200]
import { ensureRedisCluster } from "@sg/infra";
import { createRedis, waitForReplicas } from "@sg/redis";
import { shopKey, type CanonicalEvent } from "@sg/events";
import { EntityStore, type ShopEvents } from "../../services/processor/src/state/index.js";
import { randomStream } from "../../services/processor/src/testing/random-events.js";

const shops = Number(process.argv[2] ?? 200);
const BATCH = 500;
const startMs = Date.now() - 20 * 86_400_000;
const events: CanonicalEvent[] = [];
for (let s = 0; s < shops; s++)
  events.push(...randomStream({ seed: 7000 + s, platform: "kuaishou", shopId: `b${s}`, startMs, consumers: 10, orders: 10 }));
events.sort((a, b) => atMs(a) - atMs(b));

function atMs(e: CanonicalEvent): number {
  const at = (e as { at: unknown }).at;
  return typeof at === "number" ? at : Date.parse(String(at));
}

const cluster = await ensureRedisCluster({ replicas: 1, stopWithProcess: process.pid, log: () => undefined });
const redis = createRedis(cluster.url);
try {
  const rows: string[] = [];
  for (const minReplicas of [0, 1, 0, 1]) {
    const store = new EntityStore(redis, `bench-wait-${minReplicas}-${Date.now()}`);
    const t = performance.now();
    let batches = 0;
    for (let i = 0; i < events.length; i += BATCH) {
      const byShop = new Map<string, ShopEvents>();
      for (const e of events.slice(i, i + BATCH)) {
        const k = shopKey(e);
        let entry = byShop.get(k);
        if (!entry) byShop.set(k, (entry = { shop: { platform: e.platform, shopId: e.shopId }, events: [] }));
        entry.events.push({ event: e, atMs: atMs(e) });
      }
      await store.applyBatch(byShop, Date.now(), () => 0);
      await waitForReplicas(redis, { minReplicas, timeoutMs: 2000 });
      batches++;
    }
    const s = (performance.now() - t) / 1000;
    rows.push(
      `REDIS_MIN_REPLICAS_ACK=${minReplicas}: ${events.length} events in ${batches} batches of ${BATCH}, ${s.toFixed(1)} s, ${Math.round(events.length / s)} events/s, ${((s * 1000) / batches).toFixed(1)} ms/batch`,
    );
  }
  process.stdout.write(`${rows.join("\n")}\n`);
} finally {
  redis.disconnect();
  await cluster.stop();
}
