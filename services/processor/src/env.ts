import { z } from "zod";
import { BaseEnv, SharedEnvVars, envInt, envPort, envString, parseEnv } from "@sg/config";

/** The processor's environment, parsed once (style.md "One zod Env per service"): the common variables plus its own. */
export const Env = BaseEnv.extend({
  PROCESSOR_PORT: envPort(9101),
  PROCESSOR_GROUP: envString("sg-processor"),
  EVENTS_PARTITIONS: SharedEnvVars.EVENTS_PARTITIONS(),
  EVAL_INTERVAL_MS: SharedEnvVars.EVAL_INTERVAL_MS(),
  EXPORT_SHOP_LIMIT: SharedEnvVars.EXPORT_SHOP_LIMIT(),
  AGGREGATE_CACHE_MB: SharedEnvVars.AGGREGATE_CACHE_MB(),
  PROCESSOR_PARTITIONS_AT_ONCE: SharedEnvVars.PROCESSOR_PARTITIONS_AT_ONCE(),
  REDIS_MIN_REPLICAS_ACK: SharedEnvVars.REDIS_MIN_REPLICAS_ACK(),
  REDIS_REPLICA_ACK_TIMEOUT_MS: SharedEnvVars.REDIS_REPLICA_ACK_TIMEOUT_MS(),
  /**
   * Test-only knob, 0 (off) in production: each evaluation pass that has shops to evaluate first waits this
   * long, after their batches were applied and their offsets committed. It opens a wide, deterministic window
   * in which a test can SIGKILL the process between the offset commit and the evaluation (architecture.md
   * "No evaluation is lost", services/processor/src/no-eval-lost.int.test.ts). Never set it in a deployment.
   */
  SG_TEST_PAUSE_BEFORE_EVAL_MS: envInt(0, { min: 0, max: 600_000 }),
  /**
   * Test-only, unset in production: comma-separated `platform:shopId` keys whose events fail to apply as a
   * poison record would, so a test can watch the quarantine move the partition on (test/hostile).
   */
  SG_TEST_POISON_SHOPS: envString(""),
  /**
   * Test-only knob, 0 (off) in production: each batch of sg.events, once Redis applied it and before its offset
   * is resolved and committed, logs "test pause: batch applied, offset not committed" (with its partition and
   * offsets) and waits this long. It opens a deterministic window in which a fault test SIGKILLs the process
   * with a batch in flight (services/processor/src/processor-kill.fault.test.ts). Never set it in a deployment.
   */
  SG_TEST_PAUSE_BEFORE_COMMIT_MS: envInt(0, { min: 0, max: 600_000 }),
});
export type Env = z.infer<typeof Env>;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  return parseEnv(Env, source);
}
