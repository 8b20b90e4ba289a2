// Shared plumbing of the notifier's integration tests (not a test file itself).
import { Writable } from "node:stream";
import { parseScoreguardConfig, type ScoreguardConfigInput } from "@sg/config";
import { alertKey, topicNames, type AlertRecord } from "@sg/events";
import { ensurePipelineTopics } from "@sg/events/runtime";
import { createKafka, createProducer, type Kafka, type Producer } from "@sg/kafka";
import { createLogger, type Logger } from "@sg/logger";
import { createRedis, type Redis } from "@sg/redis";
import { afterAll, beforeAll } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../../../test/robots/index.js";
import { testInfra, uniqueName } from "../../../test/src/index.js";
import { createNotifier, type Notifier, type NotifierDeps } from "../src/notifier.js";

/** Every log line the notifiers of a test file wrote, as text. */
export class LogCapture {
  readonly lines: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      this.lines.push(
        ...chunk
          .toString("utf8")
          .split("\n")
          .filter((l) => l !== ""),
      );
      done();
    },
  });
  logger(): Logger {
    return createLogger({ name: "notifier", level: "debug", destination: this.stream });
  }
  json(): Array<Record<string, unknown>> {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

export interface Harness {
  kafka: Kafka;
  redis: Redis;
  producer: Producer;
  topicPrefix: string;
  keyPrefix: string;
  logs: LogCapture;
  publish(records: AlertRecord[]): Promise<void>;
  notifier(config: ScoreguardConfigInput, over?: Partial<NotifierDeps>): Promise<Notifier>;
  close(): Promise<void>;
}

/** Real Kafka and Redis from the harness, a unique topic prefix, key prefix and consumer group. */
export async function startHarness(): Promise<Harness> {
  const { brokers, redisUrl } = testInfra();
  const kafka = createKafka({ brokers, clientId: uniqueName("notifier-test") });
  const redis = createRedis(redisUrl);
  const topicPrefix = `${uniqueName("t")}.`;
  const keyPrefix = uniqueName("sgt");
  const consumerGroup = uniqueName("notifier");
  await ensurePipelineTopics(kafka, topicNames(topicPrefix), undefined, ["alerts"]);
  const producer = createProducer(kafka);
  await producer.connect();
  const logs = new LogCapture();
  const started: Notifier[] = [];
  return {
    kafka,
    redis,
    producer,
    topicPrefix,
    keyPrefix,
    logs,
    async publish(records) {
      await producer.send({
        topic: topicNames(topicPrefix).alerts,
        messages: records.map((r) => ({ key: alertKey(r), value: JSON.stringify(r) })),
      });
    },
    async notifier(config, over = {}) {
      const n = createNotifier({
        config: parseScoreguardConfig(config),
        redis,
        kafka,
        logger: logs.logger(),
        keyPrefix,
        topicPrefix,
        consumerGroup,
        tickMs: 100,
        recheckMs: 1_000,
        retry: { baseMs: 300, maxMs: 2_000, maxElapsedMs: 20_000 },
        httpTimeoutMs: 2_000,
        leaseMs: 5_000,
        grafanaUrl: "http://grafana.test:3000",
        consumerConfig: { maxWaitTimeInMs: 200, heartbeatInterval: 500, sessionTimeout: 10_000, rebalanceTimeout: 10_000 },
        ...over,
      });
      started.push(n);
      await n.start();
      return n;
    },
    async close() {
      for (const n of started) await n.stop();
      await producer.disconnect();
      await redis.quit();
    },
  };
}

let seqs = 0;
/** An AlertRecord with a fresh, increasing seq. */
export function alert(over: Partial<AlertRecord> & Pick<AlertRecord, "shopId">): AlertRecord {
  seqs += 1;
  return {
    platform: "kuaishou",
    metric: "human_reply_3min_rate",
    kind: "threshold",
    status: "firing",
    severity: "critical",
    at: "2026-11-20T14:00:00+08:00",
    seq: seqs,
    rulePack: "kuaishou@2023-03",
    direction: "min",
    unit: "ratio",
    value: 0.68,
    threshold: 0.7,
    target: 0.85,
    numerator: 17,
    denominator: 25,
    headroom: 0,
    ...over,
  };
}

export const FAST_TIMERS = { groupWait: "1s", groupInterval: "2s", repeatInterval: "1h", resolveAfter: "1s" } as const;

/**
 * A harness and a webhook receiver for the enclosing describe block: started before its tests, closed after
 * them. Read `h` and `hook` inside the tests (they exist once the block's beforeAll has run).
 */
export function harnessWithHook(): { readonly h: Harness; readonly hook: WebhookReceiver } {
  let h: Harness | undefined;
  let hook: WebhookReceiver | undefined;
  beforeAll(async () => {
    h = await startHarness();
    hook = await startWebhookReceiver();
  });
  afterAll(async () => {
    await h?.close();
    await hook?.close();
  });
  return {
    get h() {
      if (!h) throw new Error("harnessWithHook: read inside a test, after beforeAll");
      return h;
    },
    get hook() {
      if (!hook) throw new Error("harnessWithHook: read inside a test, after beforeAll");
      return hook;
    },
  };
}
