// What the replica wait costs (README "Replicated Kafka and Redis"): a backlog in sg.events consumed by the
// processor on a local Redis Cluster of 3 masters with a replica each, without and with REDIS_MIN_REPLICAS_ACK=1
// (a probe write and `WAIT 1` on every master before each batch's offsets move), alternated three times each
// in one run so the ratio is of medians taken in the same minutes.
// `npm run bench -- --only replica-wait` (BENCH_REPLICA_EVENTS, default 40,000), or alone:
// `npx tsx test/bench/replica-wait.ts [events]`.
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { topicNames, type CanonicalEvent, type Platform } from "@sg/events";
import { ensureRedisCluster, resolveLocalInfra } from "@sg/infra";
import { createKafka, logLevel } from "@sg/kafka";
import { createProcessor } from "@sg/processor";
import { createRedis, createReplicaGate, deleteByPrefix, type Redis } from "@sg/redis";
import { history } from "./engine-v2.js";
import { median } from "./measure.js";
import { backlogTopics, produceBacklog } from "./backlog-topic.js";
import { BENCH_PACKS } from "./packs.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const ALTERNATIONS = 3;

export type ReplicaWaitOptions = { brokers: string[]; events?: number; line: (s: string) => void };

/** One processor over the whole topic, fresh group and key prefix: events/s from its group join until every record is applied and flushed. */
async function backlogRun(o: {
  brokers: string[];
  redis: Redis;
  topics: ReturnType<typeof topicNames>;
  run: string;
  n: number;
  wait: boolean;
}): Promise<{ rate: number; batches: number }> {
  const prefix = `${o.run}-${o.wait ? "on" : "off"}-${randomUUID().slice(0, 6)}`;
  const kafka = createKafka({ brokers: o.brokers, clientId: prefix, logLevel: logLevel.NOTHING });
  let waits = 0;
  const gate = createReplicaGate(o.redis, { minReplicas: 1, timeoutMs: 2000 }, { keyPrefix: prefix });
  const p = createProcessor({
    kafka,
    redis: o.redis,
    topics: o.topics,
    keyPrefix: prefix,
    groupId: prefix,
    clock: Date.now,
    config: { packs: BENCH_PACKS },
    log: silent,
    evalIntervalMs: 250,
    tickMs: 1000,
    ...(o.wait
      ? {
          replicas: {
            ...gate,
            wait: async (since?: Parameters<typeof gate.wait>[0]) => {
              waits++;
              await gate.wait(since);
            },
          },
        }
      : {}),
  });
  await p.start();
  // Timed from the group join, so the join's seconds do not flatten the difference.
  const joinBy = performance.now() + 120_000;
  while (p.assignedPartitions.length === 0 && performance.now() < joinBy) await new Promise((r) => setTimeout(r, 5));
  const t0 = performance.now();
  while (p.handled < o.n && performance.now() - t0 < 600_000) await new Promise((r) => setTimeout(r, 20));
  await p.flush();
  const secs = (performance.now() - t0) / 1000;
  const handled = p.handled;
  await p.stop();
  await deleteByPrefix(o.redis, prefix);
  return { rate: handled / secs, batches: waits };
}

export async function replicaWaitBench(o: ReplicaWaitOptions): Promise<void> {
  const n = o.events ?? Number(process.env.BENCH_REPLICA_EVENTS ?? 40_000);
  const cluster = await ensureRedisCluster({ replicas: 1, stopWithProcess: process.pid, log: () => undefined });
  const redis = createRedis(cluster.url);
  const run = `bench-rw-${randomUUID().slice(0, 8)}`;
  const kafka = createKafka({ brokers: o.brokers, clientId: run, logLevel: logLevel.NOTHING });
  const topics = topicNames(`${run}.`);
  try {
    const platforms: Platform[] = ["kuaishou", "douyin", "jd", "pdd"];
    const events: CanonicalEvent[] = [];
    let shops = 0;
    for (; events.length < n; shops++) events.push(...history(platforms[shops % 4]!, `rw${shops}`, 3, 400));
    events.length = n;
    await backlogTopics(kafka, run, 6);
    await produceBacklog(kafka, topics.events, events);
    o.line(
      `   method: ${n} events (${shops} shops × 3 days of 400/day, 4 platforms) produced once to a 6-partition sg.events; one processor in this process consumes all of it from a fresh group and key prefix on a local Redis Cluster of 3 masters + 3 replicas, timed from its group join until every record is applied and a flush evaluated every shop; without the wait and with REDIS_MIN_REPLICAS_ACK=1 (probe write + WAIT 1 on each master per batch), alternated ×${ALTERNATIONS}, medians`,
    );
    const off: number[] = [];
    const on: number[] = [];
    let batches = 0;
    for (let k = 0; k < ALTERNATIONS; k++) {
      off.push((await backlogRun({ brokers: o.brokers, redis, topics, run, n, wait: false })).rate);
      const r = await backlogRun({ brokers: o.brokers, redis, topics, run, n, wait: true });
      on.push(r.rate);
      batches = r.batches;
      process.stderr.write(
        `replica wait: alternation ${k + 1} of ${ALTERNATIONS}: off ${off[k]!.toFixed(0)}/s, on ${on[k]!.toFixed(0)}/s\n`,
      );
    }
    const k = (x: number) => `${(x / 1000).toFixed(1)}k/s`;
    o.line(`   backlog without the wait: ${k(median(off))} (${off.map(k).join(", ")})`);
    o.line(`   backlog with the wait:    ${k(median(on))} (${on.map(k).join(", ")}); ${batches} waits (batches) in the last run`);
    o.line(`   ratio (with / without):   ${(median(on) / median(off)).toFixed(2)}`);
  } finally {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topics.events, topics.dlq, topics.alerts] }).catch(() => undefined);
    await admin.disconnect();
    redis.disconnect();
    await cluster.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const infra = await resolveLocalInfra();
  const events = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  console.log("Replica wait: backlog without and with REDIS_MIN_REPLICAS_ACK=1");
  await replicaWaitBench({ brokers: infra.brokers, line: (s) => console.log(s), ...(events === undefined ? {} : { events }) });
}
