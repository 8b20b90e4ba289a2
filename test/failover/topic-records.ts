// What a topic holds, read from the beginning in a group of its own: for the failover tests' checks and for
// a failing run's diagnostics (where an acknowledged shop's records went).
import { randomUUID } from "node:crypto";
import type { Admin, Kafka } from "@sg/kafka";
import { pollUntil } from "../src/index.js";

/** One record of a topic, with where it sits. */
export type TopicRecord = { partition: number; offset: string; key: string | null; value: string };

/** Every record of `topic` up to the high watermarks seen at the call (each partition read to its end). */
export async function topicRecords(kafka: Kafka, admin: Admin, topic: string, timeoutMs = 60_000): Promise<TopicRecord[]> {
  const ends = await admin.fetchTopicOffsets(topic);
  const want = ends.reduce((n, e) => n + Number(e.high) - Number(e.low), 0);
  const records: TopicRecord[] = [];
  if (want === 0) return records;
  const consumer = kafka.consumer({ groupId: `${topic}-records-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) =>
        void records.push({
          partition,
          offset: message.offset,
          key: message.key?.toString("utf8") ?? null,
          value: message.value?.toString("utf8") ?? "",
        }),
    });
    await pollUntil(() => records.length >= want, { timeoutMs, intervalMs: 100, message: `${want} records of ${topic} read` });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** Per partition: the high watermark and the offset `groupId` committed ("-1": none). */
export async function partitionOffsets(admin: Admin, groupId: string, topic: string): Promise<string> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const committed = new Map((t?.partitions ?? []).map((p) => [p.partition, p.offset]));
  return ends
    .sort((a, b) => a.partition - b.partition)
    .map((e) => `p${e.partition}: high ${e.high}, committed ${committed.get(e.partition) ?? "?"}`)
    .join("; ");
}
