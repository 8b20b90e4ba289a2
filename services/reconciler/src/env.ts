import { z } from "zod";
import { BaseEnv, envInt, envPort, parseEnv } from "@sg/config";

/** The reconciler's environment when run alone (style.md "One zod Env per service"): the common variables plus its own. */
export const Env = BaseEnv.extend({
  /** Its ops port: /metrics (the reconciliation counters), /livez, /readyz. */
  RECONCILER_PORT: envPort(9103),
  /** How often the loop looks for due pulls and imported days, ms. */
  RECONCILER_TICK_MS: envInt(60_000, { min: 1_000, max: 3_600_000 }),
});
export type Env = z.infer<typeof Env>;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  return parseEnv(Env, source);
}
