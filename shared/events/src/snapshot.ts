import { z } from "zod";
import { Platform } from "./catalog.js";
import { AlertKind, AlertSeverity, ScoreAlertDetail, ScoreHeadroomStep, ScoreLineHeadroom } from "./alerts.js";
import { IfApproved, MetricForecast, PendingExclusion } from "./evidence.js";
import { MetricStatus } from "./metric-status.js";

/**
 * The shop snapshot projection (architecture.md "Reads come from a projection"): after each evaluation the
 * processor writes the shop's snapshot under the shop's hash tag; the read API and the board only read it.
 * `replay`'s shop entry (events.md) is the snapshot without `asOf`, `asOfMs`, `version` and `due`.
 */

export { MetricStatus } from "./metric-status.js";

export const MetricOutput = z.object({
  value: z.number().nullable(),
  numerator: z.number().optional(),
  denominator: z.number().optional(),
  pending: z.number().optional(),
  headroom: z.number().optional(),
  status: MetricStatus,
  scoreCap: z.number().optional(),
  tier: z.string().optional(),
  penalty: z.number().optional(),
  /** New fields (events.md allows them), absent until the engine computes them: docs/evidence.md. */
  forecast: MetricForecast.optional(),
  ifApproved: IfApproved.optional(),
  /** Changed by a calendar entry marked `sample` (made-up values): docs/calendars.md. */
  sample: z.boolean().optional(),
});
export type MetricOutput = z.infer<typeof MetricOutput>;

export const FiringAlert = z.object({
  metric: z.string(),
  /** The processor's kinds: a snapshot never holds a reconciler's `reconciliation_drift`. */
  kind: AlertKind.extract(["threshold", "at_risk", "score"]),
  severity: AlertSeverity,
  status: z.literal("firing"),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  target: z.number().nullable(),
  dueCount: z.number().optional(),
  soonestDeadline: z.string().optional(),
  projectedValue: z.number().nullable().optional(),
  score: ScoreAlertDetail.optional(),
});
export type FiringAlert = z.infer<typeof FiringAlert>;

/** What a pending item is: a consumer's open wait or session, an order awaiting pickup, an after-sale awaiting the merchant. */
export const DueItemKind = z.enum(["consumer", "order", "aftersale"]);
export type DueItemKind = z.infer<typeof DueItemKind>;

/** A pending item of one metric, with its deadline (epoch ms). */
export const DueItem = z.object({
  metric: z.string(),
  item: DueItemKind,
  id: z.string(),
  deadline: z.number(),
});
export type DueItem = z.infer<typeof DueItem>;

/** At most this many pending items, soonest first, are kept in a snapshot. */
export const SNAPSHOT_DUE_LIMIT = 200;

/** One indicator of a score: its metric's value, the band it falls in (1 = best) and the points earned. */
export const IndicatorScore = z.object({
  value: z.number().nullable(),
  points: z.number().nullable(),
  band: z.number().int().positive().nullable(),
  /** `small_sample`: the fixed points of the small-sample rule, not a band. */
  rule: z.enum(["band", "small_sample"]).optional(),
  /** Points of the total lost against the indicator's best band (when its weights are known). */
  lost: z.number().optional(),
});

export const DimensionScore = z.object({
  score: z.number().nullable(),
  /** Share of the total, in percent. */
  weight: z.number().nullable(),
  /**
   * Where an observed dimension's score comes from (absent for a computed one): `configured`, the shop's
   * `scoreInputs.dimensions`; `calibrated`, the platform's D0 figure with ScoreGuard's indicator changes
   * applied through the pack's published mapping; `as_of_d0`, the platform's D0 figure unchanged.
   */
  source: z.enum(["configured", "calibrated", "as_of_d0"]).optional(),
});

/** One indicator's change since D0, from ScoreGuard's end-of-day value of D0 to the value now. */
export const CalibrationChange = z.object({
  indicator: z.string(),
  dimension: z.string(),
  d0: z.number().nullable(),
  now: z.number().nullable(),
  /** now − d0 (null when either is unknown). */
  change: z.number().nullable(),
  /** Points now − points at D0 through the published mapping, where the pack declares one. */
  points: z.number().nullable().optional(),
});

/**
 * A score calibrated from the platform's own figures (docs/reconciliation.md, "Calibration hook"): `label`
 * names the source for the board, the API and the replay, so an estimate is never shown as the platform's.
 */
export const ScoreCalibration = z.object({
  label: z.string(),
  /** The day of the platform's figures the calibration starts from. */
  d0: z.string(),
  /** Taken from the platform: its D0 dimension scores (and total). */
  taken: z.object({ total: z.number().nullable(), dimensions: z.record(z.string(), z.number().nullable()) }),
  /** Whether ScoreGuard's end-of-day values of D0 were there to measure the changes from. */
  d0Values: z.boolean(),
  changes: z.array(CalibrationChange),
});
export type ScoreCalibration = z.infer<typeof ScoreCalibration>;

/**
 * Each bonus and deduction a score counts, with where it came from (docs/scores.md "Bonuses and deductions as
 * events"): `event` (score.bonus_granted / score.deducted) or `configuration` (`scoreInputs`).
 */
