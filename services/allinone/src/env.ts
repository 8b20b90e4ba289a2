import { z } from "zod";
import { BaseEnv, SharedEnvVars, envPort, parseEnv } from "@sg/config";

/** The all-in-one process's environment (docs/interfaces.md): the common variables plus those of the three services it runs. */
export const Env = BaseEnv.extend({
  GATEWAY_PORT: envPort(8080),
  EVENTS_PARTITIONS: SharedEnvVars.EVENTS_PARTITIONS(),
  EVAL_INTERVAL_MS: SharedEnvVars.EVAL_INTERVAL_MS(),
  NOTIFIER_TICK_MS: SharedEnvVars.NOTIFIER_TICK_MS(),
  EXPORT_SHOP_LIMIT: SharedEnvVars.EXPORT_SHOP_LIMIT(),
  GRAFANA_URL: SharedEnvVars.GRAFANA_URL(),
});
export type Env = z.infer<typeof Env>;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  return parseEnv(Env, source);
}
