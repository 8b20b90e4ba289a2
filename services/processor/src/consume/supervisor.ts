import type { Consumer, EachBatchPayload, Kafka } from "@sg/kafka";
import type { Log } from "../log.js";
import type { ProcessorMetrics } from "../publish/telemetry.js";
import type { PartitionProgress } from "./partition-progress.js";

export interface ConsumerSupervisorDeps {
  kafka: Kafka;
  groupId: string;
  /** `sg.events`. */
  topic: string;
  eachBatch(payload: EachBatchPayload): Promise<void>;
  progress: PartitionProgress;
  log: Log;
  metrics?: ProcessorMetrics | undefined;
  /** Whether the processor still runs: a crashed consumer is restarted only while it does. */
  isRunning(): boolean;
  /** Batches of this many partitions applied at once (kafkajs `partitionsConsumedConcurrently`); default 1. */
  partitionsConcurrently?: number | undefined;
}

export interface ConsumerSupervisor {
  /** Joins the group and consumes. */
  start(): Promise<void>;
  /** Leaves the group; the batch in hand is finished first (kafkajs). */
  stop(): Promise<void>;
  /** Partitions of the topic this instance owns since the last group join (none after a crash). */
  readonly assigned: readonly number[];
}

/**
 * Joins the group and consumes. A batch that fails (Redis down while applying it) throws out of eachBatch
 * with its offsets unresolved, so kafkajs fetches it again; once its retries are spent the consumer crashes
 * and restarts itself (`restartOnFailure`). Nothing acknowledged is lost by that: offsets are committed only
 * after Redis applied the batch. A crash kafkajs will not restart (a non-retriable error) gets a fresh
 * consumer here, so intake never stops for good while the service runs.
 */
export function createConsumerSupervisor(deps: ConsumerSupervisorDeps): ConsumerSupervisor {
  let consumer: Consumer | undefined;
  let assigned: number[] = [];

  async function startConsumer(): Promise<Consumer> {
    // 10 s: a crashed member's partitions move to a restarted one sooner than with the 30 s default.
    const c = deps.kafka.consumer({
      groupId: deps.groupId,
      maxWaitTimeInMs: 200,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      retry: { restartOnFailure: async () => deps.isRunning() },
    });
    c.on(c.events.GROUP_JOIN, (e) => {
      assigned = e.payload.memberAssignment[deps.topic] ?? [];
      deps.progress.assigned(assigned);
      deps.metrics?.partitionsAssigned(assigned);
    });
    c.on(c.events.CRASH, ({ payload }) => {
      assigned = [];
      deps.metrics?.consumerCrashes.inc();
      deps.log.error({ err: payload.error, restart: payload.restart }, "sg.events consumer crashed");
      if (!payload.restart && deps.isRunning()) setTimeout(() => void replaceConsumer(c), 1000);
    });
    await c.connect();
    await c.subscribe({ topics: [deps.topic], fromBeginning: true });
    await c.run({
      eachBatchAutoResolve: false,
      eachBatch: deps.eachBatch,
      partitionsConsumedConcurrently: deps.partitionsConcurrently ?? 1,
    });
    return c;
  }

  async function replaceConsumer(crashed: Consumer): Promise<void> {
    if (!deps.isRunning() || consumer !== crashed) return;
    try {
      await crashed.disconnect();
      const fresh = await startConsumer();
      if (!deps.isRunning()) {
        await fresh.disconnect(); // stopped meanwhile
        return;
      }
      consumer = fresh;
      deps.log.info({}, "sg.events consumer replaced after a crash");
    } catch (err) {
      deps.log.error({ err }, "could not restart the sg.events consumer; trying again");
      setTimeout(() => void replaceConsumer(crashed), 5000);
    }
  }

  return {
    async start() {
      consumer = await startConsumer();
    },
    async stop() {
      await consumer?.disconnect();
    },
    get assigned() {
      return assigned;
    },
  };
}
