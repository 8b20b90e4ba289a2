/**
 * `npm run bench`: measures, in one run on this machine, the costs the design rests on (architecture.md
 * "One script call per shop per batch", "Bounded state") and prints ratios. Nothing here fails on a slow
 * machine: it reports. Uses KAFKA_BROKERS / REDIS_URL, or the local ones.
 *
 * `npm run bench -- [--only s1,s2] [--shops N] [--rate R] [--live-secs S] [--days D] [--budget-min M]`; sections:
 * apply, sizes, replay, scaling, memory, eval, read, latency, backlog, zod, replica-wait, system (default: all; `--shops`
 * defaults to 10,000). Each section also runs alone: `npx tsx test/bench/main.ts --only backlog`.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { shopKey, type CanonicalEvent, type Platform } from "@sg/events";
import { benchInfra } from "./bench-infra.js";
import { processorFlagsNote } from "./node-flags.js";
import { evaluateShop, runReplay } from "@sg/processor";
import { EntityStore, type ShopEvents } from "@sg/processor/state";
import { randomStream } from "@sg/processor/testing";
import { createRedis, deleteByPrefix, type Redis } from "@sg/redis";
import { applyCost } from "./apply-cost.js";
import { engineV2Bench } from "./engine-v2.js";
import { forecastBench } from "./forecast.js";
import { replicaWaitBench } from "./replica-wait.js";
import { scalingBench } from "./scaling.js";
import { flag, systemBench } from "./system.js";

const PLATFORMS: Platform[] = ["kuaishou", "douyin", "jd", "pdd"];
const now = Date.parse("2026-03-05T12:00:00+08:00");
const start = Date.parse("2026-03-01T08:00:00+08:00");

function streams(shops: number, perShop: number): CanonicalEvent[] {
  const out: CanonicalEvent[] = [];
  for (let s = 0; s < shops; s++) {
    const scale = Math.max(1, Math.round(perShop / 60));
    out.push(
      ...randomStream({
        seed: s + 1,
        platform: PLATFORMS[s % 4]!,
        shopId: `b${s}`,
        startMs: start,
        consumers: scale * 5,
        orders: scale * 5,
      }),
    );
  }
  return out;
}

type ShopBatch = Map<string, ShopEvents>;

function add(byShop: ShopBatch, e: CanonicalEvent): void {
  const k = shopKey(e);
  let entry = byShop.get(k);
  if (!entry) byShop.set(k, (entry = { shop: { platform: e.platform, shopId: e.shopId }, events: [] }));
  entry.events.push({ event: e, atMs: Number(e.at) });
}

/**
 * Events per second applied by EntityStore.applyBatch. "shop": one call per batch, so one load and one
 * commit per shop per batch, pipelined across shops. "event": the design this replaces, one load and one
 * commit per event: round r of a batch applies every shop's r-th event of it, pipelined across shops (a
 * shop's events stay in order, so its commits never race each other).
 */
async function applyRate(redis: Redis, events: CanonicalEvent[], perCall: "event" | "shop", batch: number): Promise<number> {
  const prefix = `bench-${randomUUID()}`;
  const store = new EntityStore(redis, prefix);
  const partitionOf = () => 0;
  const t0 = performance.now();
  for (let i = 0; i < events.length; i += batch) {
    const slice = events.slice(i, i + batch);
    if (perCall === "shop") {
      const byShop: ShopBatch = new Map();
      for (const e of slice) add(byShop, e);
      await store.applyBatch(byShop, now, partitionOf);
    } else {
      const rounds: ShopBatch[] = [];
      const seen = new Map<string, number>();
      for (const e of slice) {
        const r = seen.get(shopKey(e)) ?? 0;
        seen.set(shopKey(e), r + 1);
        add((rounds[r] ??= new Map()), e);
      }
      for (const round of rounds) await store.applyBatch(round, now, partitionOf);
    }
  }
  const secs = (performance.now() - t0) / 1000;
  await deleteByPrefix(redis, prefix);
  return events.length / secs;
}

function evalRate(events: CanonicalEvent[], platform: Platform, shopId: string): { perSec: number; ms: number } {
  const mine = events.filter((e) => e.platform === platform && e.shopId === shopId);
  const runs = 5;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) evaluateShop({ platform, shopId, events: mine, asOf: now });
  const ms = (performance.now() - t0) / runs;
  return { perSec: mine.length / (ms / 1000), ms };
}

const SECTIONS = [
  "apply",
  "sizes",
  "replay",
  "scaling",
  "memory",
  "eval",
  "read",
  "latency",
  "backlog",
  "zod",
  "replica-wait",
  "system",
] as const;
const ENGINE_V2 = new Set(["memory", "eval", "read", "latency", "backlog", "zod"]);

