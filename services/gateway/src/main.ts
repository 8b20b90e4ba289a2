import { loadScoreguardConfig, requireInfra } from "@sg/config";
import { createLogger } from "@sg/logger";
import { createRegistry, installProcessGuards, stopOnSignals } from "@sg/telemetry";
import { loadEnv } from "./env.js";
import { startGatewayService } from "./service.js";

/** The gateway alone. Reads env, wires, starts; on SIGTERM/SIGINT stops intake, flushes, closes. */
const env = loadEnv();
// Standalone: fail fast without KAFKA_BROKERS or REDIS_URL; only `npm start`, `replay` and the tests start local
// infrastructure. Checked before the process guards, like the env itself, so the message goes to stderr.
const infra = requireInfra(env, "gateway");
const log = createLogger({ name: "gateway", level: env.LOG_LEVEL });
const registry = createRegistry();
installProcessGuards({ registry, log });
const config = loadScoreguardConfig(env.SCOREGUARD_CONFIG);
const svc = await startGatewayService({
  brokers: infra.brokers,
  redisUrl: infra.redisUrl,
  topicPrefix: env.TOPIC_PREFIX,
  keyPrefix: env.KEY_PREFIX,
  eventsPartitions: env.EVENTS_PARTITIONS,
  port: env.GATEWAY_PORT,
  host: env.GATEWAY_HOST,
  opsPort: env.GATEWAY_OPS_PORT,
  opsHost: env.GATEWAY_OPS_HOST,
  connections: {
    headersTimeoutMs: env.GATEWAY_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: env.GATEWAY_REQUEST_TIMEOUT_MS,
    maxConnectionsPerSource: env.GATEWAY_MAX_CONNECTIONS_PER_SOURCE,
  },
  produceTimeoutMs: env.PRODUCE_TIMEOUT_MS,
  config,
  logger: log,
  registry,
  tokenRate: { ratePerSec: env.GATEWAY_TOKEN_RATE, burst: env.GATEWAY_TOKEN_BURST },
  sourceRate: { ratePerSec: env.GATEWAY_SOURCE_RATE, burst: env.GATEWAY_SOURCE_BURST },
  authFailureRate: { ratePerSec: env.GATEWAY_AUTH_FAILURES_PER_MIN / 60, burst: env.GATEWAY_AUTH_FAILURE_BURST },
  trustProxy: env.GATEWAY_TRUST_PROXY,
});
log.info(
  { port: svc.port, opsPort: svc.opsPort, brokers: infra.brokers, pdd: svc.pdd !== undefined },
  `gateway listening on http://${env.GATEWAY_HOST}:${svc.port}`,
);
log.info(`ops (/metrics /livez /readyz) on http://${env.GATEWAY_OPS_HOST}:${svc.opsPort}`);

stopOnSignals(log, "stopping: no new requests; finishing those in flight", () => svc.stop());
