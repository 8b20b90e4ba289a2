import { toShanghaiIso, type MetricForecast, type Platform, type ShopScores } from "@sg/events";
import type { RulePack } from "@sg/rules";
import type { ShopEvaluation } from "../evaluate.js";
import { evaluateAggregates, type ShopAggregates } from "../incremental/measure.js";
import type { MetricState, ShopOverrides } from "../types.js";
import { forecastMoments } from "./horizon.js";
import { firstCrossing, toRecover, type Sides, type SidedPoint } from "./lines.js";
import { columnRange, DeductionDays, PacedColumns, RolledColumns, StoredColumns } from "./day-columns.js";
import { RolledItems } from "./rolled-items.js";
import { todaysPace, type ForecastSource, type StoreAccounting } from "./source.js";
import { projectionDay, TimedProjections } from "./timed.js";

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

function metricSides(s: MetricState): Sides | null {
  if (s.output.status === "no_data") return null;
  const breach = s.output.status === "breach";
  return { threshold: breach, target: breach || s.pastTarget };
}

/** The score against its line (`scoreLines.total`), which the forecast calls its threshold; it has no target. */
function scorePoint(day: string, scores: ShopScores | undefined): SidedPoint {
  const total = scores?.total ?? null;
  if (total === null) return { day, value: null, status: "no_data", wrong: null };
  const line = scores?.lines?.total;
  const below = line !== undefined && total < line;
  return { day, value: total, status: below ? "breach" : "ok", wrong: { threshold: below, target: false } };
}

function path(now: Sides | null, points: SidedPoint[]): MetricForecast["rollOff"] {
  return {
    points: points.map(({ day, value, status }) => ({ day, value, status: status })),
    crosses: firstCrossing(now, points),
  };
}

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
 * The 14 evaluations from numeric day amounts (day-columns.ts, docs/forecast.md "Cost"): the stored days parsed
 * once per forecast, each point's roll-off an overlay of the timed change there, its paced amounts an overlay
 * of that; each evaluation computes the metrics' outputs and the score only (what the forecast reads of it).
 * Equal to the record path, bit for bit (forecast-columns.unit.test.ts).
 */
export const pointsByColumns: PointEvaluator = (input, src, projections, pace, moments) => {
  const changes = moments.map((_, k) => projections.at(k));
  const range = columnRange(src.days, input.now, moments[moments.length - 1]!, changes);
  const stored = new StoredColumns(src.days, range);
  const deductions = new DeductionDays(src.days, input.pack.score?.deductions !== undefined);
  const evaluate = (asOf: number, agg: ShopAggregates) =>
    evaluateAggregates(
      { platform: input.platform, shopId: input.shopId, asOf, shop: input.shop, pack: input.pack, outputsOnly: true },
      agg,
      input.slots,
    );
  const items = new RolledItems(src.pending, src.cur);
  const rolled = moments.map((_, k) => ({ ...items.at(changes[k]!), amounts: new RolledColumns(stored, changes[k]!, range) }));
  const roll = moments.map((m, k) => evaluate(m, { ...rolled[k]!, days: deductions.at(changes[k]!), nextTimer: undefined }));
  // Without a pace (nothing decided today) both paths are the same evaluations.
  const paced =
    pace.size === 0
      ? roll
      : moments.map((m, k) =>
          evaluate(m, {
            cur: rolled[k]!.cur,
            pending: rolled[k]!.pending,
            amounts: new PacedColumns(rolled[k]!.amounts, pace, input.now, m, range),
            days: deductions.at(changes[k]!, { pace, now: input.now, asOf: m }),
            nextTimer: undefined,
          }),
        );
  return { roll, paced };
};

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
  return forecastWith(pointsByColumns, input, current, src, kept);
}

/** forecastShop with the points evaluated by `points`. */
export function forecastWith(
  points: PointEvaluator,
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
  const { roll, paced } = points(input, src, projections, pace, moments);
  const days = moments.map((m) => toShanghaiIso(m).slice(0, 10));

  const metrics: Record<string, MetricForecast> = {};
  // Every evaluation lists the pack's metrics in the pack's order, as the current one does: the same position.
  current.states.forEach((s, i) => {
    const points = (evs: ShopEvaluation[]): SidedPoint[] =>
      evs.map((ev, k) => {
        const at = ev.states[i];
        const p = at?.name === s.name ? at : ev.states.find((x) => x.name === s.name)!;
        return { day: days[k]!, value: p.output.value, status: p.output.status, wrong: metricSides(p) };
      });
    const now = metricSides(s);
    metrics[s.name] = {
      rollOff: path(now, points(roll)),
      atPace: path(now, points(paced)),
      toRecover: toRecover(s.def, s.limits, { ...s.output, wrong: now }),
    };
  });
  const out: ShopForecast = { metrics };
  if (current.snapshot.scores) {
    const now = scorePoint("", current.snapshot.scores).wrong;
    const points = (evs: ShopEvaluation[]) => evs.map((ev, k) => scorePoint(days[k]!, ev.snapshot.scores));
    out.scores = { rollOff: path(now, points(roll)), atPace: path(now, points(paced)), toRecover: null };
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
