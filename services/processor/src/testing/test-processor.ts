// The int tests' processor setup, in one place: a run of its own on the harness's Kafka and Redis (topics,
// key prefix and group named after a unique run id, so files and tests never share state), processors on a
// test clock, readers of sg.alerts and sg.events.dlq, and the processor as a child process for the tests
// that SIGKILL it. Not used by production code.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { AlertRecord, shopKey, topicNames, type CanonicalEvent, type Topics } from "@sg/events";
import { ensurePipelineTopics } from "@sg/events/runtime";
import { createKafka, createProducer, logLevel, recordsInTopic, type Kafka, type Message, type Producer } from "@sg/kafka";
import { pollUntil } from "@sg/test";
import { createRedis, type Redis } from "@sg/redis";
import { readTopic, testInfra, uniqueName, type TopicReader } from "@sg/test";
import { silentLog } from "../log.js";
import { createProcessor, type Processor, type ProcessorDeps } from "../processor.js";

export interface TestPipeline {
  /** Unique run id: the topics' prefix (`<run>.sg.events`…), the Redis key prefix and the processors' group. */
  readonly run: string;
  readonly topics: Topics;
  readonly kafka: Kafka;
  readonly redis: Redis;
  readonly brokers: string[];
  readonly redisUrl: string;
  readonly producer: Producer;
  /** Produces canonical events (or anything with `platform` and `shopId`) to sg.events, keyed by shop. */
  send(events: readonly (CanonicalEvent | { platform: string; shopId: string })[]): Promise<void>;
  /** Produces ready-made records to sg.events (invalid ones too), in sends of 500. */
  sendRecords(records: readonly Message[]): Promise<void>;
  /**
   * Creates and starts a processor of this run: its key prefix and group, no log, evaluation and deadline
   * ticks every 50 ms, then `overrides`. Stopped by `close()` if the test has not stopped it.
   */
  startTestProcessor(overrides?: Partial<ProcessorDeps>): Promise<Processor>;
  /**
   * Waits until the processors `ps` (started on a fresh group of this run) together handled as many records as
   * sg.events holds: the topic's count, not the messages sent, since the producer is at-least-once and a retried
   * send may have written some twice.
   */
  untilHandled(ps: Processor | readonly Processor[], opts?: { timeoutMs?: number; message?: string }): Promise<void>;
  /** sg.alerts of this run, parsed, from the beginning. */
  readAlerts(): Promise<TopicReader<AlertRecord>>;
  /** sg.events.dlq of this run, parsed as JSON, from the beginning. */
  readDeadLetters<T = { reason: string }>(): Promise<TopicReader<T>>;
  /** The environment of a processor child process (services/processor/src/main.ts) on this run. */
  processEnv(): Record<string, string>;
  /** Stops the processors, readers and clients this pipeline started. */
  close(): Promise<void>;
}

/** A run of its own: creates its topics (`partitions` partitions of sg.events) and connects a producer. */
export async function testPipeline(name: string, { partitions = 2 }: { partitions?: number } = {}): Promise<TestPipeline> {
  const { brokers, redisUrl } = testInfra();
  const run = uniqueName(name);
  const topics = topicNames(`${run}.`);
  const kafka = createKafka({ brokers, clientId: run, logLevel: logLevel.NOTHING });
  await ensurePipelineTopics(kafka, topics, partitions);
  const redis = createRedis(redisUrl);
  const producer = createProducer(kafka);
  await producer.connect();
  const processors: Processor[] = [];
  const readers: TopicReader<unknown>[] = [];
  const reader = async <T>(topic: string, parse: (value: Buffer) => T) => {
    const r = await readTopic(kafka, topic, parse);
    readers.push(r);
    return r;
  };
  return {
    run,
    topics,
    kafka,
    redis,
    brokers,
    redisUrl,
    producer,
    async send(events) {
      await producer.send({
        topic: topics.events,
        messages: events.map((e) => ({ key: shopKey(e as { platform: string; shopId: string }), value: JSON.stringify(e) })),
      });
    },
    async sendRecords(records) {
      for (let i = 0; i < records.length; i += 500) await producer.send({ topic: topics.events, messages: records.slice(i, i + 500) });
    },
    async startTestProcessor(overrides = {}) {
      const p = await startTestProcessor({ kafka, redis, topics, keyPrefix: run, ...overrides }, (created) => processors.push(created));
      return p;
    },
    async untilHandled(ps, { timeoutMs = 60_000, message = "every record of sg.events handled" } = {}) {
      const list: readonly Processor[] = Array.isArray(ps) ? ps : [ps as Processor];
      const inTopic = await recordsInTopic(kafka, topics.events);
      await pollUntil(() => list.reduce((n, p) => n + p.handled, 0) >= inTopic, { timeoutMs, message: `${message} (${inTopic})` });
    },
    readAlerts: () => reader(topics.alerts, (v) => AlertRecord.parse(JSON.parse(v.toString()))),
    readDeadLetters: <T>() => reader(topics.dlq, (v) => JSON.parse(v.toString()) as T),
    processEnv: () => processorEnv({ brokers, redisUrl, run, partitions }),
    async close() {
      for (const p of processors) await p.stop();
      for (const r of readers) await r.stop();
      await producer.disconnect();
      redis.disconnect();
    },
  };
}

/**
 * Creates and starts a processor for a test: group = key prefix unless given, the wall clock unless given, no
 * log, default configuration, evaluation and deadline ticks every 50 ms; then `deps`. `created` sees it before
 * it starts (so a test's cleanup can stop one whose start failed halfway).
 */
export async function startTestProcessor(
  deps: Pick<ProcessorDeps, "kafka" | "redis" | "topics" | "keyPrefix"> & Partial<ProcessorDeps>,
  created?: (p: Processor) => void,
): Promise<Processor> {
  const p = createProcessor({
    groupId: deps.keyPrefix,
    clock: () => Date.now(),
    config: {},
    log: silentLog,
    evalIntervalMs: 50,
    tickMs: 50,
    ...deps,
  });
  created?.(p);
  await p.start();
  return p;
}

/** The environment of a processor child process on run `run`'s topics, keys and group, its metrics on a free port. */
export function processorEnv(o: { brokers: string[]; redisUrl: string; run: string; partitions: number }): Record<string, string> {
  return {
    KAFKA_BROKERS: o.brokers.join(","),
    REDIS_URL: o.redisUrl,
    TOPIC_PREFIX: `${o.run}.`,
    KEY_PREFIX: o.run,
    PROCESSOR_GROUP: o.run,
    PROCESSOR_PORT: "0",
    EVENTS_PARTITIONS: String(o.partitions),
  };
}

const root = fileURLToPath(new URL("../../../../", import.meta.url));

/**
 * The processor as a child process (`services/processor/src/main.ts` under tsx), for the tests that SIGKILL
 * it. Its log goes to stderr at warn; CRASH_LOG=debug (or any level) shows it all, stdout included.
 */
export function spawnProcessor(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "services/processor/src/main.ts"], {
    cwd: root,
    env: { ...process.env, ...env, LOG_LEVEL: process.env.CRASH_LOG ?? "warn" },
    stdio: ["ignore", process.env.CRASH_LOG ? "inherit" : "ignore", "inherit"],
  });
}

/** SIGKILLs `child` and resolves once it has exited. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}
