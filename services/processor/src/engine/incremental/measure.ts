import { withScoreEvents } from "../../scores/score-events.js";
import { scoreFactsOfAggregates } from "./score-records.js";
import type { Platform } from "@sg/events";
import { durationMs, type RulePack } from "@sg/rules";
import { HOUR, type Range } from "../calendar.js";
import { evaluateMeasured, type MeasureInput, type ShopEvaluation } from "../evaluate.js";
import { dueOf, rateWithPending, ratio } from "../kinds/ratio.js";
import { serviceScore } from "../kinds/service-score.js";
import { buyerRate } from "../kinds/buyer-reply-rate.js";
import { imputedMeasured } from "../kinds/kinds-2026.js";
import type { Measured, ShopOverrides } from "../types.js";
import { suspendedDays } from "../calendar-entries.js";
import { dayNumber } from "./contrib.js";
import { leavesNumeratorOnly } from "./exclusions.js";
import { addIfApproved, approvedView } from "./if-approved.js";
import { pendingExclusions } from "./pending-effects.js";
import { pendingSetOf, sharedPendingOf, type PendingSet } from "./pending-index.js";
import type { StoredRecord } from "./codec.js";

/** One field's amount on each day from `from` (index: day − from); a day outside has none (0). */
export interface DayColumn {
  readonly from: number;
  readonly v: Float64Array;
}

/**
 * Day amounts as numbers, per field (engine/forecast/day-columns.ts); undefined: no day has the field. A
 * column is valid until the next call: an overlay may hand out one buffer for all its columns.
 */
export interface DayAmounts {
  column(field: string): DayColumn | undefined;
}

/** What one evaluation reads of a shop: the aggregates of the window's days, and the pending items. */
export interface ShopAggregates {
  /**
   * Day number → that day's aggregates (`<metric>|<field>` → amount). With `amounts`, only the fields no
   * metric sums need be here (the score's deduction fields, score-records.ts).
   */
  days: Map<number, Record<string, string>>;
  /** The same day aggregates as numbers, read by the metrics' sums instead of `days` (the forecast's points). */
  amounts?: DayAmounts;
  /** `now` aggregates (`<metric>|<field>` → amount). */
  cur: Record<string, string>;
  /** Pending items (contrib.ts `pend`). */
  pending: { metric: number; day: number | undefined; key: string; deadline: number; extra?: string; appealed?: true }[];
  /** The earliest moment at which an entity's contribution changes by itself (a deadline, a stall). */
  nextTimer: number | undefined;
  /** The records of the entities with a pending exclusion, and the pack they are accounted under (pending-effects.ts). */
  appealed?: { records: ReadonlyMap<string, StoredRecord>; pack: RulePack };
}

/** `<slot>|<field>` by slot and field, made once: sums read a handful of fields per metric per evaluation. */
const fieldNames = new Map<number, Map<string, string>>();

function fieldName(slot: number, field: string): string {
  let bySlot = fieldNames.get(slot);
  if (!bySlot) fieldNames.set(slot, (bySlot = new Map<string, string>()));
  let f = bySlot.get(field);
  if (f === undefined) bySlot.set(field, (f = `${slot}|${field}`));
  return f;
}

/** A plain numerator / denominator. */
function plainRatio(num: number, den: number): Measured {
  return { value: ratio(num, den), numerator: num, denominator: den, wakeups: [] };
}

/** The days the evaluation of a pack at `asOf` reads: the widest of its windows. */
export function daysToRead(windows: readonly Range[]): number[] {
  const finite = windows.filter((w) => Number.isFinite(w.start));
  if (finite.length === 0) return [];
  const from = Math.min(...finite.map((w) => dayNumber(w.start)));
  const to = Math.max(...finite.map((w) => dayNumber(w.end - 1)));
  const out: number[] = [];
  for (let d = from; d <= to; d++) out.push(d);
  return out;
}

/**
 * Evaluates a shop from its aggregates (architecture.md "Bounded state, bounded work"): the work is bounded
 * by the window's days and the pending items, never by the number of events. Status, alerts and the
 * rest come from the same code as the reference engine's (evaluateMeasured).
 */
/** The evaluation of an approved view: no `ifApproved` of its own (it has no pending exclusion left). */
function evaluateMeasuredView(
  input: Parameters<typeof evaluateAggregates>[0],
  view: ShopAggregates,
  slots?: ReadonlyMap<string, number>,
): ShopEvaluation {
  const { appealed: _records, ...rest } = view;
  return evaluateAggregates(input, { ...rest, cur: { ...view.cur, "all|pe": "0" } }, slots);
}