function parseArgs(argv: string[]): { only: Set<string>; shops: number; rate: number; liveSecs: number; days: number; budgetMin: number } {
  const i = argv.indexOf("--only");
  const only = new Set(i >= 0 ? (argv[i + 1] ?? "").split(",").filter(Boolean) : SECTIONS);
  for (const s of only)
    if (!(SECTIONS as readonly string[]).includes(s))
      throw new Error(`--only: unknown section "${s}"; one or more of ${SECTIONS.join(", ")}`);
  const num = (name: string, d: number) => {
    const v = flag(argv, name);
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new Error(`--${name} must be a positive number`);
    return v ?? d;
  };
  return {
    only,
    shops: num("shops", 10_000),
    rate: num("rate", 5000),
    liveSecs: num("live-secs", 30),
    days: num("days", 30),
    budgetMin: num("budget-min", 20),
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const on = (s: string) => args.only.has(s);
  const infra = await benchInfra();
  const redis = createRedis(infra.redisUrl);
  const line = (s: string) => console.log(s);
  try {
    line(`ScoreGuard benchmark (${new Date().toISOString()}, Node ${process.version}, sections: ${[...args.only].join(", ")})`);
    line(`Redis: ${infra.redisLabel} (the backlog, system, scaling and replica-wait sections start servers of their own)`);
    line(`${processorFlagsNote()}; the processes the bench starts run with the processor's`);
    if (on("apply")) {
      const events = streams(200, 120);
      line(
        `\n1. Applying events to Redis (${events.length} events, 200 shops, batches of 1000, Redis ${infra.redisUrl.replace(/\/\/[^@/]*@/, "//***@")})`,
      );
      line(
        "   method: EntityStore.applyBatch (engine v2) from this process, wall time of the whole set, one load and commit per event vs one per shop per batch",
      );
      const perEvent = await applyRate(redis, events, "event", 1000);
      const perShop = await applyRate(redis, events, "shop", 1000);
      line(`   one load and commit per event:          ${perEvent.toFixed(0)} events/s`);
      line(`   one load and commit per shop per batch: ${perShop.toFixed(0)} events/s`);
      line(`   ratio (per shop / per event):           ${(perShop / perEvent).toFixed(2)}x`);
      line("   the store's CPU per event (test/bench/apply-cost.ts), independent of how busy the machine is:");
      await applyCost({ events: Number(process.env.BENCH_APPLY_EVENTS ?? 40_000), runs: 3, line });
    }
    if (on("sizes")) {
      line("\n2. Evaluating one shop's metrics from its events (pure engine, all metrics of the pack)");
      line("   method: evaluateShop over the whole event list in memory, mean of 5 runs, no Redis");
      for (const size of [100, 1000, 10000]) {
        const big = randomStream({
          seed: 7,
          platform: "douyin",
          shopId: "big",
          startMs: start,
          consumers: Math.round(size / 8),
          orders: Math.round(size / 8),
        });
        const r = evalRate(big, "douyin", "big");
        line(`   ${String(big.length).padStart(6)} events: ${r.ms.toFixed(2)} ms per evaluation, ${r.perSec.toFixed(0)} events/s`);
      }
    }
    if (on("replay")) {
      line("\n3. End to end through Kafka, the processor and Redis (replay pipeline)");
      line("   method: runReplay of the events at a fixed clock, wall time including topic set-up and group join");
      const e2e = streams(50, 400);
      const t0 = performance.now();
      await runReplay({
        read: { lines: e2e.map((event) => ({ raw: JSON.stringify(event), event })), errors: [], latestAtMs: undefined },
        asOfMs: now,
        config: {},
        brokers: infra.brokers,
        redisUrl: infra.redisUrl,
        timeoutMs: 600_000,
      });
      const secs = (performance.now() - t0) / 1000;
      line(
        `   ${e2e.length} events, 50 shops: ${secs.toFixed(1)} s including topic set-up and group join, ${(e2e.length / secs).toFixed(0)} events/s`,
      );
    }
    if (on("scaling")) {
      line("\n4. Scaling out: 1, 2 and 3 processor processes, one Redis against a 3-master cluster (test/bench/scaling.ts)");
      await scalingBench({ brokers: infra.brokers, redisUrl: infra.redisUrl, line });
    }
    const v2 = [...args.only].filter((s) => ENGINE_V2.has(s));
    if (v2.length > 0) {
      line(`\n5. Engine v2 rows with their goals (test/bench/engine-v2.ts; sections ${v2.join(", ")})`);
      await engineV2Bench(v2);
    }
    if (on("eval")) await forecastBench(line);
    if (on("replica-wait")) {
      line("\n6. The replica wait's cost: a backlog without and with REDIS_MIN_REPLICAS_ACK=1 (test/bench/replica-wait.ts)");
      await replicaWaitBench({ brokers: infra.brokers, line });
    }
    if (on("system")) {
      line(
        `\n7. The whole system at ${args.shops} shops, ${args.rate} live events/s for ${args.liveSecs} s (test/bench/system.ts; budget ${args.budgetMin} min)`,
      );
      await systemBench({ shops: args.shops, rate: args.rate, liveSecs: args.liveSecs, days: args.days, budgetMin: args.budgetMin, line });
    }
  } finally {
    redis.disconnect();
    await infra.stop();
  }
}

await main();
