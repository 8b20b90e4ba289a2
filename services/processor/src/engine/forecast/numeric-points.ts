import { durationMs, type MetricDef } from "@sg/rules";
import type { MetricStatus } from "@sg/events";
import { scoreTotal } from "../../scores/total.js";
import type { ScoreEventFacts } from "../../scores/score-events.js";
import type { MetricReading } from "../../scores/compute.js";
import { withScoreEvents } from "../../scores/score-events.js";
import { DAY, dayStart, HOUR, windowRange } from "../calendar.js";
import { suspendedDays } from "../calendar-entries.js";
import { limitsFor } from "../evaluate.js";
import { dayNumber } from "../incremental/contrib.js";
import { leavesNumeratorOnly } from "../incremental/exclusions.js";
import type { ShopAggregates } from "../incremental/measure.js";
import { scoreFactsOfAggregates } from "../incremental/score-records.js";
import { DERIVED_KINDS } from "../kinds/index.js";
import { ratio } from "../kinds/ratio.js";
import { AT_RISK, BREACH, judgeStatus, NO_DATA, PAST_TARGET } from "../status.js";
import type { Limits } from "../types.js";
import { columnRange, DeductionDays, StoredColumns, type DayRange } from "./day-columns.js";
import { pointsByColumns } from "./by-columns.js";
import { BOTH_SIDES, NO_SIDE, scorePoint, TARGET_SIDE, type SidedPoint } from "./lines.js";
import { evaluatedPoints, type ForecastPoints, type PointsSource } from "./points.js";
import { RolledItems } from "./rolled-items.js";
import type { PointChange } from "./timed.js";

/**
 * The forecast's points as numbers (docs/forecast.md "Cost"): what the forecast reads of each point (each
 * metric's value and status and which side of its lines it is on, and the score's total), computed without
 * evaluating the shop at each point: no MetricState, snapshot, windows, pending item lists, due items or
 * wake-ups per point. Per point and path, each metric's window sums read the stored day columns (parsed once
 * per forecast, day-columns.ts) with the point's timed change and today's pace added day by day, in the
 * order pointsByColumns adds them, then summed in day order, as evaluateAggregates sums them; the pending
 * items are counted per point, once for both paths; the status is judged by the evaluation's own code
 * (status.ts judgeStatus), the score's total by computeScores' arithmetic (scores/total.ts).
 *
 * Exact: forecast-numbers.unit.test.ts compares it with the record path (by-records.ts) on random streams.
 * A pack with a derived kind (jd_service_score reads the other metrics' states) is evaluated by
 * pointsByColumns instead.
 */

/** One metric of the pack as its points are measured. */
interface Metric {
  name: string;
  def: MetricDef;
  /** Its slot in the aggregates. */
  slot: number;
  fields: { n: string; d: string; b: string; xd: string; o: string; s: string; v: string };
  /** Its denominator adds `xd` (leavesNumeratorOnly). */
  xd: boolean;
  skip: ((day: number) => boolean) | undefined;
  /** The ms a due item adds (avg_response_seconds' cap, imputed_response_mean's unanswered time). */
  addMs: number;
  reading: { value: number | null; numerator: number | undefined; denominator: number | undefined };
}

/** Kinds whose pending items the points count (their `due` decides at-risk). */
const PENDING_KINDS: ReadonlySet<MetricDef["kind"]> = new Set([
  "reply_consumer_day",
  "pickup_rate",
  "first_response_sessions",
  "business_time_rate",
  "avg_response_seconds",
  "overdue_refund_count",
  "imputed_response_mean",
  "buyer_reply_rate",
]);

type Fields = Metric["fields"];

/** Each slot's field names, made once (a forecast reads a handful per metric). */
const fieldsBySlot = new Map<number, Fields>();

