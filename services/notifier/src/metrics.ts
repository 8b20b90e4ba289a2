import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/**
 * The notifier's Prometheus metrics. Labels are bounded: receiver names come from the config, channel
 * codes from each robot's fixed list; no shop label (architecture.md "Bounded Prometheus labels").
 */
export function createNotifierMetrics(
  registry: Registry,
  /** Read at scrape time: undelivered groups queued per receiver (`sg_notifier_queue_depth`). */
  queueDepth?: () => Promise<Record<string, number>>,
) {
  const registers = [registry];
  const metrics = {
    notificationDeliveries: new Counter({
      name: "sg_notifier_notification_deliveries_total",
      help: "Notifications settled, by channel and result: sent, or given up (permanent, too_large, retry_exhausted)",
      labelNames: ["channel", "result"] as const,
      registers,
    }),
    queueDepth: new Gauge({
      name: "sg_notifier_queue_depth",
      help: "Groups with notifications not yet delivered, per receiver",
      labelNames: ["receiver"] as const,
      registers,
      async collect() {
        if (!queueDepth) return;
        for (const [receiver, n] of Object.entries(await queueDepth())) this.set({ receiver }, n);
      },
    }),
    records: new Counter({
      name: "sg_notifier_records_total",
      help: "sg.alerts records consumed, by result (applied, duplicate, stale, invalid, unrouted)",
      labelNames: ["result"] as const,
      registers,
    }),
    notifications: new Counter({
      name: "sg_notifier_notifications_total",
      help: "Group flushes (one notification per group, queued to each of its receivers)",
      labelNames: ["status"] as const,
      registers,
    }),
    deliveries: new Counter({
      name: "sg_notifier_deliveries_total",
      help: "Messages posted to receivers, by outcome",
      labelNames: ["receiver", "channel", "outcome"] as const,
      registers,
    }),
    failures: new Counter({
      name: "sg_notifier_delivery_failures_total",
      help: "Messages given up (permanent error, or retries exhausted), by the channel's own code",
      labelNames: ["receiver", "channel", "code"] as const,
      registers,
    }),
    merged: new Counter({
      name: "sg_notifier_merged_notifications_total",
      help: "Notifications delivered inside a merged summary message because of a robot's rate limit",
      labelNames: ["receiver"] as const,
      registers,
    }),
    deliverySeconds: new Histogram({
      name: "sg_notifier_delivery_duration_seconds",
      help: "Time of one HTTP delivery to a robot",
      labelNames: ["channel"] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    recordDelay: new Histogram({
      name: "sg_notifier_record_delay_seconds",
      help: "Per sg.alerts record: wall time from its Kafka timestamp (the processor's send) to the record ingested into its groups",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers,
    }),
    tickSeconds: new Histogram({
      name: "sg_notifier_tick_seconds",
      help: "Time of one ticker pass (due groups and deliveries)",
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    errors: new Counter({
      name: "sg_notifier_errors_total",
      help: "Unexpected errors, by where they happened",
      labelNames: ["where"] as const,
      registers,
    }),
  };
  // Initialised at zero, so a notifier that never failed shows 0 on the dashboard rather than no series.
  for (const where of ["delivery", "tick", "consumer"]) metrics.errors.inc({ where }, 0);
  return metrics;
}
export type NotifierMetrics = ReturnType<typeof createNotifierMetrics>;
