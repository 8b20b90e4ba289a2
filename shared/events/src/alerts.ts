import { z } from "zod";
import { Platform } from "./catalog.js";
import { parseShopKey, shopKey, type ShopRef } from "./shop-key.js";

/**
 * One alert state change, as the processor writes it to `sg.alerts` (key = `alertKey(...)`).
 * Identity is (platform, shop, metric, kind) (metrics.md "Alerts"); the notifier dedups on it.
 * `reconciliation_drift` is raised by the reconciler (metric `reconciliation`, value = items in drift).
 */
export const ALERT_KINDS = ["threshold", "at_risk", "score", "reconciliation_drift"] as const;
export const SEVERITIES = ["warning", "critical"] as const;
/** The labels an alert is matched (silences, routes) and grouped by. */
export const ALERT_LABELS = ["platform", "shop", "metric", "kind", "severity"] as const;
export type AlertLabel = (typeof ALERT_LABELS)[number];

export const AlertKind = z.enum(ALERT_KINDS);
export type AlertKind = z.infer<typeof AlertKind>;
export const AlertSeverity = z.enum(SEVERITIES);
export type AlertSeverity = z.infer<typeof AlertSeverity>;
export const MetricUnit = z.enum(["ratio", "hours", "seconds", "count", "points", "stars"]);

/**
 * A `score` alert's identities (metric of the identity): the shop's composite score against the line its
 * configuration sets (`scoreLines.total`), or its star level against a star line (`scoreLines.stars`).
 */
export const SCORE_ALERT_METRICS = ["score_total", "score_stars"] as const;

/** One indicator whose pending items, all turning bad, would cost the score points (a score alert at risk). */
export const ScoreRiskItem = z.object({
  indicator: z.string(),
  /** The metric the indicator reads (its names in messages). */
  metric: z.string(),
  dueCount: z.number().int().positive(),
  /** The items counted are those due by this moment (the metric's lead time), ISO-8601 in Asia/Shanghai. */
  dueBy: z.string(),
  soonestDeadline: z.string(),
  points: z.number().nullable(),
  projectedPoints: z.number().nullable(),
  dimension: z.string(),
  dimensionTitle: z.string(),
  dimensionTitleEn: z.string().optional(),
  dimensionScore: z.number().nullable(),
  projectedDimensionScore: z.number().nullable(),
});
export type ScoreRiskItem = z.infer<typeof ScoreRiskItem>;

/** The fewest further bad items, on one indicator, before the score loses points or crosses its line. */
export const ScoreHeadroomStep = z.object({
  indicator: z.string(),
  metric: z.string(),
  items: z.number().int().nonnegative(),
  /** The indicator's points and the total after those items. */
  points: z.number(),
  total: z.number(),
});
export type ScoreHeadroomStep = z.infer<typeof ScoreHeadroomStep>;

/** The headroom before the shop's line: as a step, or `items: 0` with no indicator when already below it. */
export const ScoreLineHeadroom = z.object({
  /** The total line (a star line as the total it stands for). */
  line: z.number(),
  indicator: z.string().nullable(),
  metric: z.string().nullable(),
  items: z.number().int().nonnegative(),
  points: z.number().nullable(),
  total: z.number(),
});
export type ScoreLineHeadroom = z.infer<typeof ScoreLineHeadroom>;

/** What a `score` alert says beyond value and line: the score's titles, the headroom, and what is at risk. */
export const ScoreAlertDetail = z.object({
  title: z.string(),
  titleEn: z.string().optional(),
  pack: z.string(),
  total: z.number().nullable(),
  stars: z.number().nullable().optional(),
  /** The total line a star line stands for (the lowest star line at or above it). */
  totalLine: z.number().optional(),
  sample: z.boolean().optional(),
  /** Before the line: the fewest further bad items on the indicator where they cost most. */
  headroom: ScoreLineHeadroom.optional(),
  /** At risk: the total if every item due within its metric's lead time turns bad, and those items. */
  projectedTotal: z.number().nullable().optional(),
  risk: z.array(ScoreRiskItem).optional(),
});
export type ScoreAlertDetail = z.infer<typeof ScoreAlertDetail>;

/** One item in drift, as a `reconciliation_drift` alert names it: both figures, in the item's unit. */
export const ReconciliationDriftItem = z.object({
  /** A metric or indicator name, `score.total`, or `score.dimension.<name>` (the report's line). */
  item: z.string(),
  kind: z.enum(["metric", "indicator", "total", "dimension"]),
  /** The unit of both figures: the metric's for a compared value, `points` for compared points. */
  unit: MetricUnit,
  platform: z.number().nullable(),
  ours: z.number().nullable(),
});
export type ReconciliationDriftItem = z.infer<typeof ReconciliationDriftItem>;

