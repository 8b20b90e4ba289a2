import { loadScoreguardConfig, requireInfra } from "@sg/config";
import { createLogger } from "@sg/logger";
import { createRegistry, installProcessGuards, startOpsServer, stopOnSignals } from "@sg/telemetry";
import { loadEnv } from "./env.js";
import { startProcessorService } from "./service.js";

/** The processor alone (scale-out: run several in one consumer group). Reads env, wires, starts, stops. */
const env = loadEnv();
// Standalone: fail fast without KAFKA_BROKERS or REDIS_URL; only `npm start`, `replay` and the tests start local
// infrastructure. Checked before the process guards, like the env itself, so the message goes to stderr.
const infra = requireInfra(env, "processor");
const log = createLogger({ name: "processor", level: env.LOG_LEVEL });
const registry = createRegistry();
installProcessGuards({ registry, log });
const config = loadScoreguardConfig(env.SCOREGUARD_CONFIG);
const svc = await startProcessorService({
  brokers: infra.brokers,
  redisUrl: infra.redisUrl,
  topicPrefix: env.TOPIC_PREFIX,
  keyPrefix: env.KEY_PREFIX,
  groupId: env.PROCESSOR_GROUP,
  eventsPartitions: env.EVENTS_PARTITIONS,
  evalIntervalMs: env.EVAL_INTERVAL_MS,
  exportShopLimit: env.EXPORT_SHOP_LIMIT,
  aggregateCacheBytes: env.AGGREGATE_CACHE_MB * 1024 * 1024,
  partitionsConcurrently: env.PROCESSOR_PARTITIONS_AT_ONCE,
  pauseBeforeEvalMs: env.SG_TEST_PAUSE_BEFORE_EVAL_MS,
  testPoisonShops: new Set(
    env.SG_TEST_POISON_SHOPS.split(",")
      .map((s) => s.trim())
      .filter((s) => s !== ""),
  ),
  pauseBeforeCommitMs: env.SG_TEST_PAUSE_BEFORE_COMMIT_MS,
  replicaAck: { minReplicas: env.REDIS_MIN_REPLICAS_ACK, timeoutMs: env.REDIS_REPLICA_ACK_TIMEOUT_MS },
  config,
  log,
  registry,
});
const ops = await startOpsServer({ port: env.PROCESSOR_PORT, registry, ready: svc.ready });
log.info({ port: ops.port, brokers: infra.brokers }, `processor running; ops on http://127.0.0.1:${ops.port}/metrics`);

stopOnSignals(log, "stopping: finishing the batch in hand", async () => {
  await svc.stop();
  await ops.close();
});
