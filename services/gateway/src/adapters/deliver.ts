import { eventTimeRefusal, toMillis, type CanonicalEvent } from "@sg/events";
import type { FastifyBaseLogger } from "fastify";
import type { GatewayMetrics } from "../http/gateway-metrics.js";
import type { DeadLetter, EventSink } from "../ports.js";
import { cut, type MessageOutcome } from "./adapter.js";

export interface Received {
  outcome: MessageOutcome;
  messageId?: string;
  /** The message as received, for a dead letter. */
  payload: string;
}

export interface DeliverDeps {
  sink: EventSink;
  metrics: GatewayMetrics;
  logger: FastifyBaseLogger;
  now: () => number;
}

/**
 * Produces what a batch of platform messages maps to, and counts every message by outcome. Resolves only
 * once Kafka acknowledged the events and the dead letters; rejects otherwise (after counting the failure),
 * so the caller answers the platform with a failure and the platform redelivers. Invalid messages are
 * dead-lettered with their problems rather than refused: the platform would redeliver them forever, and the
 * valid messages of the same push must not be lost with them.
 */
export async function deliver(deps: DeliverDeps, source: string, received: readonly Received[]): Promise<{ events: number }> {
  const events: CanonicalEvent[] = [];
  const dead: DeadLetter[] = [];
  for (const r of received) {
    const o = timed(r.outcome, deps.now());
    deps.metrics.platformMessages.inc({ source, outcome: o.outcome });
    if (o.outcome === "mapped") events.push(...o.events);
    else if (o.outcome === "invalid") {
      dead.push({
        source,
        ...(r.messageId === undefined || r.messageId === "" ? {} : { messageId: r.messageId }),
        reason: "invalid platform message",
        problems: o.problems,
        payload: cut(r.payload),
        receivedAt: deps.now(),
      });
      deps.logger.warn({ source, messageId: r.messageId, problems: o.problems }, "platform message dead-lettered");
    } else if (o.outcome === "unknown") {
      deps.logger.info({ source, messageId: r.messageId, reason: o.reason }, "unknown platform message acknowledged");
    }
  }
  try {
    if (events.length > 0) await deps.sink.publish(events);
    if (dead.length > 0) await deps.sink.deadLetter(dead);
  } catch (err) {
    deps.metrics.produceFailures.inc({ source });
    throw err;
  }
  if (events.length > 0) deps.metrics.eventsProduced.inc({ source }, events.length);
  return { events: events.length };
}

/**
 * A mapped message whose event time is older than the retention or more than 5 minutes ahead is invalid (the
 * rule the processor's intake applies, from @sg/events): dead-lettered here, once, with its reason rather than
 * produced and dead-lettered later.
 */
function timed(o: MessageOutcome, nowMs: number): MessageOutcome {
  if (o.outcome !== "mapped") return o;
  for (const e of o.events) {
    const refusal = eventTimeRefusal(toMillis(e.at), nowMs);
    if (refusal !== null) return { outcome: "invalid", problems: [{ field: "at", reason: refusal.reason }] };
  }
  return o;
}
