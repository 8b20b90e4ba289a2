import { shopKey } from "@sg/events";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { PartitionProgress } from "../consume/partition-progress.js";
import { DEAD_LETTER_KINDS, type DeadLetterKind } from "../consume/dead-letters.js";
import type { ShopEvaluation, ShopSnapshot } from "../engine/index.js";
import { scoreMetrics, type ScoreAlertRecordView } from "./score-telemetry.js";

const STATUS_CODE = { no_data: -1, ok: 0, warning: 1, breach: 2 } as const;

/**
 * Threshold, target and due items of each metric of a shop, which the snapshot does not carry. Keyed by
 * metric name. Built from an evaluation by `shopLimitsOf`; engine v2 only has to produce the same shape.
 */
export type ShopLimits = Record<string, { threshold: number | null; target: number | null; due?: number } | undefined>;

/** The limits part of a `ShopEvaluation`, for `exportShop`. */
export function shopLimitsOf(ev: Pick<ShopEvaluation, "states">): ShopLimits {
  const out: ShopLimits = {};
  for (const s of ev.states) {
    out[s.name] = { threshold: s.limits.threshold, target: s.limits.target, ...(s.measured.due ? { due: s.measured.due.count } : {}) };
  }
  return out;
}

/**
 * The processor's Prometheus metrics. The names below are a contract with the dashboards and alerting rules
 * (infra/grafana, infra/prometheus/rules.yml, checked by infra/observability tests); keep them when the engine
 * changes and re-wire only the call sites.
 *
 * Service metrics carry no shop label (architecture.md "Bounded Prometheus labels"):
 * - `sg_processor_events_consumed_total`: records read from sg.events (`eventsConsumed.inc(n)`).
 * - `sg_processor_events_applied_total`: new events applied to Redis (`eventsApplied.inc(n)`).
 * - `sg_processor_duplicate_events_total`: events whose id was already applied (`duplicates.inc(n)`).
 * - `sg_processor_dead_lettered_total{reason}`: records sent to the DLQ, by typed kind (`deadLetter(kind)`, dead-letters.ts).
 * - `sg_processor_consumer_lag_records{partition}`: records behind the high watermark after a batch
 *   (`consumerLag(partition, lag)`; `partitionsAssigned(partitions)` drops partitions that moved away).
 * - `sg_processor_event_age_seconds`: histogram of (processor clock − event `at`) when a batch is applied
 *   (`observeEventAge(ageSeconds)`).
 * - `sg_processor_batch_delay_seconds`: histogram, once per applied batch, of the wall time from its oldest record's
 *   Kafka timestamp (the gateway's send) to the moment the batch is applied and its offset resolved
 *   (`observeBatchDelay(s)`): the part of the alert latency before the evaluation's queue.
 * - `sg_processor_evaluation_duration_seconds`: histogram of one shop's evaluation (`evaluationSeconds.observe(s)`).
 * - `sg_processor_evaluation_wait_seconds`: histogram of how long a changed shop waited for its evaluation to start,
 *   from its first change since its last evaluation started (`evaluationWait.observe(s)`, evaluation-loop.ts): the
 *   queue of shops, which the alert latency and freshness include.
 * - `sg_processor_shop_evaluations_total`: shop evaluations (`evaluations.inc()`).
 * - `sg_processor_due_shops`: shops whose deadline was due in the last ticker pass (`dueShops.set(n)`).
 * - `sg_processor_aggregate_cache_bytes` and `sg_processor_aggregate_cache_shops`: what the aggregate cache holds
 *   (`watchAggregateCache(cache)`, read at each scrape; AGGREGATE_CACHE_MB bounds it).
 * - `sg_processor_alert_records_published_total{status,severity}`: records sent to sg.alerts (`alertPublished(record)`).
 * - `sg_processor_exported_shops`: shops exported as per-shop gauges.
 * - `sg_processor_pending_exclusions{platform}`: exclusions requested and not decided (docs/exclusions.md), summed
 *   over the shops this instance evaluates, and `sg_processor_shops_with_pending_exclusions{platform}`: how many of
 *   those shops have any (`pendingExclusions(ev, partition)` after each evaluation; a shop of a partition this
 *   instance no longer owns is forgotten). No shop label (cardinality).
 * - `sg_processor_score_evaluations_total{platform,pack,status}`, `sg_processor_score_alert_records_published_total{platform,pack,status,severity}`
 *   and the histogram `sg_processor_score_headroom_items{platform,pack,headroom}`: scores of every shop, by
 *   bounded labels (score-telemetry.ts; `scoreEvaluated(snapshot)`, and `alertPublished` for score alerts).
 *
 * Per-shop gauges, for at most `shopLimit` shops (EXPORT_SHOP_LIMIT, default 1000; the first shops seen), labels
 * `platform, shop, shop_key, metric` (`exportShop(snapshot, limits)`):
 * `sg_shop_metric_value`, `_threshold`, `_target` (absent when null), `sg_shop_metric_pending`,
 * `sg_shop_metric_due` (pending items due within the lead time), `sg_shop_metric_headroom` (absent when the
 * engine gives none), `sg_shop_metric_status`; and `sg_shop_alert_firing{…, kind, severity}` = 1 per firing alert.
 * A shop whose pack declares a score also has `sg_shop_score_total{platform, shop, shop_key}` (absent while the
 * score is incomplete), `sg_shop_score_complete` (1 complete or fixed, 0 incomplete) and
 * `sg_shop_score_dimension{…, dimension}` (absent while unknown).
 */