/** What evaluateAggregates evaluates: the shop, its pack and the moment. */
interface AggregatesInput {
  platform: Platform;
  shopId: string;
  asOf: number;
  shop: ShopOverrides;
  pack: RulePack;
  /** Only the metrics' outputs and the score (the forecast's points): no alerts, no due items (evaluateMeasured). */
  outputsOnly?: boolean;
}

/**
 * One evaluation's reads of the aggregates: methods rather than closures made per evaluation, as the forecast
 * evaluates a shop 14 times more (docs/forecast.md "Cost").
 */
class AggregateReads {
  /** Per slot, the days the calendar suspends its metric (calendar-entries.ts): they contribute nothing. */
  private readonly suspended = new Map<number, (day: number) => boolean>();
  constructor(
    private readonly input: AggregatesInput,
    private readonly a: ShopAggregates,
    private readonly slots: ReadonlyMap<string, number> | undefined,
  ) {}

  sum(metric: number, field: string, window: Range): number {
    const f = fieldName(metric, field);
    const skip = this.suspended.get(metric);
    let total = 0;
    const last = dayNumber(window.end - 1);
    if (this.a.amounts) {
      // The same amounts added in the same day order (a missing one adds 0, as a missing field does).
      const c = this.a.amounts.column(f);
      if (c) for (let d = dayNumber(window.start); d <= last; d++) if (!skip?.(d)) total += c.v[d - c.from] ?? 0;
      return total;
    }
    for (let d = dayNumber(window.start); d <= last; d++) if (!skip?.(d)) total += Number(this.a.days.get(d)?.[f] ?? 0);
    return total;
  }

  /** A pending item counts on its day, or, without one, on its deadline's day (where it counts if it turns bad). */
  pendingLeft(metric: number): (p: ShopAggregates["pending"][number]) => boolean {
    const skip = this.suspended.get(metric);
    return (p: ShopAggregates["pending"][number]) => !skip?.(p.day ?? dayNumber(p.deadline));
  }

  /**
   * A metric's pending items in the window. The forecast's points (outputsOnly) share them between evaluations
   * of the same pending array (pending-index.ts): they read them, never change them.
   */
  pendingOf(metric: number, window: Range): PendingSet {
    const from = dayNumber(window.start);
    const to = dayNumber(window.end - 1);
    if (this.input.outputsOnly) return sharedPendingOf(this.a.pending, metric, from, to, this.suspended.get(metric));
    return pendingSetOf(
      this.a.pending
        .filter((p) => p.metric === metric && (p.day === undefined || (p.day >= from && p.day <= to)))
        .filter(this.pendingLeft(metric))
        .map((p) => ({ id: p.key.slice(2), deadline: p.deadline })),
    );
  }

  /** The window's amounts of field `n` of the metric at slot i. */
  numOf(i: number, window: Range): number {
    return this.sum(i, "n", window);
  }

  /** The window's denominator: an approved exclusion of a metric whose exclusions leave the numerator only keeps its item in it (exclusions.ts). */
  denOf(i: number, window: Range, name: string, def: MeasureInput["def"]): number {
    return this.sum(i, "d", window) + (leavesNumeratorOnly(def, this.input.shop.metrics?.[name]) ? this.sum(i, "xd", window) : 0);
  }

