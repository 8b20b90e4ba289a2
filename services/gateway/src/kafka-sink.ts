import { formatProblems, shopKey, type Topics } from "@sg/events";
import type { Producer } from "@sg/kafka";
import type { Histogram } from "prom-client";
import type { EventSink } from "./ports.js";

/** Kafka did not acknowledge within the produce timeout; the caller answers 503 with Retry-After. */
export class ProduceTimeoutError extends Error {
  override readonly name = "ProduceTimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`Kafka did not acknowledge within ${timeoutMs} ms`);
  }
}

export interface KafkaSinkOptions {
  /**
   * Longest wait for Kafka's acknowledgement. Without it a stopped broker held a request
   * for kafkajs's retries, 14 to 82 s. A send still running at the timeout is not cancelled: it may yet land,
   * which is harmless because the client resends and the processor deduplicates by id; what matters is that
   * the answer is never 202 without the acknowledgement.
   */
  timeoutMs?: number;
  /** `sg_gateway_produce_duration_seconds`: time until Kafka acknowledged (or refused) a publish. */
  produceSeconds?: Histogram<"outcome">;
  /** A send that failed after its request was already answered with a failure (by the timeout). */
  onLateFailure?: (err: unknown) => void;
}

/** 5 s: well inside the platforms' push timeouts and a client's patience, and ample for acks=all on a healthy cluster. */
export const DEFAULT_PRODUCE_TIMEOUT_MS = 5_000;

/**
 * The producer port over Kafka. `producer` comes from `@sg/kafka` `createProducer` (acks=all, and not
 * idempotent: kafkajs's idempotent producer acknowledged a send after a failed one without writing it);
 * `acks: -1` is repeated here so a plain kafkajs producer behaves the same. `send` resolves only when every
 * in-sync replica has the records, and rejects (kafkajs retries first) otherwise.
 */
export function createKafkaEventSink(
  producer: Producer,
  topics: Pick<Topics, "events" | "dlq">,
  options: KafkaSinkOptions = {},
): EventSink {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PRODUCE_TIMEOUT_MS;
  const onLate = options.onLateFailure ?? (() => undefined);
  return {
    async publish(events) {
      if (events.length === 0) return;
      const end = options.produceSeconds?.startTimer();
      try {
        await within(
          timeoutMs,
          producer.send({
            topic: topics.events,
            acks: -1,
            timeout: timeoutMs,
            // Keyed by platform:shopId so one shop's events stay in order on one partition (architecture.md).
            messages: events.map((e) => ({ key: shopKey(e), value: JSON.stringify(e) })),
          }),
          onLate,
        );
        end?.({ outcome: "ok" });
      } catch (err) {
        end?.({ outcome: "error" });
        throw err;
      }
    },
    async deadLetter(records) {
      if (records.length === 0) return;
      await within(
        timeoutMs,
        producer.send({
          topic: topics.dlq,
          acks: -1,
          timeout: timeoutMs,
          messages: records.map((r) => ({
            key: r.source,
            // `reason` names the fields, as in the processor's dead letters.
            value: JSON.stringify({ stage: "gateway", ...r, reason: `${r.reason}: ${formatProblems(r.problems)}` }),
            headers: { reason: r.reason, source: r.source },
          })),
        }),
        onLate,
      );
    },
  };
}

/** `send`'s outcome, or a ProduceTimeoutError after `timeoutMs`. A later rejection of `send` goes to `onLate`, never unhandled. */
async function within<T>(timeoutMs: number, send: Promise<T>, onLate: (err: unknown) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new ProduceTimeoutError(timeoutMs));
    }, timeoutMs);
  });
  send.catch((err: unknown) => {
    // Before the timeout the rejection is the caller's (through the race); after it, only a note.
    if (timedOut) onLate(err);
  });
  try {
    return await Promise.race([send, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
