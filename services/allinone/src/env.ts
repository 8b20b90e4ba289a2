import { z } from "zod";
import { BaseEnv, SharedEnvVars, envBool, envInt, envOptionalString, envPort, envString, parseEnv } from "@sg/config";

/** The all-in-one process's environment (docs/interfaces.md): the common variables plus those of the three services it runs. */
export const Env = BaseEnv.extend({
  GATEWAY_PORT: envPort(8080),
  EVENTS_PARTITIONS: SharedEnvVars.EVENTS_PARTITIONS(),
  EVAL_INTERVAL_MS: SharedEnvVars.EVAL_INTERVAL_MS(),
  AGGREGATE_CACHE_MB: SharedEnvVars.AGGREGATE_CACHE_MB(),
  // 1, not the processor service's default: the all-in-one's loop also serves the gateway and the notifier.
  PROCESSOR_PARTITIONS_AT_ONCE: SharedEnvVars.PROCESSOR_PARTITIONS_AT_ONCE(1),
  NOTIFIER_TICK_MS: SharedEnvVars.NOTIFIER_TICK_MS(),
  /** How often the reconciler looks for due pulls and imported days. */
  RECONCILER_TICK_MS: envInt(60_000, { min: 1_000, max: 3_600_000 }),
  EXPORT_SHOP_LIMIT: SharedEnvVars.EXPORT_SHOP_LIMIT(),
  GRAFANA_URL: SharedEnvVars.GRAFANA_URL(),
  REDIS_MIN_REPLICAS_ACK: SharedEnvVars.REDIS_MIN_REPLICAS_ACK(),
  REDIS_REPLICA_ACK_TIMEOUT_MS: SharedEnvVars.REDIS_REPLICA_ACK_TIMEOUT_MS(),
  /** Where the public port listens: loopback unless configured otherwise, e.g. 0.0.0.0. */
  HOST: envString("127.0.0.1"),
  /** The ops endpoints (`/metrics` names every shop, `/livez`, `/readyz`), on loopback by default. */
  OPS_PORT: envPort(9100),
  OPS_HOST: envString("127.0.0.1"),
  /** Slow clients: headers within, the whole request within, open connections per address. */
  GATEWAY_HEADERS_TIMEOUT_MS: envInt(10_000, { min: 100, max: 600_000 }),
  GATEWAY_REQUEST_TIMEOUT_MS: envInt(30_000, { min: 100, max: 3_600_000 }),
  GATEWAY_MAX_CONNECTIONS_PER_SOURCE: envInt(64, { min: 0, max: 1_000_000 }),
  /** Longest wait for Kafka's acknowledgement before answering 503 with Retry-After. */
  PRODUCE_TIMEOUT_MS: envInt(5_000, { min: 100, max: 120_000 }),
  /** The same as `--demo`: feed live demo traffic for three shops, in their own topics and keys. */
  SCOREGUARD_DEMO: envBool(false),
  /** Where the first-run local API token is kept (default `.scoreguard/local-token` in the checkout). */
  SCOREGUARD_LOCAL_TOKEN_FILE: envOptionalString(),
});
export type Env = z.infer<typeof Env>;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  return parseEnv(Env, source);
}
