import type { Kafka } from "kafkajs";

/**
 * How many records a topic holds: the sum over its partitions of high − low watermark. The producer is
 * at-least-once (`createProducer`: a send retried after a partial failure may write some records twice), so
 * a reader that waits for everything sent to be handled counts these, not the messages it sent. A fresh
 * topic's leaders may still be moving ("not the leader for that topic-partition", retriable): asked again,
 * with a new admin client (fresh metadata), for up to `retryMs`.
 */
export async function recordsInTopic(kafka: Kafka, topic: string, { retryMs = 15_000 }: { retryMs?: number } = {}): Promise<number> {
  const deadline = Date.now() + retryMs;
  for (;;) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    } catch (err) {
      if (!(err instanceof Error && (err as { retriable?: boolean }).retriable === true) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await admin.disconnect();
    }
  }
}
