import type { IndustryParams, ShopScoreInputs } from "@sg/config";
import type { CalibrationInput, ScoreCalibration, ShopScores } from "@sg/events";
import { effectiveDate, indicatorDirection, type RulePack, type ScoreModel } from "@sg/rules";
import { calibrateDimension, calibrationBlock, d0Readings } from "./calibration.js";
import { adjustScore } from "./adjustments.js";
import type { ScoreEventFacts } from "./score-events.js";
import { nextStarReport, observedReading } from "./next-star.js";
import { bandNumber, combineTotal, dimensionScore, flagshipClass, inDimensionWeights, tidy, type ClassParams } from "./tables.js";

/** What a score reads of one metric's output. */
export interface MetricReading {
  value: number | null;
  numerator?: number;
  denominator?: number;
}

/** The configuration a shop's score reads (built by `scoreContext`). */
export interface ScoreContext {
  industry?: string;
  flagship?: boolean;
  /** The configuration's whole parameter table, by pack id and industry. */
  parameters?: Record<string, Record<string, IndustryParams> | undefined>;
  inputs?: ShopScoreInputs;
  /** The lines of this shop's score (`scoreLines`, the shop's over the platform's): score alerts. */
  lines?: { total?: number; stars?: number };
  /** The shop opted in to calibration (`scoreCalibration`, the shop's over the platform's). */
  calibrate?: boolean;
  /**
   * The platform's latest figures and ScoreGuard's end-of-day values of their day (D0), attached by the
   * processor for a shop that opted in when D0 is not after the evaluated day (scores/calibration-source.ts).
   */
  calibration?: CalibrationInput;
  /** The shop's bonus and deduction events, as the engine keeps them (score-events.ts); absent: none. */
  events?: ScoreEventFacts;
}

/**
 * A shop's score under its pack (rules-2026.md): a pure function of the metric outputs and the
 * configuration. Every value the platform does not publish comes from `context`; what is absent is named
 * in `missing` and makes the score `incomplete` (total null). Nothing is invented.
 */
/**
 * What a score lacks, named as `missing` lists it, and whether the total needs it: methods rather than closures
 * made per call (the forecast computes a shop's score 14 times more, docs/forecast.md "Cost").
 */
class Gaps {
  readonly missing: string[] = [];
  /** Whether something the total needs is missing (star lines and observed dimensions' indicators are not). */
  blocked = false;
  constructor(
    private readonly ctx: ScoreContext,
    private readonly params: IndustryParams | undefined,
    private readonly shopPath: string,
    private readonly tablePath: string,
  ) {}

  need(what: string, blocks = true): void {
    if (!this.missing.includes(what)) this.missing.push(what);
    this.blocked ||= blocks;
  }

  /** The industry's parameters are missing: name the industry, or its table. */
  needsParams(blocks = true): void {
    if (this.ctx.industry === undefined) this.need(`${this.shopPath}.industry`, blocks);
    else if (this.params === undefined) this.need(this.tablePath, blocks);
  }

  /** A value of the industry's table is missing: name it, or the table, or the industry. */
  needParam(suffix: string, blocks = true): void {
    if (this.params) this.need(`${this.tablePath}.${suffix}`, blocks);
    else this.needsParams(blocks);
  }
}

/** A model's indicators and dimensions as entries, and the indicators of its observed dimensions. */
interface ModelEntries {
  indicatorEntries: readonly [string, ScoreModel["indicators"][string]][];
  dimensionEntries: readonly [string, ScoreModel["dimensions"][string]][];
  observed: ReadonlySet<string>;
}

/** Per model object, made once (a pack is never changed). */
const entriesOf = new WeakMap<ScoreModel, ModelEntries>();

function modelEntries(model: ScoreModel): ModelEntries {
  let e = entriesOf.get(model);
  if (!e) {
    e = {
      indicatorEntries: Object.entries(model.indicators),
      dimensionEntries: Object.entries(model.dimensions),
      observed: new Set(
        Object.values(model.dimensions)
          .filter((d) => d.observed)
          .flatMap((d) => d.indicators),
      ),
    };
    entriesOf.set(model, e);
  }
  return e;
}

