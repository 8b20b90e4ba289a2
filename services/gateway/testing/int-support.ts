import { ensurePipelineTopics } from "@sg/events/runtime";
// Helpers for the gateway's *.int.test.ts: the real Kafka (and Redis) of the test harness, unique topics per
// test, and a consumer that reads a topic back.
import { topicNames, type Topics } from "@sg/events";
import { createKafka, createProducer, logLevel, type Consumer, type Kafka, type Producer } from "@sg/kafka";
import { pollUntil, testInfra, uniqueName } from "@sg/test";
import { createKafkaEventSink } from "../src/kafka-sink.js";
import type { EventSink } from "../src/ports.js";

export interface KafkaFixture {
  kafka: Kafka;
  topics: Topics;
  producer: Producer;
  sink: EventSink;
  /** Records read back from a topic, in arrival order. */
  read(topic: string): Promise<TopicReader>;
  close(): Promise<void>;
}

export interface TopicReader {
  records: Array<{ key: string; value: string; headers: Record<string, string> }>;
  /** Waits until at least `n` records were read. */
  atLeast(n: number, timeoutMs?: number): Promise<void>;
}

export async function kafkaFixture(name: string): Promise<KafkaFixture> {
  const { brokers } = testInfra();
  const run = uniqueName(name);
  const topics = topicNames(`${run}.`);
  const kafka = createKafka({ brokers, clientId: run, logLevel: logLevel.NOTHING });
  await ensurePipelineTopics(kafka, topics, 3);
  const producer = createProducer(kafka);
  await producer.connect();
  const consumers: Consumer[] = [];
  return {
    kafka,
    topics,
    producer,
    sink: createKafkaEventSink(producer, topics),
    async read(topic) {
      // A short fetch wait: disconnect() waits for the fetch in flight.
      const consumer = kafka.consumer({ groupId: uniqueName(`${run}-reader`), maxWaitTimeInMs: 200 });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const records: TopicReader["records"] = [];
      await consumer.run({
        eachMessage: async ({ message }) => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = v.toString();
          records.push({ key: message.key?.toString() ?? "", value: message.value?.toString() ?? "", headers });
        },
      });
      return {
        records,
        atLeast: async (n, timeoutMs = 30_000) => {
          await pollUntil(() => records.length >= n, { timeoutMs, message: `${n} records on ${topic}` });
        },
      };
    },
    async close() {
      await Promise.all(consumers.map((c) => c.disconnect()));
      await producer.disconnect();
    },
  };
}
