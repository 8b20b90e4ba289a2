import type { ScoreHeadroomStep, ScoreLineHeadroom, ShopScores } from "@sg/events";
import { durationMs, indicatorDirection, type MetricDef, type RulePack } from "@sg/rules";
import type { MetricReading, ScoreContext } from "./compute.js";
import { bandNumber, combineTotal, dimensionScore, flagshipClass, inDimensionWeights, type ClassParams } from "./tables.js";

/**
 * Score headroom (scores.md "Headroom"): the fewest further bad items, on the indicator where they cost
 * most, before the score loses points (its band drops) or before the total crosses the shop's line.
 *
 * A further bad item is what metrics.md's headroom counts: for a `min` ratio it adds to the denominator only,
 * for a `max` ratio to both; for `avg_response_seconds` it is one wait left unanswered, counting the cap
 * (600 s). Means of hours have no bad item of a fixed size, so they give no headroom. The indicator's points
 * after k items follow compute.ts exactly (small-sample rule, then bands), and the total after them is
 * computed as the total is (tables.ts).
 */

/** Beyond this many items an indicator is taken to never cross (a ratio can approach a line forever). */
const MAX_ITEMS = 1_000_000_000;

/** The reading of a metric after k further bad items, or null when the metric has no bad item of a fixed size. */
export function afterBadItems(def: MetricDef, m: MetricReading): ((k: number) => MetricReading) | null {
  const num = m.numerator;
  const den = m.denominator;
  if (num === undefined || den === undefined || den === 0) return null;
  if (def.unit === "ratio") {
    if (def.direction === "min") return (k) => ({ value: num / (den + k), numerator: num, denominator: den + k });
    return (k) => ({ value: (num + k) / (den + k), numerator: num + k, denominator: den + k });
  }
  if (def.kind === "avg_response_seconds") {
    const cap = durationMs(def.params.cap) / 1000;
    return (k) => ({ value: (num + k * cap) / (den + k), numerator: num + k * cap, denominator: den + k });
  }
  return null;
}

/** One indicator of a complete score, as the headroom search sees it. */
interface Lever {
  indicator: string;
  metric: string;
  /** Points after k further bad items (k = 0: now). */
  points(k: number): number | null;
  /** The total with this indicator at `points`, the others unchanged. */
  totalWith(points: number): number;
  /** Up to this many items the small-sample rule may apply, so points need not fall monotonically. */
  irregularUpTo: number;
}

/** The indicators of a complete score that further bad items can move, with their arithmetic. */
export function scoreLevers(input: {
  pack: RulePack;
  scores: ShopScores;
  metrics: Record<string, MetricReading | undefined>;
  context?: ScoreContext | undefined;
}): Lever[] {
  const { pack, scores, metrics } = input;
  const model = pack.score;
  if (!model || scores.status !== "complete" || scores.total === null) return [];
  const ctx = input.context ?? {};
  const params = ctx.industry === undefined ? undefined : ctx.parameters?.[pack.id]?.[ctx.industry];
  const cls: ClassParams & { points?: number[] | undefined } = params?.flagship && ctx.flagship ? flagshipClass(params) : (params ?? {});
  const levers: Lever[] = [];
  for (const [dimId, d] of Object.entries(model.dimensions)) {
    if (d.observed) continue;
    const w = inDimensionWeights(d, cls, dimId);
    if (!w) continue;
    for (const id of d.indicators) {
      const ind = model.indicators[id]!;
      const band = cls.bands?.[id];
      const scale = band?.points ?? params?.points ?? ind.points ?? model.points;
      const def = ind.metric === undefined ? undefined : pack.metrics[ind.metric];
      const now = ind.metric === undefined ? undefined : metrics[ind.metric];
      if (!def || !now || !band || !scale || band.lines.length !== scale.length - 1) continue;
      const after = afterBadItems(def, now);
      if (!after) continue;
      const direction = indicatorDirection(pack, id);
      const small = ind.smallSample;
      const points = (k: number): number | null => {
        const m = k === 0 ? now : after(k);
        if (small && m.denominator !== undefined && m.denominator > 0 && m.denominator < small.below) {
          const bad = direction === "max" ? (m.numerator ?? 0) : m.denominator - (m.numerator ?? 0);
          if (bad <= small.maxBad) return small.points;
        }
        return m.value === null ? null : scale[scale.length - bandNumber(band.lines, direction, m.value)]!;
      };
      const totalWith = (p: number): number => {
        const pts = d.indicators.map((i) => (i === id ? p : (scores.indicators[i]?.points ?? 0)));
        const dims = Object.entries(scores.dimensions).map(([k, v]) =>
          k === dimId ? { ...v, score: dimensionScore(d.indicators, pts, w) } : v,
        );
        return combineTotal(dims, scores.bonuses, scores.deductions, model.range);
      };
      let irregularUpTo = 0;
      if (small) {
        const m0 = after(0);
        const bad0 = direction === "max" ? (m0.numerator ?? 0) : (m0.denominator ?? 0) - (m0.numerator ?? 0);
        irregularUpTo = Math.max(0, Math.floor(small.maxBad - bad0));
      }
      levers.push({ indicator: id, metric: ind.metric!, points, totalWith, irregularUpTo });
    }
  }
  return levers;
}

/**
 * The smallest k ≥ 1 with `holds(k)`, where `holds` is monotone (false, then true) beyond `irregularUpTo`
 * and checked one by one up to it; null when it never holds within MAX_ITEMS.
 */
export function fewestItems(holds: (k: number) => boolean, irregularUpTo = 0): number | null {
  for (let k = 1; k <= irregularUpTo; k++) if (holds(k)) return k;
  let lo = irregularUpTo;
  let hi = irregularUpTo + 1;
  while (!holds(hi)) {
    lo = hi;
    hi *= 2;
    if (hi > MAX_ITEMS) return null;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (holds(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Fewest items first; of equals, the one that costs the total most; then the pack's order. */
function best<T extends { items: number; total: number }>(steps: T[]): T | null {
  let out: T | null = null;
  for (const s of steps) if (out === null || s.items < out.items || (s.items === out.items && s.total < out.total)) out = s;
  return out;
}

/** The fewest further bad items on one indicator that drop it a band (and so lower the total). */
export function bandHeadroom(levers: readonly Lever[]): ScoreHeadroomStep | null {
  const steps: ScoreHeadroomStep[] = [];
  for (const l of levers) {
    const p0 = l.points(0);
    if (p0 === null) continue;
    const items = fewestItems((k) => {
      const p = l.points(k);
      return p !== null && p < p0;
    }, l.irregularUpTo);
    if (items === null) continue;
    const points = l.points(items)!;
    steps.push({ indicator: l.indicator, metric: l.metric, items, points, total: l.totalWith(points) });
  }
  return best(steps);
}

/** The fewest further bad items on one indicator that take the total below `line` (0 when it is below already). */
export function lineHeadroom(levers: readonly Lever[], total: number, line: number): ScoreLineHeadroom | null {
  if (total < line) return { line, indicator: null, metric: null, items: 0, points: null, total };
  const steps: (ScoreHeadroomStep & { line: number })[] = [];
  for (const l of levers) {
    const items = fewestItems((k) => {
      const p = l.points(k);
      return p !== null && l.totalWith(p) < line;
    }, l.irregularUpTo);
    if (items === null) continue;
    const points = l.points(items)!;
    steps.push({ line, indicator: l.indicator, metric: l.metric, items, points, total: l.totalWith(points) });
  }
  return best(steps);
}
