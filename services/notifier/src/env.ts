import { z } from "zod";
import { envBrokers, envInt, envLogLevel, envOptionalString, envPort, envString, envUrl, parseEnv } from "@sg/config";

/** The notifier's environment, parsed once (style.md "One zod Env per service"). Nothing else reads process.env. */
export const Env = z.object({
  KAFKA_BROKERS: envBrokers(),
  REDIS_URL: envOptionalString(),
  SCOREGUARD_CONFIG: envOptionalString(),
  TOPIC_PREFIX: envString(""),
  KEY_PREFIX: envString("sg"),
  NOTIFIER_PORT: envPort(9102),
  NOTIFIER_GROUP: envString("sg-notifier"),
  /** Ticker period, ms: the resolution of group_wait and the other timers. */
  NOTIFIER_TICK_MS: envInt(1000, { min: 10, max: 60_000 }),
  /** Base URL of the dashboards linked from messages, when the config has no `grafana.url`. */
  GRAFANA_URL: envUrl(["http", "https"]),
  LOG_LEVEL: envLogLevel(),
});
export type Env = z.infer<typeof Env>;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  return parseEnv(Env, source);
}