export function processorMetrics(registry: Registry, shopLimit = 1000) {
  const registers = [registry];
  const shopLabels = ["platform", "shop", "shop_key", "metric"] as const;
  const shopGauge = (name: string, help: string) => new Gauge({ name, help, labelNames: shopLabels, registers });
  const shopValue = shopGauge(
    "sg_shop_metric_value",
    "A shop's metric value (ratios as fractions, hours, seconds, counts, points); absent with no data",
  );
  const shopThreshold = shopGauge("sg_shop_metric_threshold", "A shop's metric threshold after overrides; absent when the metric has none");
  const shopTarget = shopGauge("sg_shop_metric_target", "A shop's metric target after overrides; absent when the metric has none");
  const shopPending = shopGauge("sg_shop_metric_pending", "Items of a shop's metric still open (not yet good or bad)");
  const shopDue = shopGauge("sg_shop_metric_due", "Pending items whose deadline falls within the metric's lead time");
  const shopHeadroom = shopGauge("sg_shop_metric_headroom", "How many more bad items the metric takes before it breaches");
  const shopStatus = shopGauge("sg_shop_metric_status", "A shop's metric status: -1 no_data, 0 ok, 1 warning, 2 breach");
  const alertFiring = new Gauge({
    name: "sg_shop_alert_firing",
    help: "1 for each firing alert of an exported shop, by metric, kind and severity",
    labelNames: [...shopLabels, "kind", "severity"] as const,
    registers,
  });
  const scoreLabels = ["platform", "shop", "shop_key"] as const;
  const scoreTotal = new Gauge({
    name: "sg_shop_score_total",
    help: "A shop's composite score under its rule pack; absent while incomplete",
    labelNames: scoreLabels,
    registers,
  });
  const scoreComplete = new Gauge({
    name: "sg_shop_score_complete",
    help: "1 when the shop's score has everything it needs (or is fixed by eligibility), 0 when something is missing",
    labelNames: scoreLabels,
    registers,
  });
  const scoreDimension = new Gauge({
    name: "sg_shop_score_dimension",
    help: "A shop's score of one dimension (0-100); absent while unknown",
    labelNames: [...scoreLabels, "dimension"] as const,
    registers,
  });
  const consumerLag = new Gauge({
    name: "sg_processor_consumer_lag_records",
    help: "Records of sg.events behind the partition's high watermark after the last batch, per owned partition",
    labelNames: ["partition"] as const,
    registers,
  });
  const deadLettered = new Counter({
    name: "sg_processor_dead_lettered_total",
    help: "Records sent to the dead-letter topic, by kind (empty, malformed_json, invalid_event, too_old, future, quarantined, quota)",
    labelNames: ["reason"] as const,
    registers,
  });
  // Every class starts at 0, so the first dead letter shows as an increase (rules.yml "dead letters rising").
  for (const reason of DEAD_LETTER_KINDS) deadLettered.inc({ reason }, 0);
  const eventAge = new Histogram({
    name: "sg_processor_event_age_seconds",
    help: "Age of an event (processor clock minus its `at`) when its batch is applied to Redis",
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400],
    registers,
  });
  const batchDelay = new Histogram({
    name: "sg_processor_batch_delay_seconds",
    help: "Per applied batch: wall time from its oldest record's Kafka timestamp to the batch applied and its offset resolved",
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers,
  });
  const alertsPublished = new Counter({
    name: "sg_processor_alert_records_published_total",
    help: "Alert records published to sg.alerts, by status (firing, resolved) and severity",
    labelNames: ["status", "severity"] as const,
    registers,
  });
  let progress: PartitionProgress | undefined;
  new Gauge({
    name: "sg_processor_partition_stalled_seconds",
    help: "Seconds an owned sg.events partition with lag has not advanced (0 while it advances or has no lag)",
    labelNames: ["partition"] as const,
    registers,
    collect() {
      if (!progress) return;
      this.reset();
      for (const p of progress.partitions()) this.set({ partition: String(p) }, progress.stalledSeconds(p));
    },
  });
  let aggregateCache: { size: number; shopCount: number; maxBytes: number } | undefined;
  new Gauge({
    name: "sg_processor_aggregate_cache_bytes",
    help: "Estimated bytes of the aggregates kept between evaluations (AGGREGATE_CACHE_MB bounds it)",
    registers,
    collect() {
      if (aggregateCache) this.set(aggregateCache.size);
    },
  });
  new Gauge({
    name: "sg_processor_aggregate_cache_shops",
    help: "Shops whose aggregates are kept between evaluations; fewer than the shops evaluated often means every day is read again",
    registers,
    collect() {
      if (aggregateCache) this.set(aggregateCache.shopCount);
    },
  });
  const exported = new Set<string>();
  /** Label sets of firing alerts last exported, per shop, so resolved ones are removed. */
  const firing = new Map<string, Array<Record<string, string>>>();
  let owned = new Set<string>();
  /** Each evaluated shop with pending exclusions: its platform, its partition of sg.events, how many. */
  const pendingByShop = new Map<string, { platform: string; partition: number; n: number }>();
  const pendingTotals = () => {
    const out = new Map<string, { exclusions: number; shops: number }>();
    for (const x of pendingByShop.values()) {
      const t = out.get(x.platform) ?? { exclusions: 0, shops: 0 };
      out.set(x.platform, { exclusions: t.exclusions + x.n, shops: t.shops + 1 });
    }
    return out;
  };
  const scores = scoreMetrics(registry);
  return {
    eventsConsumed: new Counter({ name: "sg_processor_events_consumed_total", help: "Records read from sg.events", registers }),
    eventsApplied: new Counter({ name: "sg_processor_events_applied_total", help: "New events applied to Redis", registers }),
    duplicates: new Counter({ name: "sg_processor_duplicate_events_total", help: "Events whose id was already applied", registers }),
    batchFailures: new Counter({
      name: "sg_processor_batch_failures_total",
      help: "sg.events batches not applied (Redis error); retried",
      registers,
    }),
    flushFailures: new Counter({
      name: "sg_processor_evaluation_pass_failures_total",
      help: "Evaluation passes that failed (Redis or Kafka error); retried",
      registers,
    }),
    quarantinedShops: new Counter({
      name: "sg_processor_quarantined_shops_total",
      help: "Shops whose events of a batch kept failing to apply and were sent to the dead-letter topic (kind quarantined)",
      registers,
    }),
    consumerCrashes: new Counter({
      name: "sg_processor_consumer_crashes_total",
      help: "Crashes of the sg.events consumer (it restarts)",
      registers,
    }),
    evaluations: new Counter({ name: "sg_processor_shop_evaluations_total", help: "Shop metric evaluations", registers }),
    evaluationSeconds: new Histogram({
      name: "sg_processor_evaluation_duration_seconds",
      help: "Time to evaluate one shop (load its state, compute every metric, publish alert changes)",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    evaluationWait: new Histogram({
      name: "sg_processor_evaluation_wait_seconds",
      help: "Time a changed shop waits for its evaluation to start, from its first change since its last evaluation started",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30],
      registers,
    }),
    dueShops: new Gauge({ name: "sg_processor_due_shops", help: "Shops whose deadline was due in the last ticker pass", registers }),
    pendingExclusionsGauge: new Gauge({
      name: "sg_processor_pending_exclusions",
      help: "Exclusions (appeals, reports, filings) requested and not decided, over the shops this instance evaluates",
      labelNames: ["platform"] as const,
      registers,
      collect() {
        this.reset();
        for (const [platform, t] of pendingTotals()) this.set({ platform }, t.exclusions);
      },
    }),
    shopsWithPendingExclusions: new Gauge({
      name: "sg_processor_shops_with_pending_exclusions",
      help: "Shops this instance evaluates with an exclusion requested and not decided",
      labelNames: ["platform"] as const,
      registers,
      collect() {
        this.reset();
        for (const [platform, t] of pendingTotals()) this.set({ platform }, t.shops);
      },
    }),
    /** Records a shop's pending exclusions after its evaluation (the gauges above sum them per platform at each scrape). */
    pendingExclusions(ev: Pick<ShopEvaluation, "snapshot" | "pendingExclusionCount">, partition: number) {
      const key = shopKey(ev.snapshot);
      const n = ev.pendingExclusionCount ?? 0;
      if (n > 0) pendingByShop.set(key, { platform: ev.snapshot.platform, partition, n });
      else pendingByShop.delete(key);
    },
    exportedShops: new Gauge({
      name: "sg_processor_exported_shops",
      help: "Shops whose metrics are exported as gauges",
      registers,
      collect() {
        this.set(exported.size);
      },
    }),
    /** Counts dead-lettered records under their typed kind (never classified from the reason's text). */
    deadLetter(kind: DeadLetterKind, n = 1) {
      deadLettered.inc({ reason: kind }, n);
    },
    /** Exports, at each scrape, how long each owned partition with lag has not advanced. */
    watchProgress(p: PartitionProgress) {
      progress = p;
    },
    /** The store's aggregate cache, read at each scrape. */
    watchAggregateCache(c: { size: number; shopCount: number; maxBytes: number }) {
      aggregateCache = c;
    },
    /** Sets a partition's lag after a batch. */
    consumerLag(partition: number, lag: number) {
      owned.add(String(partition));
      consumerLag.set({ partition: String(partition) }, Math.max(0, lag));
    },
    /** After a group join: forgets the lag of partitions this instance no longer owns. */
    partitionsAssigned(partitions: readonly number[]) {
      const now = new Set(partitions.map(String));
      for (const p of owned) if (!now.has(p)) consumerLag.remove({ partition: p });
      owned = now;
      // Another instance evaluates those shops now: their pending exclusions are its to count.
      for (const [key, x] of pendingByShop) if (!now.has(String(x.partition))) pendingByShop.delete(key);
    },
    observeEventAge(ageSeconds: number) {
      eventAge.observe(Math.max(0, ageSeconds));
    },
    observeBatchDelay(seconds: number) {
      batchDelay.observe(Math.max(0, seconds));
    },
    alertPublished(record: ScoreAlertRecordView) {
      alertsPublished.inc({ status: record.status, severity: record.severity });
      scores.alertPublished(record);
    },
    /** Counts a shop's score evaluation (every shop, no shop label). */
    scoreEvaluated(s: Pick<ShopSnapshot, "platform" | "scores">) {
      scores.scoreEvaluated(s.platform, s.scores);
    },
    /** Exports a shop's metrics and firing alerts, unless the shop limit is reached by other shops. */
    exportShop(s: ShopSnapshot, limits: ShopLimits = {}) {
      const key = shopKey(s);
      if (!exported.has(key)) {
        if (exported.size >= shopLimit) return;
        exported.add(key);
      }
      const optional = (
        g: Gauge<(typeof shopLabels)[number]>,
        labels: Record<(typeof shopLabels)[number], string>,
        v: number | null | undefined,
      ) => {
        if (v === null || v === undefined) g.remove(labels);
        else g.set(labels, v);
      };
      for (const [metric, m] of Object.entries(s.metrics)) {
        // shop_key = "platform:shopId", the form alert links use (var-shop=platform:shopId); same cardinality.
        const labels = { platform: s.platform, shop: s.shopId, shop_key: key, metric };
        const l = limits[metric];
        optional(shopValue, labels, m.value);
        optional(shopThreshold, labels, l?.threshold);
        optional(shopTarget, labels, l?.target);
        optional(shopHeadroom, labels, m.headroom);
        shopPending.set(labels, m.pending ?? 0);
        shopDue.set(labels, l?.due ?? 0);
        shopStatus.set(labels, STATUS_CODE[m.status]);
      }
      for (const labels of firing.get(key) ?? []) alertFiring.remove(labels);
      const now = s.alerts.map((a) => ({
        platform: s.platform,
        shop: s.shopId,
        shop_key: key,
        metric: a.metric,
        kind: a.kind,
        severity: a.severity,
      }));
      for (const labels of now) alertFiring.set(labels, 1);
      firing.set(key, now);
      if (s.scores) {
        const labels = { platform: s.platform, shop: s.shopId, shop_key: key };
        if (s.scores.total === null) scoreTotal.remove(labels);
        else scoreTotal.set(labels, s.scores.total);
        scoreComplete.set(labels, s.scores.status === "incomplete" ? 0 : 1);
        for (const [dimension, d] of Object.entries(s.scores.dimensions)) {
          if (d.score === null) scoreDimension.remove({ ...labels, dimension });
          else scoreDimension.set({ ...labels, dimension }, d.score);
        }
      }
    },
  };
}
export type ProcessorMetrics = ReturnType<typeof processorMetrics>;
