import { randomUUID } from "node:crypto";
import type { Kafka } from "@sg/kafka";

export interface TopicReader<T> {
  /** What the topic held and received, parsed, in arrival order. */
  readonly records: T[];
  /** Leaves the group (within about `maxWaitTimeInMs`, not kafkajs's 5 s fetch wait). */
  stop(): Promise<void>;
}

/**
 * Reads `topic` from the beginning in a group of its own, parsing each value. Its fetches wait at most 100 ms
 * for new records: kafkajs's default of 5 s makes every disconnect wait out the fetch in flight, which cost
 * each int test that reads a topic about 5 s for nothing. A record still arrives as soon as it is written.
 */
export async function readTopic<T>(kafka: Kafka, topic: string, parse: (value: Buffer) => T): Promise<TopicReader<T>> {
  const records: T[] = [];
  const consumer = kafka.consumer({ groupId: `${topic}-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void records.push(parse(message.value!)) });
  } catch (err) {
    await consumer.disconnect();
    throw err;
  }
  return { records, stop: () => consumer.disconnect() };
}