export const ScoreAdjustments = z.object({
  /** Bonuses earned at asOf; `points` null while the parameter table lacks them. */
  bonuses: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      points: z.number().nullable(),
      source: z.enum(["event", "configuration"]),
      /** An event's grant: in force from, until (null: until revoked), and the share it reports. */
      from: z.string().optional(),
      until: z.string().nullable().optional(),
      share: z.number().optional(),
    }),
  ),
  /** Deductions by part in the pack's window, before the cap; `count`: the violations (events only). */
  deductions: z.array(
    z.object({
      part: z.string(),
      title: z.string(),
      points: z.number(),
      count: z.number().int().nonnegative().optional(),
      source: z.enum(["event", "configuration"]),
    }),
  ),
  /** Σ parts before the cap, and the pack's cap. */
  uncapped: z.number(),
  cap: z.number().nullable(),
  /** The shop has violations in the window (eligibility's lower fixed score). */
  violations: z.boolean(),
});
export type ScoreAdjustments = z.infer<typeof ScoreAdjustments>;

/**
 * A shop's composite score under its rule pack (rules-2026.md), computed from the metric outputs and the
 * configuration's parameters. `incomplete`: something is missing (named in `missing`) and `total` is null;
 * `fixed`: the eligibility rule sets the total. `sample`: computed with parameters labelled as a sample.
 */
export const ShopScores = z.object({
  title: z.string(),
  pack: z.string(),
  effective: z.string(),
  status: z.enum(["complete", "incomplete", "fixed"]),
  total: z.number().nullable(),
  stars: z.number().nullable().optional(),
  dimensions: z.record(z.string(), DimensionScore),
  indicators: z.record(z.string(), IndicatorScore),
  bonuses: z.number(),
  deductions: z.number(),
  /** Where the bonuses and deductions come from, item by item (packs that declare either). */
  adjustments: ScoreAdjustments.optional(),
  missing: z.array(z.string()),
  sample: z.boolean().optional(),
  /** Present when observed dimensions were filled from the platform's figures (shop opted in). */
  calibration: ScoreCalibration.optional(),
  /** The lines the configuration sets for this shop (`scoreLines`): score alerts fire below them. */
  lines: z.object({ total: z.number().optional(), stars: z.number().optional() }).optional(),
  /**
   * Score headroom, for a complete score: `band`, the fewest further bad items on one indicator that drop it a
   * band (the indicator where they cost most); `line`, the fewest that take the total below the shop's line
   * (0 when it is already below). Only indicators whose bad item is defined count (scores/headroom.ts).
   */
  headroom: z
    .object({
      band: ScoreHeadroomStep.nullable(),
      line: ScoreLineHeadroom.nullable().optional(),
    })
    .optional(),
  /**
   * Each indicator against the next star's standard the configuration copies from the backend (Pinduoduo):
   * `meets` is null while the indicator has no value.
   */
  nextStar: z
    .object({
      stars: z.number(),
      indicators: z.record(z.string(), z.object({ value: z.number().nullable(), standard: z.number(), meets: z.boolean().nullable() })),
      met: z.number().int().nonnegative(),
      of: z.number().int().nonnegative(),
    })
    .optional(),
  /** The total's forecast, and the total should every pending exclusion be approved (docs/evidence.md). */
  forecast: MetricForecast.optional(),
  ifApproved: z
    .object({ total: z.number().nullable(), stars: z.number().nullable().optional(), pending: z.number().int().nonnegative() })
    .optional(),
});
export type ShopScores = z.infer<typeof ShopScores>;

export const ShopSnapshot = z.object({
  platform: Platform,
  shopId: z.string(),
  rulePack: z.string(),
  metrics: z.record(z.string(), MetricOutput),
  alerts: z.array(FiringAlert),
  /** Present when the shop's pack declares a score. */
  scores: ShopScores.optional(),
  /** Exclusions requested and not yet decided, with their effect (docs/exclusions.md); absent when none. */
  pendingExclusions: z.array(PendingExclusion).optional(),
});
export type ShopSnapshot = z.infer<typeof ShopSnapshot>;

export const StoredSnapshot = ShopSnapshot.extend({
  /** The evaluation time, ISO-8601 in Asia/Shanghai, and as epoch ms. */
  asOf: z.string(),
  asOfMs: z.number(),
  /** Increases with every snapshot of the shop (the evaluation count); readers use it to detect changes. */
  version: z.number().int().nonnegative(),
  /** Pending items of every metric, soonest deadline first, at most SNAPSHOT_DUE_LIMIT. */
  due: z.array(DueItem).max(SNAPSHOT_DUE_LIMIT),
});
export type StoredSnapshot = z.infer<typeof StoredSnapshot>;

/** Cross-service Redis keys of the projection. */
export function snapshotKeys(prefix: string) {
  return {
    /** STRING: the shop's latest StoredSnapshot as JSON, under the shop's hash tag. */
    snapshot: (s: { platform: string; shopId: string }) => `${prefix}:{${s.platform}:${s.shopId}}:snapshot`,
    /**
     * ZSET `platform:shopId` → asOfMs of its first snapshot: the shops that have one (the board's overview).
     * One global key, so a processor writes it once per shop per start, not on every evaluation.
     */
    shops: () => `${prefix}:shops`,
    /** Pub/sub channel: each message is the `platform:shopId` of a shop whose snapshot changed. */
    channel: () => `${prefix}:snapshots`,
  };
}
