import { z } from "zod";
import { envBool, envBrokers, envInt, envLogLevel, envOptionalString, envPort, envString, parseEnv } from "@sg/config";

/** The all-in-one process's environment (docs/interfaces.md), parsed once. */
export const Env = z.object({
  KAFKA_BROKERS: envBrokers(),
  REDIS_URL: envOptionalString(),
  SCOREGUARD_CONFIG: envOptionalString(),
  TOPIC_PREFIX: envString(""),
  KEY_PREFIX: envString("sg"),
  GATEWAY_PORT: envPort(8080),
  /** Where the public port listens: loopback unless configured otherwise (issue 9 item 6), e.g. 0.0.0.0. */
  HOST: envString("127.0.0.1"),
  /** The ops endpoints (`/metrics` names every shop, `/livez`, `/readyz`), on loopback by default. */
  OPS_PORT: envPort(9100),
  OPS_HOST: envString("127.0.0.1"),
  /** Slow clients (issue 9 item 7): headers within, the whole request within, open connections per address. */
  GATEWAY_HEADERS_TIMEOUT_MS: envInt(10_000, { min: 100, max: 600_000 }),
  GATEWAY_REQUEST_TIMEOUT_MS: envInt(30_000, { min: 100, max: 3_600_000 }),
  GATEWAY_MAX_CONNECTIONS_PER_SOURCE: envInt(64, { min: 0, max: 1_000_000 }),
  /** Longest wait for Kafka's acknowledgement before answering 503 with Retry-After (issue 9 item 11). */
  PRODUCE_TIMEOUT_MS: envInt(5_000, { min: 100, max: 120_000 }),
  EVENTS_PARTITIONS: envInt(12, { min: 1, max: 1000 }),
  EVAL_INTERVAL_MS: envInt(250, { min: 10, max: 60_000 }),
  NOTIFIER_TICK_MS: envInt(1000, { min: 50, max: 60_000 }),
  EXPORT_SHOP_LIMIT: envInt(1000, { min: 0, max: 100_000 }),
  GRAFANA_URL: envOptionalString(),
  LOG_LEVEL: envLogLevel(),
  /** The same as `--demo`: feed live demo traffic for three shops (issue 13), in their own topics and keys. */
  SCOREGUARD_DEMO: envBool(false),
  /** Where the first-run local API token is kept (default `.scoreguard/local-token` in the checkout). */
  SCOREGUARD_LOCAL_TOKEN_FILE: envOptionalString(),
});
export type Env = z.infer<typeof Env>;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  return parseEnv(Env, source);
}