/** What a `reconciliation_drift` alert says beyond its counts: the compared day and the items in drift. */
export const ReconciliationAlertDetail = z.object({
  /** The Shanghai day compared (YYYY-MM-DD). */
  day: z.string(),
  compared: z.number().int().nonnegative(),
  drift: z.number().int().nonnegative(),
  /** The first items in drift (at most RECONCILIATION_ALERT_ITEMS); `drift` counts them all. */
  items: z.array(ReconciliationDriftItem),
});
export type ReconciliationAlertDetail = z.infer<typeof ReconciliationAlertDetail>;
/** Most drift items one `reconciliation_drift` alert lists. */
export const RECONCILIATION_ALERT_ITEMS = 10;

/** A metric id as the rule packs name it: snake_case, so never a `:` (which keeps `alertKey` unambiguous). */
export const MetricId = z.string().regex(/^[a-z][a-z0-9_]*$/, "must be a metric name in snake_case, e.g. human_reply_3min_rate");

export const AlertRecord = z.object({
  platform: Platform,
  shopId: z.string().min(1),
  metric: MetricId,
  kind: AlertKind,
  status: z.enum(["firing", "resolved"]),
  /** For a resolved record: the severity it had while firing. */
  severity: AlertSeverity,
  /** Processor clock when the state changed, ISO-8601 in Asia/Shanghai. */
  at: z.string(),
  /** Increases with every state change of this identity; a stale record (lower seq) is ignored. */
  seq: z.number().int().nonnegative(),
  rulePack: z.string(),
  direction: z.enum(["min", "max"]),
  unit: MetricUnit,
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  target: z.number().nullable(),
  numerator: z.number().optional(),
  denominator: z.number().optional(),
  headroom: z.number().optional(),
  pending: z.number().optional(),
  /** at_risk: items due within the lead time, the soonest deadline, and the value if all of them turn out bad. */
  dueCount: z.number().int().optional(),
  soonestDeadline: z.string().optional(),
  projectedValue: z.number().nullable().optional(),
  /** kind `score`: the score's detail (metric `score_total` or `score_stars`). */
  score: ScoreAlertDetail.optional(),
  /** kind `reconciliation_drift`: the compared day and its items in drift (metric `reconciliation`). */
  reconciliation: ReconciliationAlertDetail.optional(),
});
export type AlertRecord = z.infer<typeof AlertRecord>;

/**
 * An alert's identity (metrics.md "Alerts"): its shop, metric and kind, as one typed value.
 * Text forms, one encoding: within a shop `metric:kind` (`alertSlot`); across shops
 * `platform:shopId:metric:kind` (`alertKey`, also the Kafka key of `sg.alerts`). Neither a platform, a
 * metric id nor a kind contains `:`, so the shop id is whatever lies between the first and the second-to-last
 * `:`, even when it holds `:` itself.
 */
export interface AlertIdentity extends ShopRef {
  metric: string;
  kind: AlertKind;
}

/** The identity of an alert within its shop: `metric:kind`. */
export function alertSlot(a: { metric: string; kind: string }): string {
  return `${a.metric}:${a.kind}`;
}

/** Reads `alertSlot` text back; null when it is not one. */
export function parseAlertSlot(slot: string): { metric: string; kind: AlertKind } | null {
  const i = slot.lastIndexOf(":");
  const metric = MetricId.safeParse(slot.slice(0, i));
  const kind = AlertKind.safeParse(slot.slice(i + 1));
  return i > 0 && metric.success && kind.success ? { metric: metric.data, kind: kind.data } : null;
}

/** The identity of an alert across shops: `platform:shopId:metric:kind`. */
export function alertKey(a: { platform: string; shopId: string; metric: string; kind: string }): string {
  return `${shopKey(a)}:${alertSlot(a)}`;
}

/** Reads `alertKey` text back; null when it is not one. */
export function parseAlertKey(key: string): AlertIdentity | null {
  const last = key.lastIndexOf(":");
  const beforeLast = last > 0 ? key.lastIndexOf(":", last - 1) : -1;
  if (beforeLast <= 0) return null;
  const shop = parseShopKey(key.slice(0, beforeLast));
  const metric = MetricId.safeParse(key.slice(beforeLast + 1, last));
  const kind = AlertKind.safeParse(key.slice(last + 1));
  if (shop === null || !metric.success || !kind.success) return null;
  return { ...shop, metric: metric.data, kind: kind.data };
}
