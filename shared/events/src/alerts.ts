import { z } from "zod/v4";
import { PlatformV4 as Platform } from "./catalog.js";
import { parseShopKey, shopKey, type ShopRef } from "./shop-key.js";

/**
 * One alert state change, as the processor writes it to `sg.alerts` (key = `alertKey(...)`).
 * Identity is (platform, shop, metric, kind) (metrics.md "Alerts"); the notifier dedups on it.
 */
export const ALERT_KINDS = ["threshold", "at_risk"] as const;
export const SEVERITIES = ["warning", "critical"] as const;
/** The labels an alert is matched (silences, routes) and grouped by. */
export const ALERT_LABELS = ["platform", "shop", "metric", "kind", "severity"] as const;
export type AlertLabel = (typeof ALERT_LABELS)[number];

export const AlertKind = z.enum(ALERT_KINDS);
export type AlertKind = z.infer<typeof AlertKind>;
export const AlertSeverity = z.enum(SEVERITIES);
export type AlertSeverity = z.infer<typeof AlertSeverity>;
export const MetricUnit = z.enum(["ratio", "hours", "seconds", "count", "points"]);

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
