// The one place that builds kafkajs clients (architecture.md, "The same clients everywhere"): services
// import Kafka types and factories from here, so the client can be replaced in one place.
import {
  Kafka,
  Partitioners,
  type Admin,
  logLevel,
  type ITopicConfig,
  type KafkaConfig,
  type Producer,
  type ProducerConfig,
  type ProducerBatch,
  type ProducerRecord,
} from "kafkajs";

export { Kafka, logLevel, CompressionTypes, Partitioners } from "kafkajs";
export * from "./errors.js";
export { recordsInTopic } from "./records-in.js";
import { KafkaJSError } from "./errors.js";
export type {
  Admin,
  Consumer,
  ConsumerConfig,
  EachBatchPayload,
  EachMessagePayload,
  IHeaders,
  KafkaConfig,
  KafkaMessage,
  Message,
  Producer,
  ProducerConfig,
  RecordMetadata,
} from "kafkajs";

/** Where kafkajs's own log lines go when a service passes its logger (a pino logger fits). */
export interface KafkaLogSink {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export type CreateKafkaOptions = { brokers: string[]; clientId: string; logger?: KafkaLogSink } & Omit<KafkaConfig, "brokers" | "clientId">;

/**
 * A kafkajs client. Logs at WARN unless `logLevel` says otherwise (kafkajs logs every retry at ERROR by default).
 * With `logger`, kafkajs's lines go through it (and so through its secret scrubbing) instead of console.
 */
export function createKafka(options: CreateKafkaOptions): Kafka {
  const { logger, ...config } = options;
  const logCreator: KafkaConfig["logCreator"] | undefined = logger
    ? () =>
        ({ namespace, level, log }) => {
          const { message, ...extra } = log;
          const fields = { kafkajs: namespace, ...extra };
          if (level === logLevel.ERROR) logger.error(fields, message);
          else if (level === logLevel.WARN) logger.warn(fields, message);
          else if (level === logLevel.INFO) logger.info(fields, message);
          else logger.debug(fields, message);
        }
    : undefined;
  return new Kafka({ logLevel: logLevel.WARN, ...(logCreator ? { logCreator } : {}), ...config });
}

export type TopicSpec = {
  topic: string;
  numPartitions: number;
  /**
   * Default: from the cluster's size, 3 once it has 3 brokers (with `min.insync.replicas` 2, so an
   * acknowledged write is on two brokers and one broker may die), else 1.
   */
  replicationFactor?: number;
  configEntries?: { name: string; value: string }[];
};

/**
 * Creates the topics that do not exist yet and waits for their leaders. Existing topics are left as they
 * are (their partition count is not changed). Returns the names it created.
 */
export async function ensureTopics(kafka: Kafka, topics: TopicSpec[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing: ITopicConfig[] = topics
      .filter((t) => !existing.has(t.topic))
      .map((t) => ({
        topic: t.topic,
        numPartitions: t.numPartitions,
        ...(t.replicationFactor === undefined ? {} : { replicationFactor: t.replicationFactor }),
        ...(t.configEntries === undefined ? {} : { configEntries: [...t.configEntries] }),
      }));
    if (missing.length === 0) return [];
    const size = (await admin.describeCluster()).brokers.length;
    for (const t of missing) {
      if (t.replicationFactor !== undefined) continue;
      t.replicationFactor = size >= 3 ? 3 : 1;
      if (size >= 3 && !t.configEntries?.some((e) => e.name === "min.insync.replicas"))
        t.configEntries = [...(t.configEntries ?? []), { name: "min.insync.replicas", value: "2" }];
    }
    // Another process may win the race (TOPIC_ALREADY_EXISTS is not an error here). Leaders are awaited
    // below rather than by kafkajs: on a cluster, a broker that has not yet heard of a new topic answers
    // UNKNOWN_TOPIC_OR_PARTITION, which kafkajs's own wait throws instead of retrying.
    await admin.createTopics({ topics: missing, waitForLeaders: false });
    await waitForLeaders(
      admin,
      missing.map((t) => t.topic),
    );
    return missing.map((t) => t.topic);
  } finally {
    await admin.disconnect();
  }
}

/** Until every partition of `topics` has a leader, on whichever broker answers; retriable errors are retried. */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (meta.length === topics.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      if (!(err instanceof KafkaJSError && err.retriable) || Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`no leader for every partition of ${topics.join(", ")} within ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A producer whose `send`/`sendBatch` always ask for `acks: -1` (all in-sync replicas): a send resolves only
 * once `min.insync.replicas` brokers hold its records.
 *
 * Not idempotent, on purpose. kafkajs 2.2.4 rolls a failed request's sequence numbers back although the
 * leader may have appended it (acks=all timed out, or the leader died before answering; the records are
 * committed once the followers catch up). The next request to that partition then reuses those numbers, and
 * a broker answers a batch of the same producer id and sequence range as a duplicate of the failed one:
 * acknowledged, nothing written. The gateway answered 202 for events that never reached `sg.events`
 * (test/failover/producer-sequence.failover.test.ts shows it; docs/operations.md). Without idempotence a retry
 * may write a record twice, which every consumer already absorbs (events and alerts are applied once by id
 * and seq; the same dead letter twice is harmless). `idempotent` in `config` is ignored for that reason.
 *
 * `maxInFlightRequests: 1` keeps one request per broker connection, so a partition's records keep their order
 * apart from retries (kafkajs#598, #1005 were about concurrent idempotent requests). The default
 * (Java-compatible murmur2) partitioner keeps `platform:shop` keys on the same partitions as any Java client.
 */
export function createProducer(kafka: Kafka, config: ProducerConfig = {}): Producer {
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    maxInFlightRequests: 1,
    ...config,
    idempotent: false,
  });
  return {
    ...producer,
    send: (record: ProducerRecord) => producer.send({ ...record, acks: -1 }),
    sendBatch: (batch: ProducerBatch) => producer.sendBatch({ ...batch, acks: -1 }),
  };
}
