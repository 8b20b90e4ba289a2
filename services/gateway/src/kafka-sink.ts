import { formatProblems, shopKey, type Topics } from "@sg/events";
import type { Producer } from "@sg/kafka";
import type { Histogram } from "prom-client";
import type { EventSink } from "./ports.js";

/**
 * The producer port over Kafka. `producer` comes from `@sg/kafka` `createProducer` (idempotent, acks=all);
 * `acks: -1` is repeated here so a plain kafkajs producer behaves the same. `send` resolves only when every
 * in-sync replica has the records, and rejects (kafkajs retries first) otherwise.
 */
export function createKafkaEventSink(
  producer: Producer,
  topics: Pick<Topics, "events" | "dlq">,
  /** `sg_gateway_produce_duration_seconds`: time until Kafka acknowledged (or refused) a publish. */
  produceSeconds?: Histogram<"outcome">,
): EventSink {
  return {
    async publish(events) {
      if (events.length === 0) return;
      const end = produceSeconds?.startTimer();
      try {
        await producer.send({
          topic: topics.events,
          acks: -1,
          // Keyed by platform:shopId so one shop's events stay in order on one partition (architecture.md).
          messages: events.map((e) => ({ key: shopKey(e), value: JSON.stringify(e) })),
        });
        end?.({ outcome: "ok" });
      } catch (err) {
        end?.({ outcome: "error" });
        throw err;
      }
    },
    async deadLetter(records) {
      if (records.length === 0) return;
      await producer.send({
        topic: topics.dlq,
        acks: -1,
        messages: records.map((r) => ({
          key: r.source,
          // `reason` names the fields, as in the processor's dead letters.
          value: JSON.stringify({ stage: "gateway", ...r, reason: `${r.reason}: ${formatProblems(r.problems)}` }),
          headers: { reason: r.reason, source: r.source },
        })),
      });
    },
  };
}
