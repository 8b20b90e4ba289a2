import { z } from "zod";
import { envBrokers, envInt, envLogLevel, envOptionalString, envPort, envString, parseEnv } from "@sg/config";

/** The processor's environment, parsed once (style.md "One zod Env per service"). Nothing else reads process.env. */
export const Env = z.object({
  KAFKA_BROKERS: envBrokers(),
  REDIS_URL: envOptionalString(),
  SCOREGUARD_CONFIG: envOptionalString(),
  TOPIC_PREFIX: envString(""),
  KEY_PREFIX: envString("sg"),
  PROCESSOR_PORT: envPort(9101),
  PROCESSOR_GROUP: envString("sg-processor"),
  /** Partitions of `sg.events` when the processor creates it (issue 2: 12). */
  EVENTS_PARTITIONS: envInt(12, { min: 1, max: 1000 }),
  /** How often changed shops are re-evaluated, ms. */
  EVAL_INTERVAL_MS: envInt(250, { min: 10, max: 60_000 }),
  /** Per-shop metric gauges are exported for at most this many shops (architecture.md). */
  EXPORT_SHOP_LIMIT: envInt(1000, { min: 0, max: 100_000 }),
  /**
   * Test-only knob, 0 (off) in production: each evaluation pass that has shops to evaluate first waits this
   * long, after their batches were applied and their offsets committed. It opens a wide, deterministic window
   * in which a test can SIGKILL the process between the offset commit and the evaluation (issue 8 "No
   * evaluation lost", services/processor/src/no-eval-lost.int.test.ts). Never set it in a deployment.
   */
  SG_TEST_PAUSE_BEFORE_EVAL_MS: envInt(0, { min: 0, max: 600_000 }),
  LOG_LEVEL: envLogLevel(),
});
export type Env = z.infer<typeof Env>;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  return parseEnv(Env, source);
}
