import { z } from "zod";
import { durationField } from "./duration.js";
import { MetricName, ShopKey } from "./fields.js";
import { ShopScoreFields } from "./scores.js";

/**
 * Per-shop overrides of the rule pack (alerts.md "Configuration", `shops`). `null` is kept apart from absent:
 * absent means "the rule pack's value", `null` means "none for this shop".
 */
const Limit = z.number().finite().nullable().optional();

export const MetricOverride = z
  .object({
    threshold: Limit,
    target: Limit,
    /** How long before a deadline an at_risk alert fires (metrics.md); milliseconds once parsed. */
    leadTime: durationField({ positive: true }).optional(),
    /**
     * What an approved exclusion takes out of this metric, in place of the pack's `exclusionLeaves`: whether an
     * appeal leaves the numerator only is unpublished for most metrics (rules-2026.md), so a shop that knows sets it.
     */
    exclusionLeaves: z.enum(["both", "numerator"]).optional(),
  })
  .strict();
export type MetricOverride = z.infer<typeof MetricOverride>;

export const ShopOverride = z
  .object({
    metrics: z.record(MetricName, MetricOverride).optional(),
    /** JD spot-check (服务规范) points, when known: 0..20. */
    jdServiceNorms: z.number().min(0).max(20).optional(),
    /** This shop's live-entity quota, in place of `quotas.shopLiveEntities`. */
    liveEntities: z.number().int().positive().optional(),
    ...ShopScoreFields,
  })
  .strict();
export type ShopOverride = z.infer<typeof ShopOverride>;

/** Keyed by `platform:shopId`. */
export const Shops = z.record(ShopKey, ShopOverride);
