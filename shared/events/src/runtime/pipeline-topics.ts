import { ensureTopics, type Kafka } from "@sg/kafka";
import { pipelineTopicSpecs, type PipelineTopic, type Topics } from "../topics.js";

/**
 * Creates the pipeline's topics if missing, with the partition counts of `pipelineTopicSpecs`: the one
 * function every service, `replay` and the tests create topics with. An existing topic is left as it is.
 */
export async function ensurePipelineTopics(
  kafka: Kafka,
  topics: Topics,
  eventsPartitions?: number,
  only?: readonly PipelineTopic[],
): Promise<void> {
  await ensureTopics(kafka, pipelineTopicSpecs(topics, eventsPartitions, only));
}
