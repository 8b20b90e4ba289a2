import { loadScoreguardConfig, requireInfra } from "@sg/config";
import { createLogger } from "@sg/logger";
import { createRegistry, installProcessGuards, startOpsServer, stopOnSignals } from "@sg/telemetry";
import { loadEnv } from "./env.js";
import { startReconcilerService } from "./service.js";

/** The reconciler alone. Reads env and config (bad config fails here, naming the path), wires, starts, stops. */
const env = loadEnv();
// Standalone: fail fast without KAFKA_BROKERS or REDIS_URL; only `npm start`, `replay` and the tests start local
// infrastructure. Checked before the process guards, like the env itself, so the message goes to stderr.
const infra = requireInfra(env, "reconciler");
const logger = createLogger({ name: "reconciler", level: env.LOG_LEVEL });
const registry = createRegistry();
installProcessGuards({ registry, log: logger });
const config = loadScoreguardConfig(env.SCOREGUARD_CONFIG);
const svc = await startReconcilerService({
  brokers: infra.brokers,
  redisUrl: infra.redisUrl,
  topicPrefix: env.TOPIC_PREFIX,
  keyPrefix: env.KEY_PREFIX,
  config: config.reconciliation,
  tickMs: env.RECONCILER_TICK_MS,
  logger,
  registry,
});
const ops = await startOpsServer({
  port: env.RECONCILER_PORT,
  registry,
  ready: svc.ready,
  onError: (err, context) => logger.error({ err, context }, "ops server error"),
});
logger.info({ port: ops.port }, `reconciler running; ops on http://127.0.0.1:${ops.port}/metrics`);

stopOnSignals(logger, "stopping: finishing the pass in hand", async () => {
  await svc.stop();
  await ops.close();
});
