import { z } from "zod";
import { BaseEnv, SharedEnvVars, envPort, envString, parseEnv } from "@sg/config";

/** The processor's environment, parsed once (style.md "One zod Env per service"): the common variables plus its own. */
export const Env = BaseEnv.extend({
  PROCESSOR_PORT: envPort(9101),
  PROCESSOR_GROUP: envString("sg-processor"),
  EVENTS_PARTITIONS: SharedEnvVars.EVENTS_PARTITIONS(),
  EVAL_INTERVAL_MS: SharedEnvVars.EVAL_INTERVAL_MS(),
  EXPORT_SHOP_LIMIT: SharedEnvVars.EXPORT_SHOP_LIMIT(),
});
export type Env = z.infer<typeof Env>;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  return parseEnv(Env, source);
}
