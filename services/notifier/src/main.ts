import { loadScoreguardConfig, requireInfra } from "@sg/config";
import { createLogger } from "@sg/logger";
import { createRegistry, installProcessGuards, startOpsServer, stopOnSignals } from "@sg/telemetry";
import { loadEnv } from "./env.js";
import { startNotifierService } from "./service.js";

/** The notifier alone. Reads env and config (bad config fails here, naming the path), wires, starts, stops. */
const env = loadEnv();
// Standalone: fail fast without KAFKA_BROKERS or REDIS_URL; only `npm start`, `replay` and the tests start local
// infrastructure. Checked before the process guards, like the env itself, so the message goes to stderr.
const infra = requireInfra(env, "notifier");
const logger = createLogger({ name: "notifier", level: env.LOG_LEVEL });
const registry = createRegistry();
installProcessGuards({ registry, log: logger });
const config = loadScoreguardConfig(env.SCOREGUARD_CONFIG);
const svc = await startNotifierService({
  brokers: infra.brokers,
  redisUrl: infra.redisUrl,
  topicPrefix: env.TOPIC_PREFIX,
  keyPrefix: env.KEY_PREFIX,
  consumerGroup: env.NOTIFIER_GROUP,
  tickMs: env.NOTIFIER_TICK_MS,
  replicaAck: { minReplicas: env.REDIS_MIN_REPLICAS_ACK, timeoutMs: env.REDIS_REPLICA_ACK_TIMEOUT_MS },
  ...(env.GRAFANA_URL === undefined ? {} : { grafanaUrl: env.GRAFANA_URL }),
  config,
  logger,
  registry,
});
const ops = await startOpsServer({
  port: env.NOTIFIER_PORT,
  registry,
  ready: svc.ready,
  onError: (err, context) => logger.error({ err, context }, "ops server error"),
});
logger.info({ port: ops.port }, `notifier running; ops on http://127.0.0.1:${ops.port}/metrics`);

stopOnSignals(logger, "stopping: finishing the tick in hand", async () => {
  await svc.stop();
  await ops.close();
});
