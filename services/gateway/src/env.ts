import { z } from "zod";
import { BaseEnv, SharedEnvVars, envBool, envInt, envPort, envString, parseEnv } from "@sg/config";

/**
 * The gateway's environment, parsed once (style.md "One zod Env per service"; docs/interfaces.md
 * "Environment variables"): the common variables plus its own. Nothing else reads process.env.
 */
export const Env = BaseEnv.extend({
  GATEWAY_PORT: envPort(8080),
  GATEWAY_HOST: envString("0.0.0.0"),
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (rate limits, logs). */
  GATEWAY_TRUST_PROXY: envBool(false),
  /** Per API token: sustained requests/s and burst. */
  GATEWAY_TOKEN_RATE: envInt(50, { min: 1, max: 100_000 }),
  GATEWAY_TOKEN_BURST: envInt(100, { min: 1, max: 100_000 }),
  /** Per source address on each webhook. */
  GATEWAY_SOURCE_RATE: envInt(200, { min: 1, max: 100_000 }),
  GATEWAY_SOURCE_BURST: envInt(400, { min: 1, max: 100_000 }),
  EVENTS_PARTITIONS: SharedEnvVars.EVENTS_PARTITIONS(),
});
export type Env = z.infer<typeof Env>;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  return parseEnv(Env, source);
}