function fieldsOfSlot(slot: number): Fields {
  let f = fieldsBySlot.get(slot);
  if (!f) {
    const x = (name: string) => `${slot}|${name}`;
    fieldsBySlot.set(slot, (f = { n: x("n"), d: x("d"), b: x("b"), xd: x("xd"), o: x("o"), s: x("s"), v: x("v") }));
  }
  return f;
}

/** An empty `now` record, frozen (score-records.ts lists its fields once). */
const NO_CUR: ShopAggregates["cur"] = Object.freeze({});
const NO_DAYS: ShopAggregates["days"] = new Map();

export const pointsByNumbers: PointsSource = (input, src, projections, pace, moments, days) => {
  const { pack, shop } = input;
  const entries = Object.entries(pack.metrics);
  if (entries.some(([, d]) => DERIVED_KINDS.has(d.kind)))
    return evaluatedPoints(pointsByColumns)(input, src, projections, pace, moments, days);

  const metrics: Metric[] = entries.map(([name, def], index) => {
    const slot = input.slots?.get(name) ?? index;
    return {
      name,
      def,
      slot,
      fields: fieldsOfSlot(slot),
      xd: leavesNumeratorOnly(def, shop.metrics?.[name]),
      skip: suspendedDays(shop.calendar, name, def.kind),
      addMs:
        def.kind === "avg_response_seconds"
          ? durationMs(def.params.cap)
          : def.kind === "imputed_response_mean"
            ? durationMs(def.params.unanswered)
            : 0,
      reading: { value: null, numerator: undefined, denominator: undefined },
    };
  });
  const bySlot = new Map<number, number[]>();
  metrics.forEach((m, i) => {
    if (!PENDING_KINDS.has(m.def.kind)) return;
    const l = bySlot.get(m.slot);
    if (l) l.push(i);
    else bySlot.set(m.slot, [i]);
  });
  const n = moments.length;
  const changes = moments.map((_, k) => projections.at(k));
  const range = columnRange(src.days, input.now, moments[n - 1]!, changes);
  const sums = new WindowSums(new StoredColumns(src.days, range), range, pace, input.now);
  const deductions = pack.score ? new DeductionDays(src.days, pack.score.deductions !== undefined) : undefined;
  const items = new RolledItems(src.pending, src.cur);
  const shopKey = `${input.platform}:${input.shopId}`;
  const line = shop.score?.lines?.total;
  const readings: Record<string, MetricReading | undefined> = {};
  for (const m of metrics) readings[m.name] = m.reading;
  const out = {
    roll: metrics.map(() => new Array<SidedPoint>(n)),
    paced: metrics.map(() => new Array<SidedPoint>(n)),
    scoreRoll: new Array<SidedPoint>(n),
    scorePaced: new Array<SidedPoint>(n),
  };
  const limits: Limits[] = new Array<Limits>(metrics.length);
  const from = new Float64Array(metrics.length);
  const to = new Float64Array(metrics.length);
  const due = new Float64Array(metrics.length);

  // Each distinct window once per point (most metrics share one): its first and last day.
  const windows = [...new Set(metrics.map((m) => m.def.window))];
  const windowOf = metrics.map((m) => windows.indexOf(m.def.window));
  const windowFrom = new Float64Array(windows.length);
  const windowTo = new Float64Array(windows.length);

  // Without a calendar (no stricter lines) a metric's lines are the same at every point.
  if (!shop.calendar) metrics.forEach((m, i) => (limits[i] = limitsFor(m.name, m.def, shop)));
  /** The score's bonus grants per `now` record (score-records.ts: they do not depend on the moment). */
  const grants = new Map<ShopAggregates["cur"], ScoreEventFacts["grants"]>();

  for (let k = 0; k < n; k++) {
    const asOf = moments[k]!;
    const change = changes[k]!;
    const cur = items.curAt(change);
    sums.point(change, asOf);
    for (let j = 0; j < windows.length; j++) {
      const w = windowRange(windows[j]!, asOf);
      windowFrom[j] = dayNumber(w.start);
      windowTo[j] = dayNumber(w.end - 1);
    }
    for (let i = 0; i < metrics.length; i++) {
      const m = metrics[i]!;
      if (shop.calendar) limits[i] = limitsFor(m.name, m.def, shop, asOf);
      from[i] = windowFrom[windowOf[i]!]!;
      to[i] = windowTo[windowOf[i]!]!;
      due[i] = 0;
    }
    if (bySlot.size > 0) items.forEachAt(change, (p, deadline) => countDue(p, deadline, metrics, bySlot, limits, from, to, asOf, due));
    for (let p = 0; p < 2; p++) {
      const paced = p === 1;
      if (paced && pace.size === 0) {
        for (let i = 0; i < metrics.length; i++) out.paced[i]![k] = out.roll[i]![k]!;
        out.scorePaced[k] = out.scoreRoll[k]!;
        continue;
      }
      for (let i = 0; i < metrics.length; i++) {
        const m = metrics[i]!;
        const point = measurePoint(m, sums, paced, from[i]!, to[i]!, asOf, cur, due[i]!, limits[i]!, days[k]!);
        (paced ? out.paced : out.roll)[i]![k] = point;
      }
      let total: number | null | undefined;
      if (pack.score) {
        // scoreFactsOfAggregates(pack, asOf, cur, days), its grants made once per `now` record.
        const d = scoreFactsOfAggregates(pack, asOf, NO_CUR, deductions!.at(change, paced ? { pace, now: input.now, asOf } : undefined));
        let facts: ScoreEventFacts | undefined;
        if (d) {
          let g = grants.get(cur);
          if (!g) grants.set(cur, (g = scoreFactsOfAggregates(pack, asOf, cur, NO_DAYS)!.grants));
          facts = { asOf, grants: g, deductions: d.deductions };
        }
        total = scoreTotal(pack, shopKey, readings, withScoreEvents({ shop }, facts).shop.score);
      }
      (paced ? out.scorePaced : out.scoreRoll)[k] = scorePoint(days[k]!, total ?? null, line);
    }
  }
  const index = new Map(metrics.map((m, i) => [m.name, i]));
  const points: ForecastPoints = {
    metric: (name, paced) => (paced ? out.paced : out.roll)[index.get(name)!]!,
    score: (paced) => (paced ? out.scorePaced : out.scoreRoll),
  };
  return points;
};

