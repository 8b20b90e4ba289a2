import { z } from "zod";

/**
 * A pack's score model (rules-2026.md): indicators score points through bands, dimensions weigh their
 * indicators, and the total weighs the dimensions, plus bonuses, minus capped deductions. Whatever the
 * platform does not publish is marked `"config"` here and comes from the configuration's parameter table
 * (`scoreParameters[pack][industry]`) or the shop's `scoreInputs`; nothing unpublished is written here.
 */

const Name = z.string().regex(/^[a-z][a-z0-9_]*$/, "must be a snake_case name");
const Confidence = z.enum(["high", "med", "low"]);

/** A point scale, best last: e.g. 50, 60, 70, 80, 90, 100. */
export const PointScale = z
  .array(z.number().finite())
  .min(2)
  .refine((p) => p.every((v, i) => i === 0 || v > p[i - 1]!), { error: "points must be strictly ascending" });

/**
 * An indicator whose metric the engine cannot compute yet: its definition, window and clock rules as the
 * rules state them, kept with the pack so that the kind can be built from it. It reports as missing.
 */
export const PlannedMetric = z
  .object({
    /** The engine kind it needs (not built yet). */
    needs: z.string().min(1),
    definition: z.string().min(1),
    window: z.string().min(1),
    clock: z.string().optional(),
    source: z.string().min(1),
    confidence: Confidence,
  })
  .strict();

/**
 * An indicator the engine cannot compute from events (a rank among merchants, a platform judgement): its
 * value is read from the merchant backend into the shop's `scoreInputs.indicators`, and `why` says why it
 * is not computed. It scores through bands like any indicator.
 */
export const ObservedInput = z
  .object({
    definition: z.string().min(1),
    window: z.string().min(1),
    source: z.string().min(1),
    confidence: Confidence,
    why: z.string().min(1),
  })
  .strict();

/** Fixed points when the sample is small: fewer than `below` items and at most `maxBad` bad ones. */
export const SmallSample = z
  .object({ below: z.number().int().positive(), maxBad: z.number().int().min(0), points: z.number().finite() })
  .strict();

export const Indicator = z
  .object({
    title: z.string().min(1),
    /** A metric of this pack whose value the bands read. */
    metric: Name.optional(),
    planned: PlannedMetric.optional(),
    observed: ObservedInput.optional(),
    /** For planned and observed indicators (a metric's own direction is used otherwise): min = higher is better. */
    direction: z.enum(["min", "max"]).optional(),
    /** The indicator's point scale, when it differs from the model's. */
    points: PointScale.optional(),
    smallSample: SmallSample.optional(),
    source: z.string().optional(),
  })
  .strict()
  .superRefine((ind, ctx) => {
    const sources = [ind.metric, ind.planned, ind.observed].filter((x) => x !== undefined).length;
    if (sources !== 1) ctx.addIssue({ code: "custom", path: [], message: "needs exactly one of metric, planned or observed" });
    if ((ind.planned || ind.observed) && ind.direction === undefined)
      ctx.addIssue({ code: "custom", path: ["direction"], message: "a planned or observed indicator needs its direction" });
  });
export type Indicator = z.infer<typeof Indicator>;

const Weight = z.union([z.number().min(0).max(100), z.literal("config")]);

export const Dimension = z
  .object({
    title: z.string().min(1),
    titleEn: z.string().optional(),
    /** Share of the total in percent, or `"config"` where unpublished (`dimensionWeights`). */
    weight: Weight,
    indicators: z.array(Name).min(1),
    /** In-dimension weights of the indicators, where published (sum 100); otherwise from `weights`. */
    weights: z.record(Name, z.number().min(0).max(100)).optional(),
    /** The dimension's score is read from the shop's `scoreInputs.dimensions` (method unpublished). */
    observed: z.boolean().optional(),
  })
  .strict();
export type Dimension = z.infer<typeof Dimension>;

export const Bonus = z
  .object({
    title: z.string().min(1),
    /** Points granted, or `"config"` where unpublished. */
    points: z.union([z.number().positive(), z.literal("config")]),
    /** A share input earns the bonus from this share on; without it the input is yes/no. */
    minShare: z.number().min(0).max(1).optional(),
    source: z.string().min(1),
  })
  .strict();

