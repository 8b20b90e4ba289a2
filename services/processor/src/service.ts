import { topicNames } from "@sg/events";
import { createKafka, type Kafka } from "@sg/kafka";
import { createRedis, createReplicaGate, type Redis, type ReplicaAck } from "@sg/redis";
import { registerServiceHealth } from "@sg/telemetry";
import type { Registry } from "prom-client";
import type { ShopConfigSource } from "./shop-config.js";
import type { Log } from "./log.js";
import { createProcessor, type Processor } from "./processor.js";
import { processorMetrics } from "./publish/telemetry.js";
import { ensurePipelineTopics } from "@sg/events/runtime";

/** How long a partition may have lag without advancing before the processor reports itself unready. */
export const PARTITION_STALL_MS = 60_000;

export interface ProcessorServiceOptions {
  brokers: string[];
  redisUrl: string;
  topicPrefix: string;
  keyPrefix: string;
  groupId: string;
  eventsPartitions: number;
  evalIntervalMs: number;
  /** EXPORT_SHOP_LIMIT: shops whose metrics are exported as Prometheus gauges. */
  exportShopLimit?: number;
  /** The bound of the aggregates kept between evaluations, bytes (AGGREGATE_CACHE_MB). */
  aggregateCacheBytes?: number;
  /** Batches of this many partitions applied at once; unset: 1. main.ts passes PROCESSOR_PARTITIONS_AT_ONCE (3 by default). */
  partitionsConcurrently?: number;
  /** SG_TEST_PAUSE_BEFORE_EVAL_MS (env.ts): test-only wait before each evaluation pass; 0 or unset in service. */
  pauseBeforeEvalMs?: number;
  /** SG_TEST_POISON_SHOPS (env.ts): test-only shops whose events fail to apply as poison would. */
  testPoisonShops?: ReadonlySet<string>;
  /** A partition with lag that has not advanced for this long makes the processor unready (default 60 s). */
  stallAfterMs?: number;
  /** SG_TEST_PAUSE_BEFORE_COMMIT_MS (env.ts): test-only wait between a batch's apply and its commit; 0 or unset in service. */
  pauseBeforeCommitMs?: number;
  /** REDIS_MIN_REPLICAS_ACK and its timeout; unset or 0 replicas: no wait. */
  replicaAck?: ReplicaAck;
  config: ShopConfigSource;
  log: Log;
  registry: Registry;
}

/** The processor as a running service: topics ensured, clients built, wall clock. Used by main.ts and the all-in-one. */
export async function startProcessorService(
  o: ProcessorServiceOptions,
): Promise<{ processor: Processor; kafka: Kafka; redis: Redis; ready(): Promise<boolean>; stop(): Promise<void> }> {
  const topics = topicNames(o.topicPrefix);
  const kafka = createKafka({ brokers: o.brokers, clientId: "sg-processor", logger: o.log });
  const onError = (err: Error, info: object) => o.log.warn({ err, ...info }, "redis connection error; reconnecting");
  const redis = createRedis(o.redisUrl, {}, onError);
  // The consume path's own connection (ProcessorDeps.applyRedis); the replica gate watches the writes made on it.
  const applyRedis = createRedis(o.redisUrl, {}, onError);
  await ensurePipelineTopics(kafka, topics, o.eventsPartitions);
  const replicas = o.replicaAck && o.replicaAck.minReplicas > 0 ? replicaGate(applyRedis, o.replicaAck, o.keyPrefix, o.log) : undefined;
  const processor = createProcessor({
    kafka,
    redis,
    applyRedis,
    topics,
    keyPrefix: o.keyPrefix,
    groupId: o.groupId,
    clock: Date.now,
    config: o.config,
    log: o.log,
    metrics: processorMetrics(o.registry, o.exportShopLimit),
    evalIntervalMs: o.evalIntervalMs,
    ...(o.aggregateCacheBytes !== undefined ? { aggregateCacheBytes: o.aggregateCacheBytes } : {}),
    ...(o.partitionsConcurrently !== undefined ? { partitionsConcurrently: o.partitionsConcurrently } : {}),
    ...(o.pauseBeforeEvalMs ? { pauseBeforeEvalMs: o.pauseBeforeEvalMs } : {}),
    ...(o.testPoisonShops && o.testPoisonShops.size > 0 ? { testPoisonShops: o.testPoisonShops } : {}),
    ...(o.pauseBeforeCommitMs ? { pauseBeforeCommitMs: o.pauseBeforeCommitMs } : {}),
    ...(replicas ? { replicas } : {}),
  });
  await processor.start();
  let stopped: Promise<void> | undefined;
  async function ready(): Promise<boolean> {
    if (!processor.running) return false;
    // A partition that has lag and has not advanced for a minute is not served, whatever Redis answers.
    if (processor.progress.stalled(o.stallAfterMs ?? PARTITION_STALL_MS).length > 0) return false;
    try {
      // Not ready while writes do not reach the replicas: batches are then retried, not acknowledged.
      const [a, b] = await Promise.all([redis.ping(), applyRedis.ping()]);
      return a === "PONG" && b === "PONG" && (replicas === undefined || (await replicas.healthy()));
    } catch {
      return false;
    }
  }
  registerServiceHealth(o.registry, "processor", { ready, redis: () => redis.status === "ready" && applyRedis.status === "ready" });
  return {
    processor,
    kafka,
    redis,
    ready,
    stop() {
      stopped ??= processor.stop().finally(() => {
        redis.disconnect();
        applyRedis.disconnect();
      });
      return stopped;
    },
  };
}

/** The replica wait, its shortfalls logged as warnings (each one means a batch is retried). */
function replicaGate(redis: Redis, ack: ReplicaAck, keyPrefix: string, log: Log) {
  return createReplicaGate(redis, ack, {
    keyPrefix,
    onFailure: (err) => log.warn({ err }, "redis writes did not reach the replicas; the batch is not acknowledged and will be retried"),
    onRecovery: (failures) => log.info({ failures }, "redis writes reach the replicas again"),
  });
}