/**
 * Counts a pending item (with its deadline at the point) for each metric it is due for by asOf within its lead
 * time (measure.ts pendingOf, dueOf): a metric of its slot with it on a day of its window (a dayless one
 * always; a buyer of buyer_reply_rate without a missed round before the window), not on a day its calendar
 * suspends (the deadline's day for a dayless one).
 */
function countDue(
  p: ShopAggregates["pending"][number],
  deadline: number,
  metrics: readonly Metric[],
  bySlot: ReadonlyMap<number, readonly number[]>,
  limits: readonly Limits[],
  from: Float64Array,
  to: Float64Array,
  asOf: number,
  due: Float64Array,
): void {
  const of = bySlot.get(p.metric);
  if (of === undefined) return;
  for (let x = 0; x < of.length; x++) {
    const i = of[x]!;
    const m = metrics[i]!;
    if (m.def.kind === "buyer_reply_rate") {
      if (!(Number(p.extra ?? -1) < from[i]!)) continue;
    } else if (p.day !== undefined && (p.day < from[i]! || p.day > to[i]!)) continue;
    if (m.skip?.(p.day ?? dayNumber(deadline))) continue;
    if (deadline <= asOf + limits[i]!.leadMs) due[i]!++;
  }
}

/** One metric's point on one path: measured as measure.ts measures it, judged as status.ts judges it. */
function measurePoint(
  m: Metric,
  sums: WindowSums,
  paced: boolean,
  from: number,
  to: number,
  asOf: number,
  cur: ShopAggregates["cur"],
  k: number,
  limits: Limits,
  day: string,
): SidedPoint {
  const f = m.fields;
  const skip = m.skip;
  let value: number | null;
  let numerator: number | undefined;
  let denominator: number | undefined;
  /** Measured.due.projected: null when nothing is due (or no value). */
  let projected: number | null = null;
  const def = m.def;
  switch (def.kind) {
    case "reply_consumer_day": {
      const d = sums.sum(f.d, from, to, skip, paced) + (m.xd ? sums.sum(f.xd, from, to, skip, paced) : 0);
      const num = d - sums.sum(f.b, from, to, skip, paced);
      value = ratio(num, d);
      numerator = num;
      denominator = d;
      if (k > 0) projected = ratio(num - k, d);
      break;
    }
    case "aftersale_awaiting_hours": {
      const d = sums.sum(f.d, from, to, skip, paced) + (m.xd ? sums.sum(f.xd, from, to, skip, paced) : 0);
      const hours =
        (sums.sum(f.n, from, to, skip, paced) + sums.sum(f.o, from, to, skip, paced) * asOf - sums.sum(f.s, from, to, skip, paced)) / HOUR;
      value = ratio(hours, d);
      numerator = hours;
      denominator = d;
      break;
    }
    case "delivery_hours":
    case "late_clock_mean":
    case "refund_duration_mean": {
      const d = sums.sum(f.d, from, to, skip, paced) + (m.xd ? sums.sum(f.xd, from, to, skip, paced) : 0);
      const hours = sums.sum(f.n, from, to, skip, paced) / HOUR;
      value = ratio(hours, d);
      numerator = hours;
      denominator = d;
      break;
    }
    case "pickup_rate":
    case "first_response_sessions":
    case "business_time_rate": {
      const num = sums.sum(f.n, from, to, skip, paced);
      const d = sums.sum(f.d, from, to, skip, paced) + (m.xd ? sums.sum(f.xd, from, to, skip, paced) : 0);
      value = ratio(num, d);
      numerator = num;
      denominator = d;
      if (k > 0) projected = ratio(num, d + k);
      break;
    }
    // A pending item counts as its cap (avg_response_seconds) or its imputed value (imputed_response_mean): m.addMs.
    case "avg_response_seconds":
    case "imputed_response_mean": {
      const sumMs = sums.sum(f.n, from, to, skip, paced);
      const d = sums.sum(f.d, from, to, skip, paced) + (m.xd ? sums.sum(f.xd, from, to, skip, paced) : 0);
      value = ratio(sumMs / 1000, d);
      numerator = sumMs / 1000;
      denominator = d;
      if (k > 0) projected = ratio((sumMs + k * m.addMs) / 1000, d + k);
      break;
    }
    case "stalled_shipments":
      value = m.skip?.(dayNumber(asOf)) ? 0 : Number(cur[f.v] ?? 0);
      break;
    case "overdue_refund_count": {
      value = sums.sum(f.v, from, to, skip, paced);
      if (k > 0) projected = value + k;
      break;
    }
    case "paid_order_count":
      value = sums.sum(f.v, from, to, skip, paced);
      break;
    case "buyer_reply_rate": {
      const d = sums.sum(f.d, from, to, skip, paced) + (m.xd ? sums.sum(f.xd, from, to, skip, paced) : 0);
      const good = d - sums.sum(f.b, from, to, skip, paced);
      value = ratio(good, d);
      numerator = good;
      denominator = d;
      if (k > 0) projected = ratio(good - k, d);
      break;
    }
    case "jd_service_score":
      throw new Error("pointsByNumbers: a derived kind is evaluated by pointsByColumns");
    case "rating_share":
    case "dispute_rate":
    case "first_review_rate":
    case "quality_return_rate":
    case "shipping_feedback_rate":
    case "aftersale_rejection_rate":
    case "platform_help_rate":
    case "ever_state_rate":
    case "intervention_rate":
    case "review_score_mean":
    case "rating_score_mean":
    case "escalation_rate":
    case "promise_kept_rate": {
      const num = sums.sum(f.n, from, to, skip, paced);
      const d = sums.sum(f.d, from, to, skip, paced) + (m.xd ? sums.sum(f.xd, from, to, skip, paced) : 0);
      value = ratio(num, d);
      numerator = num;
      denominator = d;
      break;
    }
  }
  const j = judgeStatus(def, limits, value, numerator, denominator, projected);
  const r = m.reading;
  r.numerator = numerator;
  r.denominator = denominator;
  if (j === NO_DATA) {
    r.value = null;
    return { day, value: null, status: "no_data", wrong: null };
  }
  r.value = value;
  const breach = (j & BREACH) !== 0;
  const pastTarget = (j & PAST_TARGET) !== 0;
  const status: MetricStatus = breach ? "breach" : pastTarget || (j & AT_RISK) !== 0 ? "warning" : "ok";
  return { day, value, status, wrong: breach ? BOTH_SIDES : pastTarget ? TARGET_SIDE : NO_SIDE };
}