  /** One metric's measurement from the aggregates (evaluateMeasured's `measure`). */
  measure({ name, def, index, window, limits, others }: MeasureInput): Measured {
    const { asOf } = this.input;
    const i = this.slots?.get(name) ?? index;
    const skip = suspendedDays(this.input.shop.calendar, name, def.kind);
    if (skip) this.suspended.set(i, skip);
    else this.suspended.delete(i);
    switch (def.kind) {
      case "reply_consumer_day": {
        const den = this.denOf(i, window, name, def);
        const num = den - this.sum(i, "b", window);
        const p = this.pendingOf(i, window);
        return {
          value: ratio(num, den),
          numerator: num,
          denominator: den,
          pending: p.items.length,
          pendingItems: p.items,
          due: dueOf(p.deadlines, asOf, limits.leadMs, (k) => ratio(num - k, den)),
          wakeups: p.wakeups(limits.leadMs),
        };
      }
      case "aftersale_awaiting_hours": {
        const den = this.denOf(i, window, name, def);
        const hours = (this.numOf(i, window) + this.sum(i, "o", window) * asOf - this.sum(i, "s", window)) / HOUR;
        return { value: ratio(hours, den), numerator: hours, denominator: den, wakeups: [] };
      }
      case "delivery_hours": {
        const den = this.denOf(i, window, name, def);
        const hours = this.numOf(i, window) / HOUR;
        return { value: ratio(hours, den), numerator: hours, denominator: den, wakeups: [] };
      }
      case "pickup_rate":
      case "first_response_sessions":
      case "business_time_rate": {
        const p = this.pendingOf(i, window);
        return rateWithPending(
          this.numOf(i, window),
          this.denOf(i, window, name, def),
          p.items,
          asOf,
          limits.leadMs,
          p.deadlines,
          p.wakeups(limits.leadMs),
        );
      }
      case "avg_response_seconds": {
        const sumMs = this.numOf(i, window);
        const den = this.denOf(i, window, name, def);
        const capMs = durationMs(def.params.cap);
        const p = this.pendingOf(i, window);
        return {
          value: ratio(sumMs / 1000, den),
          numerator: sumMs / 1000,
          denominator: den,
          pending: p.items.length,
          pendingItems: p.items,
          due: dueOf(p.deadlines, asOf, limits.leadMs, (k) => ratio((sumMs + k * capMs) / 1000, den + k)),
          wakeups: p.wakeups(limits.leadMs),
        };
      }
      case "stalled_shipments":
        // A `now` count: its items are assessed at asOf, so a suspension of asOf's day leaves them all out.
        return { value: this.suspended.get(i)?.(dayNumber(asOf)) ? 0 : Number(this.a.cur[`${i}|v`] ?? 0), wakeups: [] };
      case "overdue_refund_count": {
        const value = this.sum(i, "v", window);
        const p = this.pendingOf(i, window);
        return {
          value,
          pending: p.items.length,
          pendingItems: p.items,
          due: dueOf(p.deadlines, asOf, limits.leadMs, (k) => value + k),
          wakeups: p.wakeups(limits.leadMs),
        };
      }
      case "jd_service_score":
        return serviceScore(def, others, this.input.shop, this.sum(i, "b", window));
      case "late_clock_mean":
      case "refund_duration_mean": {
        const den = this.denOf(i, window, name, def);
        const hours = this.numOf(i, window) / HOUR;
        return { value: ratio(hours, den), numerator: hours, denominator: den, wakeups: [] };
      }
      case "imputed_response_mean": {
        const p = this.pendingOf(i, window);
        return imputedMeasured(
          this.numOf(i, window),
          this.denOf(i, window, name, def),
          p.items,
          def,
          asOf,
          limits.leadMs,
          p.deadlines,
          p.wakeups(limits.leadMs),
        );
      }
      case "paid_order_count":
        return { value: this.sum(i, "v", window), wakeups: [] };
      case "buyer_reply_rate": {
        const den = this.denOf(i, window, name, def);
        const first = dayNumber(window.start);
        // A buyer with a missed round in the window is bad already, not pending.
        const items = this.a.pending
          .filter((p) => p.metric === i && Number(p.extra ?? -1) < first)
          .filter(this.pendingLeft(i))
          .map((p) => ({ id: p.key.slice(2), deadline: p.deadline }));
        return buyerRate(den - this.sum(i, "b", window), den, items, asOf, limits.leadMs);
      }
      // Plain numerator / denominator of the window's days.
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
      case "promise_kept_rate":
        return plainRatio(this.numOf(i, window), this.denOf(i, window, name, def));
    }
  }
}

export function evaluateAggregates(
  input: AggregatesInput,
  a: ShopAggregates,
  /** Where each metric of the pack sits in the aggregates (accounting.ts); absent: its position in the pack. */
  slots?: ReadonlyMap<string, number>,
): ShopEvaluation {
  const { asOf } = input;
  const reads = new AggregateReads(input, a, slots);
  const ev = evaluateMeasured(
    withScoreEvents(input, scoreFactsOfAggregates(input.pack, asOf, a.cur, a.days)),
    (m) => reads.measure(m),
    input.outputsOnly,
  );
  if (a.nextTimer !== undefined && a.nextTimer > asOf && a.nextTimer < ev.nextWake) ev.nextWake = a.nextTimer;
  // Should every pending exclusion be approved (if-approved.ts): the same evaluation on the approved view.
  // Only the shop's evaluation itself, which reads the appealed entities' records: not the forecast's evaluations
  // of the days ahead, nor the approved views below.
  const view = a.appealed ? approvedView(a) : undefined;
  if (view) {
    addIfApproved(ev, evaluateMeasuredView(input, view, slots), a, input.pack, slots);
    const listed = pendingExclusions(ev, a, input.pack, (x) => evaluateMeasuredView(input, x, slots), input.shop.calendar);
    if (listed) ev.snapshot.pendingExclusions = listed;
  }
  return ev;
}
