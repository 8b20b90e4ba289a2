import { z } from "zod";
import { Platform } from "./catalog.js";
import { DayEndTake, ShanghaiDay, type DayEnd } from "./day-end.js";

/**
 * Reconciliation with the platforms' own T+1 figures (docs/reconciliation.md): what the platform reported
 * for a shop and day, and the comparison with ScoreGuard's end-of-day values. The reconciler writes both;
 * the gateway reads the reports (`GET /v1/shops/{platform}/{shopId}/reconciliation?day=`).
 */

/** Where a platform figure came from: a pull from a score API, or a file imported by the merchant. */
export const FigureSource = z.enum(["douyin_api", "kuaishou_api", "import"]);
export type FigureSource = z.infer<typeof FigureSource>;

/** One item as the platform reported it: a value, the points it scored, and where given its two counts. */
export const PlatformFigure = z
  .object({
    value: z.number().nullable().optional(),
    points: z.number().nullable().optional(),
    numerator: z.number().nonnegative().optional(),
    denominator: z.number().nonnegative().optional(),
  })
  .strict();
export type PlatformFigure = z.infer<typeof PlatformFigure>;

export const PlatformFigures = z
  .object({
    platform: Platform,
    shopId: z.string().min(1).max(64),
    day: ShanghaiDay,
    source: FigureSource,
    receivedAtMs: z.number().int(),
    /** The platform's rule version as it names it, when it says (an import's `pack` column). */
    platformPack: z.string().max(64).optional(),
    total: z.number().nullable().optional(),
    dimensions: z.record(z.string(), z.number().nullable()).default({}),
    /** Keyed by ScoreGuard's name (a metric of the shop's pack, or an indicator of its score). */
    items: z.record(z.string(), PlatformFigure).default({}),
  })
  .strict();
export type PlatformFigures = z.infer<typeof PlatformFigures>;

/** match: within tolerance; drift: outside it; missing: no platform figure; unknown: ScoreGuard does not compute it. */
export const ReconciliationStatus = z.enum(["match", "drift", "missing", "unknown"]);
export type ReconciliationStatus = z.infer<typeof ReconciliationStatus>;

export const ReconciliationLine = z
  .object({
    /** A metric or indicator name, `score.total`, or `score.dimension.<name>`. */
    item: z.string(),
    kind: z.enum(["metric", "indicator", "total", "dimension"]),
    /** Which figure was compared: the item's value, or the points it scored. */
    compared: z.enum(["value", "points"]),
    platform: z.number().nullable(),
    ours: z.number().nullable(),
    tolerance: z.number().nonnegative(),
    status: ReconciliationStatus,
    /** Where the platform reported counts: both sides' counts and the difference (platform − ours). */
    counts: z
      .object({
        platformNumerator: z.number().optional(),
        oursNumerator: z.number().optional(),
        platformDenominator: z.number().optional(),
        oursDenominator: z.number().optional(),
      })
      .strict()
      .optional(),
    /** One sentence: which side is short and by how much, or why there is nothing to compare. */
    explanation: z.string().optional(),
  })
  .strict();
export type ReconciliationLine = z.infer<typeof ReconciliationLine>;

/** The state of the platform figures for a shop-day: received, or still missing with the next retry. */
export const FiguresState = z
  .object({
    status: z.enum(["received", "missing"]),
    source: FigureSource.optional(),
    attempts: z.number().int().nonnegative(),
    nextRetryAtMs: z.number().int().optional(),
    /** Why the last pull failed, without any credential (e.g. "HTTP 503", "platform error 40003"). */
    reason: z.string().max(300).optional(),
  })
  .strict();
export type FiguresState = z.infer<typeof FiguresState>;

export const ReconciliationReport = z
  .object({
    platform: Platform,
    shopId: z.string(),
    day: ShanghaiDay,
    comparedAtMs: z.number().int(),
    figures: FiguresState,
    /** The pack in force on each side: the platform's as it names it (null when it does not say), and ours. */
    packs: z.object({ platform: z.string().nullable(), ours: z.string().nullable() }).strict(),
    /** When ScoreGuard's day-end value was taken, and which take (docs/day-end-history.md); null when none was. */
    ours: z.object({ takenAtMs: z.number().int(), take: DayEndTake }).strict().nullable(),
    lines: z.array(ReconciliationLine),
    summary: z
      .object({
        compared: z.number().int(),
        match: z.number().int(),
        drift: z.number().int(),
        missing: z.number().int(),
        unknown: z.number().int(),
      })
      .strict(),
    /** The likely causes of the drifts, most likely first (empty when everything matches). */
    causes: z.array(z.string()),
  })
  .strict();
export type ReconciliationReport = z.infer<typeof ReconciliationReport>;

/** Cross-service Redis keys of reconciliation, under the shop's hash tag; each HASH is kept like the day-end history. */
export function reconciliationKeys(prefix: string) {
  return {
    /** HASH day → PlatformFigures JSON (pulled by the reconciler, or imported through the gateway or the CLI). */
    figures: (s: { platform: string; shopId: string }) => `${prefix}:{${s.platform}:${s.shopId}}:recon:figures`,
    /**
     * STRING counter, incremented in the same MULTI as every write of the figures HASH (pull or import): the
     * processor's score calibration reads it with the shop's state and re-reads the figures only when it moved.
     */
    figuresVersion: (s: { platform: string; shopId: string }) => `${prefix}:{${s.platform}:${s.shopId}}:recon:figures:v`,
    /** HASH day → ReconciliationReport JSON, written by the reconciler. */
    reports: (s: { platform: string; shopId: string }) => `${prefix}:{${s.platform}:${s.shopId}}:recon:reports`,
    /**
     * ZSET `platform:shopId|day` → time requested: shop-days whose figures were imported and await a
     * comparison by the reconciler (the gateway's import adds to it). One global key, written rarely.
     */
    requests: () => `${prefix}:recon:requests`,
  };
}

/**
 * What the processor's score calibration reads of a shop (docs/reconciliation.md, "Calibration hook"): the
 * platform's latest figures (day D0) and ScoreGuard's own end-of-day values of D0 (null when D0 was not taken).
 */
export interface CalibrationInput {
  figures: PlatformFigures;
  d0End: DayEnd | null;
}

/** The latest day among the figures HASH's fields (`YYYY-MM-DD` sorts as text), or undefined when none. */
export function latestFiguresDay(days: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const d of days) if (/^\d{4}-\d{2}-\d{2}$/.test(d) && (best === undefined || d > best)) best = d;
  return best;
}