export const Deductions = z
  .object({
    /** At most this many points are deducted per window. */
    cap: z.number().positive(),
    window: z.string().min(1),
    parts: z.record(Name, z.object({ title: z.string().min(1) }).strict()),
    source: z.string().min(1),
  })
  .strict();

/** Below `min` counted items (e.g. valid paid orders in 30 days) the total is a fixed score. */
export const Eligibility = z
  .object({
    /** The indicator-like count: a metric of this pack and its field, or planned. */
    metric: Name.optional(),
    field: z.enum(["denominator", "numerator", "value"]).optional(),
    planned: PlannedMetric.optional(),
    min: z.number().int().positive(),
    fixed: z.number().finite(),
    fixedWithViolations: z.number().finite().optional(),
    source: z.string().min(1),
  })
  .strict()
  .superRefine((e, ctx) => {
    if ((e.metric === undefined) === (e.planned === undefined))
      ctx.addIssue({ code: "custom", path: [], message: "needs exactly one of metric or planned" });
  });

export const ScoreModel = z
  .object({
    title: z.string().min(1),
    titleEn: z.string().min(1),
    source: z.string().min(1),
    /** The total is kept within [min, max] when the platform states a range. */
    range: z.tuple([z.number(), z.number()]).optional(),
    /** The point scale of every indicator, where published; otherwise from the parameter table. */
    points: PointScale.optional(),
    indicators: z.record(Name, Indicator),
    dimensions: z.record(Name, Dimension),
    bonuses: z.record(Name, Bonus).optional(),
    deductions: Deductions.optional(),
    eligibility: Eligibility.optional(),
    /** The total shows as stars through lines from the parameter table (`stars`). */
    stars: z
      .object({ source: z.string().min(1) })
      .strict()
      .optional(),
    /**
     * The platform shows, per indicator, the value it needs for the next star (Pinduoduo): the standards
     * come from the parameter table (`nextStar`), and the score reports each indicator against its own.
     */
    nextStar: z
      .object({ source: z.string().min(1) })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const weights = Object.values(m.dimensions).map((d) => d.weight);
    const numeric = weights.filter((w): w is number => typeof w === "number");
    if (numeric.length === weights.length) {
      const total = numeric.reduce((a, b) => a + b, 0);
      if (Math.abs(total - 100) > 1e-9) ctx.addIssue({ code: "custom", path: ["dimensions"], message: `weights sum to ${total}, not 100` });
    }
    const owner = new Map<string, string>();
    for (const [dn, d] of Object.entries(m.dimensions)) {
      for (const i of d.indicators) {
        if (!(i in m.indicators))
          ctx.addIssue({ code: "custom", path: ["dimensions", dn, "indicators"], message: `unknown indicator "${i}"` });
        const prev = owner.get(i);
        if (prev)
          ctx.addIssue({ code: "custom", path: ["dimensions", dn, "indicators"], message: `"${i}" is already in dimension ${prev}` });
        owner.set(i, dn);
      }
      if (d.weights) {
        const keys = Object.keys(d.weights).sort().join(",");
        if (keys !== [...d.indicators].sort().join(","))
          ctx.addIssue({ code: "custom", path: ["dimensions", dn, "weights"], message: "must weigh exactly the dimension's indicators" });
        const total = Object.values(d.weights).reduce((a, b) => a + b, 0);
        if (Math.abs(total - 100) > 1e-9)
          ctx.addIssue({ code: "custom", path: ["dimensions", dn, "weights"], message: `weights sum to ${total}, not 100` });
      }
    }
    for (const i of Object.keys(m.indicators)) {
      if (!owner.has(i)) ctx.addIssue({ code: "custom", path: ["indicators", i], message: "is in no dimension" });
    }
    if (m.range && m.range[0] >= m.range[1])
      ctx.addIssue({ code: "custom", path: ["range"], message: "must be [min, max] with min < max" });
  });
export type ScoreModel = z.infer<typeof ScoreModel>;
