import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/**
 * The gateway's service metrics. Labels are bounded (architecture.md "Bounded Prometheus labels"): route
 * patterns, fixed reason and outcome names, sources; never a shop, token or message id.
 */
export interface GatewayMetrics {
  /** Every refused request, by route pattern and reason (every refusal is counted, so floods and misconfigured senders show). */
  refusals: Counter<"route" | "reason">;
  /** Canonical events acknowledged by Kafka, by source (`api`, `douyin`, `kuaishou`, `pdd`, `kuaidi100`). */
  eventsProduced: Counter<"source">;
  /** Platform messages by outcome: mapped, test, ignored, unknown, invalid, replayed. */
  platformMessages: Counter<"source" | "outcome">;
  /** Produce calls that Kafka did not acknowledge. */
  produceFailures: Counter<"source">;
  /** Every request by route pattern and status code; its `_count` is the request counter. */
  requestSeconds: Histogram<"route" | "status">;
  /** Time until Kafka acknowledged (outcome ok) or refused (error) a publish of canonical events. */
  produceSeconds: Histogram<"outcome">;
  pddConnected: Gauge;
  pddReconnects: Counter;
  /** Requests refused because a token reached a quota, by quota (`new_shops_per_day`): ScoreGuardQuotaReached. */
  quotaReached: Counter<"quota">;
  /** Requests admitted without their quota checked (Redis did not answer in time), by quota. */
  quotaUnchecked: Counter<"quota">;
}

export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const registers = [registry];
  const metrics: GatewayMetrics = {
    refusals: new Counter({
      name: "sg_gateway_refusals_total",
      help: "Requests the gateway refused, by route and reason",
      labelNames: ["route", "reason"] as const,
      registers,
    }),
    eventsProduced: new Counter({
      name: "sg_gateway_events_produced_total",
      help: "Canonical events acknowledged by Kafka (acks=all), by source",
      labelNames: ["source"] as const,
      registers,
    }),
    platformMessages: new Counter({
      name: "sg_gateway_platform_messages_total",
      help: "Platform messages received, by source and outcome",
      labelNames: ["source", "outcome"] as const,
      registers,
    }),
    produceFailures: new Counter({
      name: "sg_gateway_produce_failures_total",
      help: "Produce calls that Kafka did not acknowledge, by source",
      labelNames: ["source"] as const,
      registers,
    }),
    requestSeconds: new Histogram({
      name: "sg_gateway_request_duration_seconds",
      help: "HTTP request duration, by route pattern and status code",
      labelNames: ["route", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    produceSeconds: new Histogram({
      name: "sg_gateway_produce_duration_seconds",
      help: "Time to publish canonical events to sg.events until acks=all, by outcome (ok, error)",
      labelNames: ["outcome"] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    pddConnected: new Gauge({
      name: "sg_gateway_pdd_connected",
      help: "1 while the Pinduoduo message websocket is open",
      registers,
    }),
    pddReconnects: new Counter({
      name: "sg_gateway_pdd_reconnects_total",
      help: "Pinduoduo websocket reconnect attempts",
      registers,
    }),
    quotaReached: new Counter({
      name: "sg_gateway_quota_reached_total",
      help: "Requests refused with 429 because their token reached a quota, by quota",
      labelNames: ["quota"] as const,
      registers,
    }),
    quotaUnchecked: new Counter({
      name: "sg_gateway_quota_unchecked_total",
      help: "Requests admitted without their quota checked (Redis did not answer in time), by quota",
      labelNames: ["quota"] as const,
      registers,
    }),
  };
  metrics.quotaReached.inc({ quota: "new_shops_per_day" }, 0);
  metrics.quotaUnchecked.inc({ quota: "new_shops_per_day" }, 0);
  // Initialised at zero for every source, so the dashboard shows 0 failures rather than no series.
  for (const source of ["api", "douyin", "kuaishou", "pdd", "kuaidi100"]) metrics.produceFailures.inc({ source }, 0);
  // Likewise the produce latency histogram, so the first publish shows in rate().
  for (const outcome of ["ok", "error"]) metrics.produceSeconds.zero({ outcome });
  return metrics;
}