export function computeScores(input: {
  pack: RulePack;
  shopKey: string;
  metrics: Record<string, MetricReading | undefined>;
  context?: ScoreContext | undefined;
}): ShopScores | undefined {
  const { pack, shopKey, metrics } = input;
  const model: ScoreModel | undefined = pack.score;
  if (!model) return undefined;
  const ctx = input.context ?? {};
  const shopPath = `shops[${JSON.stringify(shopKey)}]`;
  const tablePath = `scoreParameters[${JSON.stringify(pack.id)}].${ctx.industry ?? "<industry>"}`;

  // The industry's parameters, with the flagship class's over them for a flagship shop.
  const params = ctx.industry === undefined ? undefined : ctx.parameters?.[pack.id]?.[ctx.industry];
  const gaps = new Gaps(ctx, params, shopPath, tablePath);
  const observedDimension = modelEntries(model).observed;
  let cls: ClassParams & { points?: number[] | undefined } = params ?? {};
  if (params?.flagship) {
    if (ctx.flagship === undefined) gaps.need(`${shopPath}.flagship`);
    else if (ctx.flagship) cls = flagshipClass(params);
  }

  const indicators: ShopScores["indicators"] = {};
  /** The best points each indicator could earn, where its scale is known. */
  const best = new Map<string, number>();
  const { indicatorEntries, dimensionEntries } = modelEntries(model);
  for (const [id, ind] of indicatorEntries) {
    // An indicator of a dimension read from the backend is shown, but the total does not need it.
    const blocks = !observedDimension.has(id);
    if (ind.planned) {
      indicators[id] = { value: null, points: null, band: null };
      gaps.need(`indicator ${id}: needs engine kind ${ind.planned.needs}, not built yet`, blocks);
      continue;
    }
    // An observed indicator's value is read from the backend into the shop's inputs (a metric of its own).
    const m = ind.observed ? observedReading(ctx.inputs, id) : metrics[ind.metric!];
    if (ind.observed && m === undefined) gaps.need(`${shopPath}.scoreInputs.indicators.${id}`, blocks);
    const value = m?.value ?? null;
    const direction = indicatorDirection(pack, id);
    const band = cls.bands?.[id];
    const scale = band?.points ?? params?.points ?? ind.points ?? model.points;
    if (scale) best.set(id, scale[scale.length - 1]!);
    const small = ind.smallSample;
    if (small && m?.denominator !== undefined && m.denominator > 0 && m.denominator < small.below) {
      const bad = direction === "max" ? (m.numerator ?? 0) : m.denominator - (m.numerator ?? 0);
      if (bad <= small.maxBad) {
        indicators[id] = { value, points: small.points, band: null, rule: "small_sample" };
        continue;
      }
    }
    if (!band) gaps.needParam(`bands.${id}`, blocks);
    else if (!scale) gaps.need(`${tablePath}.points`, blocks);
    if (value === null && !ind.observed) gaps.need(`indicator ${id}: no data`, blocks);
    if (!band || !scale || value === null || band.lines.length !== scale.length - 1) {
      indicators[id] = { value, points: null, band: null };
      continue;
    }
    const bandNo = bandNumber(band.lines, direction, value);
    indicators[id] = { value, points: scale[scale.length - bandNo]!, band: bandNo, rule: "band" };
  }

  const dimensions: ShopScores["dimensions"] = {};
  // The platform's D0 figures fill observed dimensions (they win over configured inputs; calibration.ts).
  const cal = ctx.calibrate ? ctx.calibration : undefined;
  const changes: ScoreCalibration["changes"] = [];
  const atD0 =
    cal?.d0End && cal.d0End.rulePack === pack.id
      ? (computeScores({ pack, shopKey, metrics: d0Readings(cal), context: { ...ctx, calibration: undefined } })?.indicators ?? null)
      : null;
  let calibrated = false;
  for (const [id, d] of dimensionEntries) {
    const weight: number | null = typeof d.weight === "number" ? d.weight : (cls.dimensionWeights?.[id] ?? null);
    if (weight === null) gaps.needParam(`dimensionWeights.${id}`);
    let score: number | null = null;
    let source: ShopScores["dimensions"][string]["source"];
    if (d.observed) {
      const c = cal && calibrateDimension({ id, dimension: d, calibration: cal, now: indicators, atD0, changes });
      if (c) {
        calibrated = true;
        ({ score, source } = c);
      } else {
        score = ctx.inputs?.dimensions?.[id] ?? null;
        if (score === null) gaps.need(`${shopPath}.scoreInputs.dimensions.${id}`);
        else source = "configured";
      }
    } else {
      // A dimension of one indicator weighs it 100: arithmetic, not a parameter.
      const w = inDimensionWeights(d, cls, id);
      if (!w) gaps.needParam(`weights.${id}`);
      const pts = d.indicators.map((i) => indicators[i]?.points ?? null);
      if (w && pts.every((p) => p !== null)) score = dimensionScore(d.indicators, pts, w);
      // Points of the total each indicator loses against its best band: the board's "costs the most".
      if (w && weight !== null)
        for (const i of d.indicators) {
          const p = indicators[i]?.points;
          const top = best.get(i);
          if (p !== null && p !== undefined && top !== undefined)
            indicators[i]!.lost = tidy((((top - p) * (w[i] ?? 0)) / 100) * (weight / 100));
        }
    }
    dimensions[id] = source === undefined ? { score, weight } : { score, weight, source };
  }

  // Bonuses and deductions: the shop's events where they speak, else its configuration (adjustments.ts).
  const adj = adjustScore(model, ctx.inputs, ctx.events, params?.bonusPoints);
  for (const id of adj.missingPoints) gaps.needParam(`bonusPoints.${id}`);
  const { bonuses, deductions } = adj;

  // Eligibility: too few counted items set the total, whatever the indicators say.
  let fixed: number | null = null;
  const el = model.eligibility;
  if (el) {
    if (el.planned) gaps.need(`eligibility: needs engine kind ${el.planned.needs}, not built yet`);
    else {
      const m = metrics[el.metric!];
      const count = m?.[el.field ?? "denominator"] ?? 0;
      if ((count ?? 0) < el.min) {
        const violations = adj.adjustments.violations;
        fixed = violations && el.fixedWithViolations !== undefined ? el.fixedWithViolations : el.fixed;
      }
    }
  }

  let total: number | null = null;
  if (fixed !== null) total = fixed;
  else if (!gaps.blocked) total = combineTotal(Object.values(dimensions), bonuses, deductions, model.range);

  const out: ShopScores = {
    title: model.title,
    pack: pack.id,
    effective: effectiveDate(pack),
    status: fixed !== null ? "fixed" : gaps.missing.length > 0 ? "incomplete" : "complete",
    total,
    dimensions,
    indicators,
    bonuses,
    deductions,
    missing: gaps.missing,
  };
  if (model.bonuses || model.deductions) out.adjustments = adj.adjustments;
  if (model.stars) {
    const lines = params?.stars;
    if (!lines) gaps.needParam("stars", false);
    out.stars = total === null || !lines ? null : ([...lines].reverse().find((l) => total >= l.min)?.stars ?? null);
  }
  if (model.nextStar) {
    if (!params?.nextStar) gaps.needParam("nextStar", false);
    else out.nextStar = nextStarReport(pack, params.nextStar, indicators);
  }
  if (out.status === "complete" && gaps.missing.length > 0) out.status = "incomplete";
  if (params?.sample) out.sample = true;
  if (cal && calibrated) out.calibration = calibrationBlock(cal, changes);
  return out;
}
