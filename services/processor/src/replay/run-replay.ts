import { randomUUID } from "node:crypto";
import { parseShopKey, shopKey, toMillis, toShanghaiIso, topicNames, type Platform } from "@sg/events";
import { createKafka, createProducer, logLevel, recordsInTopic, type Kafka } from "@sg/kafka";
import { createRedis, deleteByPrefix, type Redis } from "@sg/redis";
import { evaluateShop, type ShopSnapshot } from "../engine/index.js";
import type { ShopConfigSource } from "../shop-config.js";
import { silentLog } from "../log.js";
import { createProcessor } from "../processor.js";
import { readProjection } from "../publish/projection.js";
import { shopOverridesFor } from "../scores/context.js";
import type { ReadEvents } from "./read-events.js";
import { ensurePipelineTopics } from "@sg/events/runtime";

export interface ReplayOutput {
  asOf: string;
  shops: Record<string, ShopSnapshot>;
}

/**
 * Runs events through the real pipeline (events.md "The `replay` command"): a fresh topic and key prefix,
 * Kafka in, the processor with its clock at `asOf`, Redis state; then reads every shop at `asOf`.
 */
export async function runReplay(input: {
  read: ReadEvents;
  asOfMs: number;
  config: ShopConfigSource;
  brokers: string[];
  redisUrl: string;
  timeoutMs?: number;
}): Promise<ReplayOutput> {
  const run = `replay-${randomUUID()}`;
  const topics = topicNames(`${run}.`);
  const kafka: Kafka = createKafka({ brokers: input.brokers, clientId: run, logLevel: logLevel.NOTHING });
  const redis: Redis = createRedis(input.redisUrl);
  const processor = createProcessor({
    kafka,
    redis,
    topics,
    keyPrefix: run,
    groupId: run,
    clock: () => input.asOfMs,
    config: input.config,
    log: silentLog,
    evalIntervalMs: 60_000,
    tickMs: 0,
  });
  const producer = createProducer(kafka);
  try {
    await ensurePipelineTopics(kafka, topics, 3);
    await producer.connect();
    // Events later than asOf are not facts yet (events.md: results as if each arrived in `at` order, up to the
    // clock): they are not sent, as a processor whose clock is asOf would not have received them yet.
    const lines = input.read.lines.filter((l) => toMillis(l.event.at) <= input.asOfMs);
    const total = lines.length;
    for (let i = 0; i < total; i += 1000) {
      await producer.send({
        topic: topics.events,
        messages: lines.slice(i, i + 1000).map((l) => ({ key: shopKey(l.event), value: l.raw })),
      });
    }
    // The records the topic holds, not the lines sent: the producer is at-least-once (shared/kafka createProducer),
    // so a send retried after a partial failure (a fresh topic's leader not elected yet) may have written some of
    // them twice, and counting lines would stop waiting before the last ones were applied.
    const inTopic = await recordsInTopic(kafka, topics.events);
    await processor.start();
    const deadline = Date.now() + (input.timeoutMs ?? 120_000);
    while (processor.handled < inTopic) {
      if (Date.now() > deadline)
        throw new Error(`replay: the processor handled ${processor.handled} of ${inTopic} records (${total} events) in time`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await processor.flush();
    const shops: Record<string, ShopSnapshot> = {};
    const keys = [...new Set(input.read.lines.map((l) => shopKey(l.event)))].sort();
    for (const key of keys) {
      const ref = parseShopKey(key);
      if (ref === null) throw new Error(`replay: ${key} is not a shop key`);
      const { platform, shopId } = ref;
      // The output is what the read API serves: the snapshot projection the processor wrote at asOf.
      const stored = await readProjection(redis, run, { platform, shopId });
      if (stored && stored.asOfMs !== input.asOfMs)
        throw new Error(`replay: the snapshot of ${key} is as of ${stored.asOf}, not ${toShanghaiIso(input.asOfMs)}`);
      shops[key] = stored
        ? {
            platform: stored.platform,
            shopId: stored.shopId,
            rulePack: stored.rulePack,
            metrics: stored.metrics,
            alerts: stored.alerts,
            ...(stored.scores ? { scores: stored.scores } : {}),
            // New field (docs/exclusions.md): the pending exclusions with their effect, when there are any.
            ...(stored.pendingExclusions ? { pendingExclusions: stored.pendingExclusions } : {}),
          }
        : emptySnapshot(platform, shopId, input.asOfMs, input.config);
    }
    return { asOf: toShanghaiIso(input.asOfMs), shops };
  } finally {
    // The result (or the error) is what matters; a failed teardown is reported on stderr, never on stdout.
    await processor.stop().catch(warnOnStderr("stopping the processor"));
    await producer.disconnect().catch(warnOnStderr("disconnecting the producer"));
    await cleanup(kafka, redis, run, Object.values(topics)).catch(warnOnStderr(`removing the run's topics and keys (${run})`));
    redis.disconnect();
  }
}

/**
 * A shop whose every event was dead-lettered (e.g. older than retention) still lists all its pack's metrics
 * (events.md): evaluating no events gives each as `no_data`, or 0 for counts.
 */
function emptySnapshot(platform: Platform, shopId: string, asOf: number, config: ShopConfigSource): ShopSnapshot {
  return evaluateShop({ platform, shopId, events: [], asOf, shop: shopOverridesFor(config, shopKey({ platform, shopId })) }).snapshot;
}

function warnOnStderr(what: string): (err: unknown) => void {
  return (err) => process.stderr.write(`replay: ${what} failed: ${err instanceof Error ? err.message : String(err)}\n`);
}

/** Removes the run's topics and keys: each run is isolated and leaves nothing behind. */
async function cleanup(kafka: Kafka, redis: Redis, prefix: string, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics, timeout: 5000 });
    // The group exists only if the processor got as far as joining it.
    await admin.deleteGroups([prefix]).catch(warnOnStderr("deleting the run's consumer group"));
  } finally {
    await admin.disconnect();
  }
  await deleteByPrefix(redis, prefix);
}
