import { z } from "zod";
import { Platform } from "./catalog.js";

/**
 * One alert state change, as the processor writes it to `sg.alerts` (key = `alertKey(...)`).
 * Identity is (platform, shop, metric, kind) (metrics.md "Alerts"); the notifier dedups on it.
 */
export const AlertKind = z.enum(["threshold", "at_risk"]);
export const AlertSeverity = z.enum(["warning", "critical"]);
export const MetricUnit = z.enum(["ratio", "hours", "seconds", "count", "points"]);

export const AlertRecord = z.object({
  platform: Platform,
  shopId: z.string().min(1),
  metric: z.string().min(1),
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

export function alertKey(a: { platform: string; shopId: string; metric: string; kind: string }): string {
  return `${a.platform}:${a.shopId}:${a.metric}:${a.kind}`;
}
