import {
  SNAPSHOT_DUE_LIMIT,
  toShanghaiIso,
  type CanonicalEvent,
  type DueItem,
  type DueItemKind,
  type FiringAlert,
  type Platform,
  type ShopSnapshot,
} from "@sg/events";
import { durationMs, packForChoice, type MetricDef, type RulePack } from "@sg/rules";
import { DAY, dayStart, windowRange, type Range } from "./calendar.js";
import { sampleChanges, stricterLines, stricterOf } from "./calendar-entries.js";
import { windowCalendar } from "./calendar-window.js";
import { dayNumber } from "./incremental/contrib.js";
import { DERIVED_KINDS, KINDS } from "./kinds/index.js";
import { buildModel, sortEvents } from "./model.js";
import { addPending, byState, historyExclusions, measureWithout, type HistoryExclusion } from "./history-exclusions.js";
import { computeScores } from "../scores/compute.js";
import { withScoreEvents } from "../scores/score-events.js";
import { scoreEventWakes } from "../scores/adjustments.js";
import { scoreFactsOfEvents } from "./incremental/score-records.js";
import { deriveScoreAlerts } from "../scores/alerts.js";
import { deriveStatus } from "./status.js";
import type { KindFn, Limits, Measured, MetricState, MetricOutput, ShopOverrides } from "./types.js";

/** A firing alert as `replay` lists it (metrics.md "Alerts") and one entry of its `shops` map (events.md): contracts of @sg/events. */
export type { FiringAlert, ShopSnapshot };

export interface ShopEvaluation {
  snapshot: ShopSnapshot;
  states: MetricState[];
  /** The next moment after asOf at which the result can change without a new event. */
  nextWake: number;
  /** Pending items of every metric, soonest deadline first, at most SNAPSHOT_DUE_LIMIT (the board's queue). */
  due: DueItem[];
  /**
   * The shop's exclusions requested and not decided, all of them (the snapshot lists at most 20): the
   * processor's `sg_processor_pending_exclusions` gauge. Absent: none.
   */
  pendingExclusionCount?: number;
}

/** What a pending item of each kind of metric is (the entity its deadline belongs to). */
const DUE_ITEM_OF: Partial<Record<MetricDef["kind"], DueItemKind>> = {
  reply_consumer_day: "consumer",
  avg_response_seconds: "consumer",
  first_response_sessions: "consumer",
  pickup_rate: "order",
  business_time_rate: "aftersale",
  overdue_refund_count: "aftersale",
  imputed_response_mean: "consumer",
  buyer_reply_rate: "consumer",
};

