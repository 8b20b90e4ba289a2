import { z } from "zod";
import { BaseEnv, SharedEnvVars, envPort, envString, parseEnv } from "@sg/config";

/** The notifier's environment, parsed once (style.md "One zod Env per service"): the common variables plus its own. */
export const Env = BaseEnv.extend({
  NOTIFIER_PORT: envPort(9102),
  NOTIFIER_GROUP: envString("sg-notifier"),
  NOTIFIER_TICK_MS: SharedEnvVars.NOTIFIER_TICK_MS(),
  GRAFANA_URL: SharedEnvVars.GRAFANA_URL(),
  REDIS_MIN_REPLICAS_ACK: SharedEnvVars.REDIS_MIN_REPLICAS_ACK(),
  REDIS_REPLICA_ACK_TIMEOUT_MS: SharedEnvVars.REDIS_REPLICA_ACK_TIMEOUT_MS(),
});
export type Env = z.infer<typeof Env>;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  return parseEnv(Env, source);
}