/**
 * The window sums of one forecast: the stored columns, plus at each point its timed change (day-columns.ts
 * RolledColumns) and, on the paced path, today's pace (PacedColumns), each day's amount made as those make it
 * (in one scratch buffer, overwritten by the next sum), then summed in day order as measure.ts sums.
 */
class WindowSums {
  /** The current point's change: the days it touches and, for each, its fields' amounts. */
  private readonly changeDays: number[] = [];
  private readonly changeFields: ReadonlyMap<string, number>[] = [];
  private asOf = 0;
  private readonly scratch: Float64Array;
  constructor(
    private readonly stored: StoredColumns,
    private readonly range: DayRange,
    private readonly pace: ReadonlyMap<string, number>,
    private readonly now: number,
  ) {
    this.scratch = new Float64Array(range.to - range.from + 1);
  }

  /** Moves to a point: its change and moment. */
  point(change: PointChange, asOf: number): void {
    this.asOf = asOf;
    this.changeDays.length = 0;
    this.changeFields.length = 0;
    // forEach, not for-of over entries: no entry array per day.
    change.agg.forEach((fields, day) => {
      this.changeDays.push(day);
      this.changeFields.push(fields);
    });
  }

  /** Whether the point's change has an amount of `field` (on some day). */
  private changes(field: string): boolean {
    for (let j = 0; j < this.changeFields.length; j++) if (this.changeFields[j]!.has(field)) return true;
    return false;
  }