/** The pending items of all metrics, soonest first, bounded (snapshot.ts in @sg/events). */
export function dueItems(states: readonly MetricState[]): DueItem[] {
  const out: DueItem[] = [];
  for (const s of states) {
    const item = DUE_ITEM_OF[s.def.kind];
    if (!item) continue;
    for (const p of s.measured.pendingItems ?? []) out.push({ metric: s.name, item, id: p.id, deadline: p.deadline });
  }
  out.sort(
    (a, b) =>
      a.deadline - b.deadline || (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return out.slice(0, SNAPSHOT_DUE_LIMIT);
}

/**
 * A metric's lines: the shop's override, else the pack's; while a calendar's `stricter` entry is in force on
 * asOf's day, the stricter of that and the entry's (docs/calendars.md item 6).
 */
export function limitsFor(name: string, def: MetricDef, shop: ShopOverrides, asOf?: number): Limits {
  const o = shop.metrics?.[name];
  const lead = o?.leadTime ?? def.leadTime;
  const strict = asOf === undefined ? undefined : stricterLines(shop.calendar, name, dayNumber(asOf));
  return {
    threshold: stricterOf(def.direction, o && o.threshold !== undefined ? o.threshold : def.threshold, strict?.threshold),
    target: stricterOf(def.direction, o && o.target !== undefined ? o.target : def.target, strict?.target),
    leadMs: lead === undefined ? 0 : typeof lead === "number" ? lead : durationMs(lead),
  };
}

function firingAlerts(states: MetricState[]): FiringAlert[] {
  const out: FiringAlert[] = [];
  for (const s of states) {
    const { threshold, target } = s.limits;
    if (threshold === null && target === null) continue;
    const base = { metric: s.name, status: "firing" as const, value: s.output.value, threshold, target };
    if (s.output.status === "breach") out.push({ ...base, kind: "threshold", severity: "critical" });
    else if (s.pastTarget) out.push({ ...base, kind: "threshold", severity: "warning" });
    if (s.atRisk && s.measured.due) {
      out.push({
        ...base,
        kind: "at_risk",
        severity: "warning",
        dueCount: s.measured.due.count,
        soonestDeadline: toShanghaiIso(s.measured.due.soonest),
        projectedValue: s.measured.due.projected,
      });
    }
  }
  return out;
}

/**
 * Computes every metric of the shop's rule pack at `asOf` from the shop's events (any order, duplicates
 * allowed). This is a pure function: the same events and `asOf` always give the same result. It applies the
 * shop's calendar (`shop.calendar`, docs/calendars.md) as engine v2 does: suspensions, extended deadlines,
 * excluded regions, stricter lines and `sample`; and the shop's appeals and exemptions (docs/exclusions.md,
 * history-exclusions.ts): approved ones take their items out, pending ones give `ifApproved` and `pendingExclusions`.
 */
export function evaluateShop(input: {
  platform: Platform;
  shopId: string;
  events: CanonicalEvent[];
  asOf: number;
  shop?: ShopOverrides;
  pack?: RulePack;
}): ShopEvaluation {
  const shop = input.shop ?? {};
  const pack = input.pack ?? packForChoice(input.platform, shop.pack, toShanghaiIso(input.asOf).slice(0, 10));
  const seen = new Set<string>();
  const unique = input.events.filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));
  const model = buildModel(sortEvents(unique), input.asOf);
  // Appeals and exemptions (history-exclusions.ts): each metric measured without the items approved ones take out.
  const exclusions = historyExclusions(unique, input.asOf);
  const run = (approved: readonly HistoryExclusion[]): ShopEvaluation =>
    evaluateMeasured(
      withScoreEvents({ ...input, pack, shop }, scoreFactsOfEvents(pack, input.asOf, unique)),
      ({ name, def, window, limits, others }) => {
        const fn = KINDS[def.kind] as KindFn<MetricDef>;
        // The shop's calendar rides on the window: suspended days, extended deadlines, excluded regions.
        const calendar = windowCalendar(shop.calendar, name, def.kind);
        const w = calendar ? { ...window, calendar } : window;
        return measureWithout(model, name, def, approved, shop, (m) =>
          fn({ name, def, model: m, asOf: input.asOf, window: w, limits, pack, others, shop }),
        );
      },
    );
  const ev = run(byState(exclusions).approved);
  addPending(ev, exclusions, pack, run);
  return ev;
}

/** Whether a sample calendar entry changes the metric in this window (docs/calendars.md item 7). */
function calendarSample(shop: ShopOverrides, name: string, def: MetricDef, window: Range, asOf: number): boolean {
  if (shop.calendar === undefined) return false;
  const today = dayNumber(asOf);
  // A `now` window's items are assessed on asOf's day.
  const from = Number.isFinite(window.start) ? dayNumber(window.start) : today;
  const to = Number.isFinite(window.end) ? dayNumber(window.end - 1) : today;
  return sampleChanges(shop.calendar, name, def.kind, { from, to, asOf: today });
}

/** What a metric's measurement needs besides the shop's state. */
export interface MeasureInput {
  name: string;
  def: MetricDef;
  /** The metric's position in its rule pack. */
  index: number;
  window: Range;
  limits: Limits;
  others: Map<string, MetricState>;
}

/** A pack's metrics: their positions, the pack's order, and the order they are measured in (derived kinds last). */
interface MetricOrder {
  index: ReadonlyMap<string, number>;
  entries: readonly [string, MetricDef][];
  ordered: readonly [string, MetricDef][];
}

