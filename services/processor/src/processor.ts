import type { Topics } from "@sg/events";
import { createProducer, type Kafka, type Producer } from "@sg/kafka";
import type { Redis, ReplicaGate } from "@sg/redis";
import { createBatchHandler } from "./consume/apply-batch.js";
import { PartitionProgress } from "./consume/partition-progress.js";
import { createConsumerSupervisor } from "./consume/supervisor.js";
import type { Log } from "./log.js";
import { createEvaluationLoop } from "./publish/evaluation-loop.js";
import { DailyHistory, type DailyHistoryOptions } from "./publish/day-end/daily-history.js";
import { ProjectionWriter } from "./publish/projection.js";
import { EvidenceProjection } from "./publish/evidence-projection.js";
import type { ProcessorMetrics } from "./publish/telemetry.js";
import { checkCalendarConfig, checkScoreConfig } from "./scores/startup.js";
import type { ShopConfigSource } from "./shop-config.js";
import { EntityStore } from "./state/entity-store.js";

export interface ProcessorDeps {
  kafka: Kafka;
  redis: Redis;
  /**
   * A second connection for applying events (the consume path's loads and commits), so a batch's round trips
   * do not queue behind the evaluations' reads on one socket; the replica gate (`replicas`) must watch this one.
   * Unset: `redis` carries both.
   */
  applyRedis?: Redis;
  topics: Topics;
  keyPrefix: string;
  groupId: string;
  /** The processor's clock: the wall clock in service, a fixed or simulated one in `replay`. */
  clock: () => number;
  config: ShopConfigSource;
  log: Log;
  metrics?: ProcessorMetrics;
  /** How often dirty shops are re-evaluated (ms). */
  evalIntervalMs?: number;
  /** The bound of the aggregates kept between evaluations, bytes (state/aggregate-cache.ts; default 256 MB). */
  aggregateCacheBytes?: number;
  /** How often the deadline ticker looks for due shops (ms); 0 turns the ticker off. */
  tickMs?: number;
  /** Batches of this many partitions applied at once (kafkajs `partitionsConsumedConcurrently`); default 1. */
  partitionsConcurrently?: number;
  /**
   * Test-only (env.ts SG_TEST_PAUSE_BEFORE_EVAL_MS): an evaluation pass with shops to evaluate waits this long
   * first, so a test can kill the process after the offset commit and before the evaluation. Unset in service.
   */
  pauseBeforeEvalMs?: number;
  /**
   * Test-only (env.ts SG_TEST_POISON_SHOPS): applying any of these shops' events fails as a poison record
   * would, so a test can watch the quarantine move the partition on. Unset in service.
   */
  testPoisonShops?: ReadonlySet<string>;
  /**
   * Test-only (env.ts SG_TEST_PAUSE_BEFORE_COMMIT_MS): each batch, once applied and before its offset is
   * resolved, is logged and held this long, so a test can kill the process with a batch in flight. Unset in service.
   */
  pauseBeforeCommitMs?: number;
  /** REDIS_MIN_REPLICAS_ACK: a batch's offsets move only once its Redis writes reached the replicas. */
  replicas?: ReplicaGate;
  /** End-of-day values (publish/day-end): the settle delay; default DAY_END_SETTLE_MS of @sg/events. */
  dayEnd?: DailyHistoryOptions;
  /** How often a shop's evidence is listed again at most (docs/evidence.md); default EVIDENCE_REFRESH_MS. */
  evidenceRefreshMs?: number;
}

export interface Processor {
  start(): Promise<void>;
  /** Stops intake, finishes the batch in hand, evaluates what is dirty, disconnects. Idempotent. */
  stop(): Promise<void>;
  /** Evaluates every shop changed since the last evaluation, and every shop whose deadline is due. */
  flush(throttle?: boolean): Promise<void>;
  /** Records consumed so far (applied or dead-lettered). */
  readonly handled: number;
  readonly running: boolean;
  /** Partitions of sg.events this instance owns since the last group join. */
  readonly assignedPartitions: readonly number[];
  readonly store: EntityStore;
  /** Lag and advance of each partition this instance owns (readiness and the stalled-partition gauge). */
  readonly progress: PartitionProgress;
}

