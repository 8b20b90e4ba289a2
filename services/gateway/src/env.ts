import { z } from "zod";
import { BaseEnv, SharedEnvVars, envBool, envInt, envPort, envString, parseEnv } from "@sg/config";

/**
 * The gateway's environment, parsed once (style.md "One zod Env per service"; docs/interfaces.md
 * "Environment variables"): the common variables plus its own. Nothing else reads process.env.
 * `REDIS_URL` (in `BaseEnv`) may name a cluster: `redis+cluster://host1:7000,host2:7001`.
 */
export const Env = BaseEnv.extend({
  GATEWAY_PORT: envPort(8080),
  /** Loopback by default: listening on every interface is an explicit choice, e.g. 0.0.0.0. */
  GATEWAY_HOST: envString("127.0.0.1"),
  /** The ops server (`/metrics`, `/livez`, `/readyz`), apart from the public port: `/metrics` names every shop. */
  GATEWAY_OPS_PORT: envPort(9100),
  GATEWAY_OPS_HOST: envString("127.0.0.1"),
  /** Slow clients: headers within, the whole request within, open connections per address. */
  GATEWAY_HEADERS_TIMEOUT_MS: envInt(10_000, { min: 100, max: 600_000 }),
  GATEWAY_REQUEST_TIMEOUT_MS: envInt(30_000, { min: 100, max: 3_600_000 }),
  GATEWAY_MAX_CONNECTIONS_PER_SOURCE: envInt(64, { min: 0, max: 1_000_000 }),
  /** Longest wait for Kafka's acknowledgement before answering 503 with Retry-After. */
  PRODUCE_TIMEOUT_MS: envInt(5_000, { min: 100, max: 120_000 }),
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (rate limits, logs). */
  GATEWAY_TRUST_PROXY: envBool(false),
  /** Per API token: sustained requests/s and burst. */
  GATEWAY_TOKEN_RATE: envInt(50, { min: 1, max: 100_000 }),
  GATEWAY_TOKEN_BURST: envInt(100, { min: 1, max: 100_000 }),
  /** Per source address on each webhook. */
  GATEWAY_SOURCE_RATE: envInt(200, { min: 1, max: 100_000 }),
  GATEWAY_SOURCE_BURST: envInt(400, { min: 1, max: 100_000 }),
  /** Failed authentications per source address: a burst, then this many a minute; 429 with Retry-After beyond. */
  GATEWAY_AUTH_FAILURE_BURST: envInt(20, { min: 1, max: 100_000 }),
  GATEWAY_AUTH_FAILURES_PER_MIN: envInt(12, { min: 1, max: 6_000_000 }),
  EVENTS_PARTITIONS: SharedEnvVars.EVENTS_PARTITIONS(),
});
export type Env = z.infer<typeof Env>;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  return parseEnv(Env, source);
}