/** Per pack object, made once (a pack is never changed): the forecast evaluates a shop 14 times more. */
const metricOrders = new WeakMap<RulePack, MetricOrder>();

function metricOrder(pack: RulePack): MetricOrder {
  let o = metricOrders.get(pack);
  if (!o) {
    const entries = Object.entries(pack.metrics);
    o = {
      index: new Map(Object.keys(pack.metrics).map((n, i) => [n, i])),
      entries,
      ordered: [...entries.filter(([, d]) => !DERIVED_KINDS.has(d.kind)), ...entries.filter(([, d]) => DERIVED_KINDS.has(d.kind))],
    };
    metricOrders.set(pack, o);
  }
  return o;
}

/**
 * Status, headroom, score caps, firing alerts, pending items and the next wake-up from each metric's
 * measurement: shared by the reference engine (evaluateShop, over the full event history) and the
 * incremental one (over per-day aggregates).
 */
export function evaluateMeasured(
  input: { platform: Platform; shopId: string; asOf: number; shop: ShopOverrides; pack: RulePack },
  measure: (m: MeasureInput) => Measured,
  /** Only the metrics' outputs and the score, as the forecast's points read them: no alerts, no due items. */
  outputsOnly = false,
): ShopEvaluation {
  const { pack, shop } = input;
  const { index, entries, ordered } = metricOrder(pack);
  const others = new Map<string, MetricState>();
  // Indexed loops: the forecast evaluates a shop 14 times more (docs/forecast.md "Cost"), no iterator per loop.
  for (let k = 0; k < ordered.length; k++) {
    const [name, def] = ordered[k]!;
    const limits = limitsFor(name, def, shop, input.asOf);
    const window = windowRange(def.window, input.asOf);
    const measured = measure({ name, def, index: index.get(name)!, window, limits, others });
    const d = deriveStatus(def, limits, measured);
    if (calendarSample(shop, name, def, window, input.asOf)) d.output.sample = true;
    others.set(name, { name, def, limits, measured, output: d.output, atRisk: d.atRisk, pastTarget: d.pastTarget });
  }
  // While the dispute rule is breached, the metrics it names carry a score cap (kuaishou@2023-03).
  for (let k = 0; k < ordered.length; k++) {
    const s = others.get(ordered[k]![0])!;
    if (s.def.kind === "dispute_rate" && s.output.status === "breach") {
      for (const capped of s.def.params.capMetrics) {
        const c = others.get(capped);
        if (c) c.output.scoreCap = s.def.params.scoreCap;
      }
    }
  }
  const states = entries.map(([name]) => others.get(name)!);
  const metrics: Record<string, MetricOutput> = {};
  for (const s of states) metrics[s.name] = s.output;
  let nextWake = dayStart(input.asOf) + DAY;
  for (let k = 0; k < states.length; k++) {
    const w = states[k]!.measured.wakeups;
    for (let j = 0; j < w.length; j++) if (w[j]! > input.asOf && w[j]! < nextWake) nextWake = w[j]!;
  }
  for (const w of scoreEventWakes(pack.score, shop.score?.events)) if (w > input.asOf && w < nextWake) nextWake = w;
  const snapshot: ShopSnapshot = {
    platform: input.platform,
    shopId: input.shopId,
    rulePack: pack.id,
    metrics,
    alerts: outputsOnly ? [] : firingAlerts(states),
  };
  const shopKey = `${input.platform}:${input.shopId}`;
  const scores = computeScores({ pack, shopKey, metrics, context: shop.score });
  if (scores) {
    snapshot.scores = scores;
    if (outputsOnly) return { snapshot, states, nextWake, due: [] };
    // Lines, headroom and score alerts: layers over the score, after the metrics' own alerts.
    snapshot.alerts.push(...deriveScoreAlerts({ pack, scores, states, context: shop.score, shopKey, asOf: input.asOf }));
  }
  return {
    snapshot,
    states,
    nextWake,
    due: outputsOnly ? [] : dueItems(states),
  };
}
