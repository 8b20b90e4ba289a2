/** Kafka topic names (architecture.md). A prefix isolates test runs and `replay` runs. */
export type Topics = {
  events: string;
  dlq: string;
  alerts: string;
};

export type PipelineTopic = keyof Topics;

export function topicNames(prefix = ""): Topics {
  return { events: `${prefix}sg.events`, dlq: `${prefix}sg.events.dlq`, alerts: `${prefix}sg.alerts` };
}

/** `sg.events` partitions unless `EVENTS_PARTITIONS` says otherwise: the processor's unit of parallelism. */
export const DEFAULT_EVENTS_PARTITIONS = 12;
/** The dead-letter topic is read by people, not scaled. */
export const DLQ_PARTITIONS = 1;
/** `sg.alerts`: enough for a few notifier instances; records of one alert identity share a key, so stay in order. */
export const ALERTS_PARTITIONS = 3;

export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

/** The pipeline's topics with their partition counts; `only` limits it to the ones a service writes or reads. */
export function pipelineTopicSpecs(
  topics: Topics,
  eventsPartitions: number = DEFAULT_EVENTS_PARTITIONS,
  only: readonly PipelineTopic[] = ["events", "dlq", "alerts"],
): TopicSpec[] {
  const partitions: Record<PipelineTopic, number> = { events: eventsPartitions, dlq: DLQ_PARTITIONS, alerts: ALERTS_PARTITIONS };
  return only.map((t) => ({ topic: topics[t], numPartitions: partitions[t] }));
}
