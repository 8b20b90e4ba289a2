import type { Topics } from "@sg/events";
import { ensureTopics, type Kafka } from "@sg/kafka";

/** Creates the pipeline's three topics if missing: `sg.events` with `eventsPartitions`, the DLQ, `sg.alerts`. */
export async function ensurePipelineTopics(kafka: Kafka, topics: Topics, eventsPartitions: number, alertsPartitions = 1): Promise<void> {
  await ensureTopics(kafka, [
    { topic: topics.events, numPartitions: eventsPartitions },
    { topic: topics.dlq, numPartitions: 1 },
    { topic: topics.alerts, numPartitions: alertsPartitions },
  ]);
}
