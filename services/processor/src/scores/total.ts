import type { IndustryParams } from "@sg/config";
import { indicatorDirection, type RulePack, type ScoreModel } from "@sg/rules";
import { adjustTotals } from "./adjustments.js";
import { computeScores, type MetricReading, type ScoreContext } from "./compute.js";
import { observedReading } from "./next-star.js";
import { bandNumber, combineTotal, dimensionScore, flagshipClass, inDimensionWeights, type ClassParams } from "./tables.js";

/**
 * A score's total alone (computeScores' `total`, bit for bit), for the forecast's points (docs/forecast.md
 * "Cost"): the same arithmetic (tables.ts, adjustments.ts), without building the indicators, dimensions,
 * adjustments and missing names a total does not read. What is missing only decides whether the total is
 * null (computeScores' blocking gaps). A shop that calibrates from the platform's figures is computed in full.
 * score-total.unit.test.ts compares it with computeScores on random readings and contexts.
 */

/** Per model: its entries and each dimension's scratch points (a pack is never changed). */
interface ModelShape {
  indicators: readonly [string, ScoreModel["indicators"][string]][];
  dimensions: readonly [string, ScoreModel["dimensions"][string]][];
  observed: ReadonlySet<string>;
  /** Per dimension (in order), an array its indicators' points are written to. */
  points: number[][];
  /** Per dimension (in order), its score and weight, reused by each total. */
  dims: { score: number | null; weight: number | null }[];
  /** Per dimension (in order), each of its indicators' position in `indicators` (-1: not an indicator of the model). */
  at: number[][];
  /** Each indicator's points for one total, by position (reused: the totals of one process run one at a time). */
  pointsOf: (number | null)[];
}

const shapes = new WeakMap<ScoreModel, ModelShape>();

function shapeOf(model: ScoreModel): ModelShape {
  let s = shapes.get(model);
  if (!s) {
    const dimensions = Object.entries(model.dimensions);
    const indicators = Object.entries(model.indicators);
    const position = new Map(indicators.map(([id], k) => [id, k]));
    s = {
      indicators,
      dimensions,
      observed: new Set(dimensions.filter(([, d]) => d.observed).flatMap(([, d]) => d.indicators)),
      points: dimensions.map(([, d]) => d.indicators.map(() => 0)),
      dims: dimensions.map(() => ({ score: null, weight: null })),
      at: dimensions.map(([, d]) => d.indicators.map((id) => position.get(id) ?? -1)),
      pointsOf: indicators.map(() => null),
    };
    shapes.set(model, s);
  }
  return s;
}

/** computeScores(...).total: the score's total, or null (incomplete); undefined for a pack without a score. */
export function scoreTotal(
  pack: RulePack,
  shopKey: string,
  metrics: Record<string, MetricReading | undefined>,
  context: ScoreContext | undefined,
): number | null | undefined {
  const model = pack.score;
  if (!model) return undefined;
  const ctx = context ?? {};
  // Calibration recomputes the score at D0 and reads the platform's figures: the full computation.
  if (ctx.calibrate && ctx.calibration) return computeScores({ pack, shopKey, metrics, context: ctx })!.total;
  const params: IndustryParams | undefined = ctx.industry === undefined ? undefined : ctx.parameters?.[pack.id]?.[ctx.industry];
  // Gaps.needsParams / needParam block exactly when the industry's parameters are missing, or always (needParam with them).
  let blocked = false;
  let cls: ClassParams & { points?: number[] | undefined } = params ?? {};
  if (params?.flagship) {
    if (ctx.flagship === undefined) blocked = true;
    else if (ctx.flagship) cls = flagshipClass(params);
  }
  const shape = shapeOf(model);
  const pointsOf = shape.pointsOf;
  for (let k = 0; k < shape.indicators.length; k++) {
    const [id, ind] = shape.indicators[k]!;
    const blocks = !shape.observed.has(id);
    if (ind.planned) {
      pointsOf[k] = null;
      if (blocks) blocked = true;
      continue;
    }
    const m = ind.observed ? observedReading(ctx.inputs, id) : metrics[ind.metric!];
    if (ind.observed && m === undefined && blocks) blocked = true;
    const value = m?.value ?? null;
    const direction = indicatorDirection(pack, id);
    const band = cls.bands?.[id];
    const scale = band?.points ?? params?.points ?? ind.points ?? model.points;
    const small = ind.smallSample;
    if (small && m?.denominator !== undefined && m.denominator > 0 && m.denominator < small.below) {
      const bad = direction === "max" ? (m.numerator ?? 0) : m.denominator - (m.numerator ?? 0);
      if (bad <= small.maxBad) {
        pointsOf[k] = small.points;
        continue;
      }
    }
    if (blocks && (!band || !scale)) blocked = true;
    if (value === null && !ind.observed && blocks) blocked = true;
    if (!band || !scale || value === null || band.lines.length !== scale.length - 1) {
      pointsOf[k] = null;
      continue;
    }
    const bandNo = bandNumber(band.lines, direction, value);
    pointsOf[k] = scale[scale.length - bandNo]!;
  }

  for (let k = 0; k < shape.dimensions.length; k++) {
    const [id, d] = shape.dimensions[k]!;
    const weight: number | null = typeof d.weight === "number" ? d.weight : (cls.dimensionWeights?.[id] ?? null);
    if (weight === null) blocked = true;
    let score: number | null = null;
    if (d.observed) {
      score = ctx.inputs?.dimensions?.[id] ?? null;
      if (score === null) blocked = true;
    } else {
      const w = inDimensionWeights(d, cls, id);
      if (!w) blocked = true;
      const pts = shape.points[k]!;
      const at = shape.at[k]!;
      let known = true;
      for (let j = 0; j < at.length; j++) {
        const p = at[j]! < 0 ? null : (pointsOf[at[j]!] ?? null);
        if (p === null) known = false;
        else pts[j] = p;
      }
      if (w && known) score = dimensionScore(d.indicators, pts, w);
    }
    const dim = shape.dims[k]!;
    dim.score = score;
    dim.weight = weight;
  }

  const adj = adjustTotals(model, ctx.inputs, ctx.events, params?.bonusPoints);
  if (adj.missingPoints) blocked = true;

  let fixed: number | null = null;
  const el = model.eligibility;
  if (el) {
    if (el.planned) blocked = true;
    else {
      const m = metrics[el.metric!];
      const count = m?.[el.field ?? "denominator"] ?? 0;
      if ((count ?? 0) < el.min) fixed = adj.violations && el.fixedWithViolations !== undefined ? el.fixedWithViolations : el.fixed;
    }
  }
  if (fixed !== null) return fixed;
  return blocked ? null : combineTotal(shape.dims, adj.bonuses, adj.deductions, model.range);
}
