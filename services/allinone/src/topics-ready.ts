import { topicNames } from "@sg/events";
import type { Kafka } from "@sg/kafka";

/** True when the three topics exist (the all-in-one is ready only then: a producer must not race topic creation). */
export async function topicsExist(kafka: Kafka, prefix: string): Promise<boolean> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const have = new Set(await admin.listTopics());
    return Object.values(topicNames(prefix)).every((t) => have.has(t));
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