  sum(field: string, from: number, to: number, skip: ((day: number) => boolean) | undefined, paced: boolean): number {
    const base = this.stored.column(field);
    const changed = this.changes(field);
    const perMs = paced ? this.pace.get(field) : undefined;
    let v: Float64Array;
    if (!changed && perMs === undefined) {
      if (!base) return 0;
      v = base.v;
    } else {
      v = this.scratch;
      if (base) v.set(base.v);
      else v.fill(0);
      const r0 = this.range.from;
      // Each day's change added to its amount (a point's change is one sum per day and field).
      if (changed)
        for (let j = 0; j < this.changeDays.length; j++) {
          const x = this.changeFields[j]!.get(field);
          if (x !== undefined) v[this.changeDays[j]! - r0] = v[this.changeDays[j]! - r0]! + x;
        }
      if (perMs !== undefined) {
        const today = dayNumber(this.now);
        const start = dayStart(this.now);
        for (let d = today; d <= dayNumber(this.asOf); d++) {
          const a = Math.max(this.now, start + (d - today) * DAY);
          const b = start + (d - today + 1) * DAY;
          v[d - r0] = v[d - r0]! + perMs * (b - a);
        }
      }
    }
    // The same amounts added in the same day order as measure.ts (a missing one adds 0, as a missing field does).
    const r0 = this.range.from;
    let total = 0;
    for (let d = from; d <= to; d++) if (!skip?.(d)) total += v[d - r0] ?? 0;
    return total;
  }
}