/**
 * The processor (architecture.md): `sg.events` → Redis state via Lua → metric status → `sg.alerts`. Three
 * parts: the consumer supervision (consume/supervisor.ts) feeds batches to the apply (consume/apply-batch.ts),
 * which marks the shops it changed dirty for the evaluation loop (publish/evaluation-loop.ts).
 */
export function createProcessor(deps: ProcessorDeps): Processor {
  checkScoreConfig(deps.config);
  checkCalendarConfig(deps.config);
  const store = new EntityStore(deps.redis, deps.keyPrefix, undefined, deps.aggregateCacheBytes, deps.applyRedis);
  // Deadline extensions and excluded regions decide items where their contributions are computed.
  store.calendars = deps.config.calendars;
  const projection = new ProjectionWriter(deps.redis, deps.keyPrefix);
  const history = new DailyHistory(deps.redis, deps.keyPrefix, deps.dayEnd);
  const evidence = new EvidenceProjection(
    deps.redis,
    deps.keyPrefix,
    (s) => store.keys.entities(s),
    deps.evidenceRefreshMs,
    (err, shop) => deps.log.warn({ err, shop }, "listing a shop's evidence failed; retried at a later evaluation"),
  );
  const producer: Producer = createProducer(deps.kafka);
  const progress = new PartitionProgress();
  deps.metrics?.watchProgress(progress);
  deps.metrics?.watchAggregateCache(store.aggregateCache);
  let running = false;
  let stopping: Promise<void> | undefined;

  const loop = createEvaluationLoop({
    store,
    projection,
    history,
    evidence,
    producer,
    alertsTopic: deps.topics.alerts,
    config: deps.config,
    clock: deps.clock,
    log: deps.log,
    metrics: deps.metrics,
    pauseBeforeEvalMs: deps.pauseBeforeEvalMs,
    assigned: () => consumer.assigned,
  });
  const batches = createBatchHandler({
    store,
    producer,
    progress,
    dlqTopic: deps.topics.dlq,
    clock: deps.clock,
    config: deps.config,
    log: deps.log,
    metrics: deps.metrics,
    testPoisonShops: deps.testPoisonShops,
    pauseBeforeCommitMs: deps.pauseBeforeCommitMs,
    replicas: deps.replicas,
    markDirty: loop.markDirty,
  });
  const consumer = createConsumerSupervisor({
    kafka: deps.kafka,
    groupId: deps.groupId,
    topic: deps.topics.events,
    eachBatch: batches.eachBatch,
    progress,
    log: deps.log,
    metrics: deps.metrics,
    isRunning: () => running,
    partitionsConcurrently: deps.partitionsConcurrently,
  });

  return {
    store,
    progress,
    get handled() {
      return batches.handled;
    },
    get running() {
      return running;
    },
    get assignedPartitions() {
      return consumer.assigned;
    },
    async start() {
      await producer.connect();
      await consumer.start();
      running = true;
      // Every pass evaluates changed shops and looks for due deadlines, so one loop at the shorter period does both.
      const tickMs = deps.tickMs ?? 1000;
      loop.start(tickMs > 0 ? Math.min(deps.evalIntervalMs ?? 250, tickMs) : (deps.evalIntervalMs ?? 250));
    },
    stop() {
      stopping ??= (async () => {
        running = false;
        loop.stop();
        await consumer.stop();
        await loop.flush().catch((err: unknown) => deps.log.error({ err }, "final evaluation failed"));
        await producer.disconnect();
      })();
      return stopping;
    },
    flush: async (throttle) => {
      await loop.flush(throttle);
    },
  };
}
