import { z } from "zod";
import { PLATFORMS } from "./fields.js";

/**
 * What the configuration holds for scores (rules-2026.md): which rule pack a platform or shop uses, and the
 * parameters platforms do not publish (band cut-offs per industry, weights, star lines), per pack and
 * industry. Only their form is checked here; whether a pack, indicator or dimension exists is checked
 * against the packs at start-up (`scoreConfigIssues` in @sg/rules), since the packs live there.
 */

/** `latest`, or a pack id such as `douyin@2026-07` or `jd@2024`. */
export const PackChoice = z
  .string()
  .regex(/^(?:latest|[a-z]+@\d{4}(?:-\d{2})?)$/, 'must be "latest" or a rule pack id such as douyin@2026-07');

/** `packs: { douyin: "latest" }`: per platform; absent keeps the platform's contract-v1 pack. */
export const PackChoices = z.object(Object.fromEntries(PLATFORMS.map((p) => [p, PackChoice.optional()]))).strict();

const Name = z.string().regex(/^[a-z][a-z0-9_]*$/, "must be a snake_case name");
const Weights = z.record(Name, z.number().min(0).max(100)).refine((w) => Math.abs(sum(Object.values(w)) - 100) < 1e-9, {
  error: "weights must sum to 100",
});

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/**
 * An indicator's bands: `lines[i]` is the cut-off between `points[n-1-i]` and the band below, best first
 * (for a `max` indicator the largest value still earning those points). `points` is given here when the
 * pack does not publish its point scale.
 */
export const BandParams = z
  .object({
    lines: z.array(z.number().finite()).min(1),
    points: z.array(z.number().finite()).min(2).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.points && b.points.length !== b.lines.length + 1)
      ctx.addIssue({ code: "custom", path: ["lines"], message: `${b.points.length} points need ${b.points.length - 1} lines` });
  });
export type BandParams = z.infer<typeof BandParams>;

/** One star line: a total at or above `min` shows `stars`. */
const StarLine = z.object({ min: z.number().finite(), stars: z.number().min(0).max(5) }).strict();

const ClassParams = z
  .object({
    bands: z.record(Name, BandParams).optional(),
    /** Per dimension, the weights of its indicators (each table sums to 100). */
    weights: z.record(Name, Weights).optional(),
    /** The dimensions' weights in the total, where the pack leaves them to configuration (sums to 100). */
    dimensionWeights: Weights.optional(),
  })
  .strict();

/** The parameters of one industry under one pack; `flagship` overrides them for flagship shops. */
export const IndustryParams = ClassParams.extend({
  /** True when the values are a sample, not the platform's: every score computed with them says so. */
  sample: z.boolean().default(false),
  /** Where the values come from (a backend capture, a date). */
  source: z.string().optional(),
  /** The point scale of every indicator, when the pack does not publish one. */
  points: z.array(z.number().finite()).min(2).optional(),
  flagship: ClassParams.optional(),
  /** Points of the bonuses whose points the platform does not publish (JD's add-ons). */
  bonusPoints: z.record(Name, z.number().min(0)).optional(),
  /**
   * The next star's standard per indicator, as the backend shows it (Pinduoduo: "3分钟人工回复率 ≥ 75.00%"
   * for 4.6★): the star it leads to and each indicator's value; the score reports each against its own.
   */
  nextStar: z
    .object({ stars: z.number().min(0).max(5), standards: z.record(Name, z.number().finite()) })
    .strict()
    .optional(),
  /** Star lines, ascending by `min`. */
  stars: z
    .array(StarLine)
    .min(1)
    .refine((s) => s.every((l, i) => i === 0 || l.min > s[i - 1]!.min), { error: "star lines must be ascending by min" })
    .optional(),
}).strict();
export type IndustryParams = z.output<typeof IndustryParams>;

/** `scoreParameters: { "douyin@2023-06": { apparel: { … } } }`. */
export const ScoreParameters = z.record(z.string(), z.record(Name, IndustryParams));
export type ScoreParameters = z.output<typeof ScoreParameters>;

/** What a shop declares for its score: observed inputs the platform grants or imposes. */
export const ShopScoreInputs = z
  .object({
    /** Bonus inputs by the pack's bonus name: a share (明日达 0.23) or a yes/no (运费险 true). */
    bonuses: z.record(Name, z.union([z.number().min(0).max(1), z.boolean()])).optional(),
    /** Deduction points of the last 30 days, by the pack's deduction part. */
    deductions: z.record(Name, z.number().min(0)).optional(),
    /** The shop has violations (eligibility's lower fixed score). */
    violations: z.boolean().optional(),
    /** Dimension scores read from the backend, where the pack leaves the method unpublished. */
    dimensions: z.record(Name, z.number().min(0).max(100)).optional(),
    /** Values of the indicators the pack reads from the backend (`observed`), in the indicator's unit. */
    indicators: z.record(Name, z.number().finite()).optional(),
  })
  .strict();
export type ShopScoreInputs = z.infer<typeof ShopScoreInputs>;

/**
 * The lines a shop wants its score to stay at or above (`score` alerts): the total, and/or a star level
 * (where the pack shows stars; the star lines come from the parameter table). `null` clears a line the
 * platform's `scoreLines` sets, for this shop.
 */
export const ScoreLines = z
  .object({
    total: z.number().finite().min(0).nullable().optional(),
    stars: z.number().min(0).max(5).nullable().optional(),
  })
  .strict();
export type ScoreLines = z.infer<typeof ScoreLines>;

/** `scoreLines: { douyin: { total: 85 } }`: per platform; a shop's `scoreLines` override them line by line. */
export const PlatformScoreLines = z.object(Object.fromEntries(PLATFORMS.map((p) => [p, ScoreLines.optional()]))).strict();

/** The score fields of `shops[key]`. */
export const ShopScoreFields = {
  /** This shop's rule pack, over the platform's choice. */
  pack: PackChoice.optional(),
  /** The shop's industry: a key of the parameter table of its pack. */
  industry: Name.optional(),
  /** A flagship shop (旗舰店), where the platform's cut-offs differ for them. */
  flagship: z.boolean().optional(),
  scoreInputs: ShopScoreInputs.optional(),
  /** Lines of this shop's score, over the platform's `scoreLines`. */
  scoreLines: ScoreLines.optional(),
  /**
   * Calibrate this shop's observed dimensions from the platform's latest figures (docs/reconciliation.md,
   * "Calibration hook"), over the platform's `scoreCalibration`. Absent: the platform's choice; default off.
   */
  scoreCalibration: z.boolean().optional(),
};

/**
 * `scoreCalibration: { douyin: true }`: per platform, whether shops' observed dimensions start from the
 * platform's latest figures; a shop's own `scoreCalibration` wins. Default: off everywhere.
 */
export const PlatformScoreCalibration = z.object(Object.fromEntries(PLATFORMS.map((p) => [p, z.boolean().optional()]))).strict();
