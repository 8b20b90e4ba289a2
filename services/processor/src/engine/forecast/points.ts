import type { ShopEvaluation } from "../evaluate.js";
import type { MetricState } from "../types.js";
import type { ForecastInput } from "./forecast.js";
import { scorePoint, type Sides, type SidedPoint } from "./lines.js";
import type { ForecastSource } from "./source.js";
import type { TimedProjections } from "./timed.js";

/** Which side of its lines a metric's state is on (null: no value). */
export function metricSides(s: MetricState): Sides | null {
  if (s.output.status === "no_data") return null;
  const breach = s.output.status === "breach";
  return { threshold: breach, target: breach || s.pastTarget };
}

/**
 * What the forecast reads of its points: each metric's (by name) and the score's points on each path, in day
 * order. From the points' evaluations (evaluatedPoints), or as numbers (numeric-points.ts).
 */
export interface ForecastPoints {
  metric(name: string, paced: boolean): SidedPoint[];
  score(paced: boolean): SidedPoint[];
}

/** How the forecast's points are computed; `days`: each point's Shanghai day (YYYY-MM-DD). */
export type PointsSource = (
  input: ForecastInput,
  src: ForecastSource,
  projections: TimedProjections,
  pace: ReadonlyMap<string, number>,
  moments: readonly number[],
  days: readonly string[],
) => ForecastPoints;

/** The shop evaluated at each forecast point, on each path (the same array twice when there is no pace). */
export interface PointEvaluations {
  roll: ShopEvaluation[];
  paced: ShopEvaluation[];
}

/** How the points are evaluated: from numeric day columns (pointsByColumns), or the record path (by-records.ts). */
export type PointEvaluator = (
  input: ForecastInput,
  src: ForecastSource,
  projections: TimedProjections,
  pace: ReadonlyMap<string, number>,
  moments: readonly number[],
) => PointEvaluations;

/**
 * The points of each metric and of the score read from the shop's evaluation at each point (by `points`): what
 * the forecast reads of them. The score's line is the shop's (`scoreLines.total`), as deriveScoreAlerts sets it
 * on a full evaluation's score.
 */
export function evaluatedPoints(points: PointEvaluator): PointsSource {
  return (input, src, projections, pace, moments, days) => {
    const { roll, paced } = points(input, src, projections, pace, moments);
    const line = input.shop.score?.lines?.total;
    return {
      metric: (name, p) =>
        (p ? paced : roll).map((ev, k) => {
          const s = ev.states.find((x) => x.name === name)!;
          return { day: days[k]!, value: s.output.value, status: s.output.status, wrong: metricSides(s) };
        }),
      score: (p) => (p ? paced : roll).map((ev, k) => scorePoint(days[k]!, ev.snapshot.scores?.total ?? null, line)),
    };
  };
}
