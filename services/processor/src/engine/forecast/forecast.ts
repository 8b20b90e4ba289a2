import { toShanghaiIso, type MetricForecast, type Platform } from "@sg/events";
import type { RulePack } from "@sg/rules";
import type { ShopEvaluation } from "../evaluate.js";
import type { ShopOverrides } from "../types.js";
import { forecastMoments } from "./horizon.js";
import { firstCrossing, scorePoint, toRecover, type Sides, type SidedPoint } from "./lines.js";
import { pointsByNumbers } from "./numeric-points.js";
import { evaluatedPoints, metricSides, type PointEvaluator, type PointsSource } from "./points.js";

import { todaysPace, type ForecastSource, type StoreAccounting } from "./source.js";
import { projectionDay, TimedProjections } from "./timed.js";

export { pointsByColumns } from "./by-columns.js";
export type { ForecastPoints, PointEvaluations, PointEvaluator, PointsSource } from "./points.js";

export interface ForecastInput {
  platform: Platform;
  shopId: string;
  /** The moment of the evaluation the forecast belongs to. */
  now: number;
  shop: ShopOverrides;
  /** The pack in force now: every point is evaluated under it. */
  pack: RulePack;
  /** Where each metric sits in the aggregates (accounting.ts); absent: its position in the pack. */
  slots?: ReadonlyMap<string, number> | undefined;
  store: StoreAccounting;
}

/** Each metric's forecast and the score's, keyed as the snapshot holds them. */
export interface ShopForecast {
  metrics: Record<string, MetricForecast>;
  scores?: MetricForecast;
}

function path(now: Sides | null, points: SidedPoint[]): MetricForecast["rollOff"] {
  return {
    points: points.map(({ day, value, status }) => ({ day, value, status: status })),
    crosses: firstCrossing(now, points),
  };
}

/**
 * The forecast of every metric and of the score (docs/forecast.md): the shop evaluated at the last instant of
 * today and of each of the next six days, `rollOff` on the facts already known (timers due by then
 * recomputed, the windows moved on), `atPace` with today's pace of decided items added; each path's first
 * crossing, and the good items that bring a metric back to its line now.
 */
export function forecastShop(
  input: ForecastInput,
  current: ShopEvaluation,
  src: ForecastSource,
  /** The shop's projections kept from its last forecast (ForecastProjections); absent: computed afresh. */
  kept?: TimedProjections,
): ShopForecast {
  return forecastBy(pointsByNumbers, input, current, src, kept);
}

/** forecastShop with the points evaluated by `points`. */
export function forecastWith(
  points: PointEvaluator,
  input: ForecastInput,
  current: ShopEvaluation,
  src: ForecastSource,
  kept?: TimedProjections,
): ShopForecast {
  return forecastBy(evaluatedPoints(points), input, current, src, kept);
}

/** The last points' day names (the same for a whole Shanghai day: the points are that day's day-ends). */
let lastDays: { first: number; days: string[] } | undefined;

function pointDays(moments: readonly number[]): string[] {
  if (lastDays !== undefined && lastDays.first === moments[0]) return lastDays.days;
  const days = moments.map((m) => toShanghaiIso(m).slice(0, 10));
  lastDays = { first: moments[0]!, days };
  return days;
}

/** forecastShop with the points computed by `points`. */
export function forecastBy(
  points: PointsSource,
  input: ForecastInput,
  current: ShopEvaluation,
  src: ForecastSource,
  kept?: TimedProjections,
): ShopForecast {
  const pace = todaysPace(src, input.now);
  const moments = forecastMoments(input.now);
  const projections = kept ?? new TimedProjections(projectionDay(input.now), input.store, moments, input.shop.calendar);
  if (src.timed) projections.update(src.timed);
  else if (!kept) throw new Error("a forecast without its timed entities needs the shop's kept projections");
  const days = pointDays(moments);
  const at = points(input, src, projections, pace, moments, days);

  const metrics: Record<string, MetricForecast> = {};
  for (const s of current.states) {
    const now = metricSides(s);
    metrics[s.name] = {
      rollOff: path(now, at.metric(s.name, false)),
      atPace: path(now, at.metric(s.name, true)),
      toRecover: toRecover(s.def, s.limits, { ...s.output, wrong: now }),
    };
  }
  const out: ShopForecast = { metrics };
  const scores = current.snapshot.scores;
  if (scores) {
    const now = scorePoint("", scores.total, scores.lines?.total).wrong;
    out.scores = { rollOff: path(now, at.score(false)), atPace: path(now, at.score(true)), toRecover: null };
  }
  return out;
}

/** The evaluation with each metric's and the score's `forecast` set (a new snapshot; the argument is unchanged). */
export function withForecast(ev: ShopEvaluation, f: ShopForecast): ShopEvaluation {
  const metrics = Object.fromEntries(
    Object.entries(ev.snapshot.metrics).map(([name, m]) => [name, f.metrics[name] ? { ...m, forecast: f.metrics[name] } : m]),
  );
  const snapshot = { ...ev.snapshot, metrics };
  if (ev.snapshot.scores && f.scores) snapshot.scores = { ...ev.snapshot.scores, forecast: f.scores };
  return { ...ev, snapshot };
}
