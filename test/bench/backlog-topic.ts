/**
 * A backlog on a topic of its own, for the bench sections that consume one (engine-v2.ts's backlog,
 * backlog-cpu.ts, replica-wait.ts): the run's sg.events, dead-letter and alert topics, and the events produced
 * to sg.events keyed by shop, 5,000 to a request.
 */
import { shopKey, topicNames, type CanonicalEvent } from "@sg/events";
import { createProducer, ensureTopics, type Kafka } from "@sg/kafka";

/** The run's topics (`<run>.sg.events` with `partitions` partitions, one each for dead letters and alerts). */
export async function backlogTopics(kafka: Kafka, run: string, partitions: number): Promise<ReturnType<typeof topicNames>> {
  const topics = topicNames(`${run}.`);
  await ensureTopics(kafka, [
    { topic: topics.events, numPartitions: partitions },
    { topic: topics.dlq, numPartitions: 1 },
    { topic: topics.alerts, numPartitions: 1 },
  ]);
  return topics;
}

/** Produces `events` to `topic`, keyed by shop, in requests of 5,000. */
export async function produceBacklog(kafka: Kafka, topic: string, events: readonly CanonicalEvent[]): Promise<void> {
  const producer = createProducer(kafka);
  await producer.connect();
  try {
    for (let i = 0; i < events.length; i += 5000)
      await producer.send({
        topic,
        messages: events.slice(i, i + 5000).map((e) => ({ key: shopKey(e), value: JSON.stringify(e) })),
      });
  } finally {
    await producer.disconnect();
  }
}
