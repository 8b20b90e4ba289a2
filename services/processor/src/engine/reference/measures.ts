import { toMillis, type DueItemKind } from "@sg/events";
import { durationMs, hhmmMinutes, type DefOf, type MetricKind } from "@sg/rules";
import { dayStart } from "../calendar.js";
import type { AssessedWindow } from "./calendar-rules.js";
import { awaitingMerchantMs, businessDeadline, businessHours, businessMs, merchantWaits } from "./aftersale-rules.js";
import { sessionsOf, waitsOf } from "./chat-rules.js";
import { all, first, last, orderOfAftersale, sessionOut, type Fact, type ShopFacts } from "./facts.js";
import { buyers, escalations, imputedRounds, lateClock, paidOrders, promisesKept, refundDurations, reviewScores } from "./rules-2026.js";

/**
 * What each metric kind of metrics.md counts, restated from the spec on the shop's facts. One entry per kind
 * (an exhaustive record: a new kind does not compile until it is here). Status, headroom and alerts are
 * derived from these in judge.ts.
 */

/** An item whose outcome is not known yet: its entity and its deadline. */
export interface Pending {
  item: DueItemKind;
  id: string;
  deadline: number;
}

export interface Measurement {
  value: number | null;
  numerator?: number;
  denominator?: number;
  /** Items with a deadline still ahead; reported as `pending` (their count) where the metric has deadlines. */
  pending?: Pending[];
  /** The value if `k` of the pending items turned out bad (for at-risk). */
  ifBad?: (k: number) => number | null;
  /** Other moments after asOf at which the value changes by itself (a shipment becoming stalled). */
  changesAt?: number[];
  tier?: string;
  penalty?: number;
}

export interface MeasureContext {
  facts: ShopFacts;
  asOf: number;
  window: AssessedWindow;
  /** Outputs and effective targets of the pack's other metrics (for service_score, measured last). */
  others: Map<string, { value: number | null; denominator?: number; target: number | null }>;
  jdServiceNorms?: number;
}

type Measure<K extends MetricKind> = (def: DefOf<K>, ctx: MeasureContext) => Measurement;

const HOUR = 3_600_000;

/** In the window, and not on a day the calendar suspends (calendar-rules.ts). */
const inWindow = (t: number | undefined, w: AssessedWindow): t is number =>
  t !== undefined && t >= w.start && t < w.end && w.suspended?.(t) !== true;
/** The deadline of an item whose wait opens at `open`: the calendar's extension, else the pack's `base` (ms). */
const deadlineOf = (w: AssessedWindow, open: number, base: number, kind?: string): number => w.deadline?.(open, base, kind) ?? base;
/** An order whose payment names a region the calendar excludes on the day it counts (`t`). */
const excludedRegion = (w: AssessedWindow, t: number, paid: Fact): boolean => {
  const e = paid.event as { shipFromRegion?: string; shipToRegion?: string };
  return w.regionExcluded?.(t, e.shipFromRegion, e.shipToRegion) === true;
};
function inHours(t: number, [from, to]: readonly [string, string]): boolean {
  const minute = (t - dayStart(t)) / 60_000;
  return minute >= hhmmMinutes(from) && minute < hhmmMinutes(to);
}
const share = (numerator: number, denominator: number): number | null => (denominator === 0 ? null : numerator / denominator);

/** In-stock (现货): an order paid as neither presale, custom nor noShipment. */
function inStock(paid: Fact): boolean {
  const e = paid.event as { presale?: boolean; custom?: boolean; noShipment?: boolean };
  return e.presale !== true && e.custom !== true && e.noShipment !== true;
}

/** The after-sales of each order (by the order their first request names). */
function aftersalesByOrder(facts: ShopFacts): Map<string, Fact[][]> {
  const out = new Map<string, Fact[][]>();
  for (const list of facts.aftersales.values()) {
    const orderId = orderOfAftersale(list);
    if (orderId === undefined) continue;
    out.set(orderId, [...(out.get(orderId) ?? []), list]);
  }
  return out;
}

function ratedCounts(ctx: MeasureContext, scale: readonly string[], good: readonly string[], hours?: readonly [string, string]) {
  let numerator = 0;
  let denominator = 0;
  for (const [consumerId, list] of ctx.facts.consumers) {
    for (const r of all(list, "chat.rated")) {
      const card = toMillis(r.event.cardSentAt);
      if (r.event.robot === true || !inWindow(card, ctx.window) || sessionOut(ctx.facts, consumerId, card)) continue;
      if (hours && !inHours(card, hours)) continue;
      if (!scale.includes(r.event.rating)) continue;
      denominator++;
      if (good.includes(r.event.rating)) numerator++;
    }
  }
  return { numerator, denominator };
}

const liableRuling = (list: readonly Fact[], liable: readonly string[]): boolean => {
  const ruling = last(list, "aftersale.arbitrated");
  return ruling !== undefined && liable.includes(ruling.event.liability);
};

/** A mean of waits in seconds; an item pending now that turns bad adds `badMs` (the cap, or the imputed value). */
function meanSeconds(sumMs: number, n: number, pending: Pending[], badMs: number): Measurement {
  return {
    value: share(sumMs / 1000, n),
    numerator: sumMs / 1000,
    denominator: n,
    pending,
    ifBad: (k) => share((sumMs + k * badMs) / 1000, n + k),
  };
}

/** A good/all ratio whose pending items, once bad, add to the denominator only. */
function goodShare(numerator: number, denominator: number, pending: Pending[]): Measurement {
  return { value: share(numerator, denominator), numerator, denominator, pending, ifBad: (k) => share(numerator, denominator + k) };
}

export const MEASURES: { [K in MetricKind]: Measure<K> } = {
  reply_consumer_day(def, { facts, asOf, window }) {
    const base = durationMs(def.params.deadline);
    const deadline = (open: number) => deadlineOf(window, open, base);
    let denominator = 0;
    let missed = 0;
    const pending: Pending[] = [];
    for (const [consumerId, list] of facts.consumers) {
      const counted = waitsOf(list).filter((w) => inWindow(w.open, window) && inHours(w.open, def.params.serviceHours));
      if (counted.length === 0) continue;
      denominator++;
      // Missed: not ended `deadline` after it opened (answered later, or unanswered with the deadline passed).
      const isMissed = (w: { open: number; end?: number }) =>
        w.end === undefined ? w.open + deadline(w.open) <= asOf : w.end > w.open + deadline(w.open);
      if (counted.some(isMissed)) {
        missed++;
        continue;
      }
      const open = counted.filter((w) => w.end === undefined).map((w) => w.open + deadline(w.open));
      if (open.length > 0) pending.push({ item: "consumer", id: consumerId, deadline: Math.min(...open) });
    }
    const numerator = denominator - missed;
    return { value: share(numerator, denominator), numerator, denominator, pending, ifBad: (k) => share(numerator - k, denominator) };
  },

  rating_share(def, ctx) {
    const { numerator, denominator } = ratedCounts(ctx, def.params.ratings, def.params.good, def.params.serviceHours);
    return { value: share(numerator, denominator), numerator, denominator };
  },

  aftersale_awaiting_hours(def, { facts, asOf, window }) {
    let sumMs = 0;
    let n = 0;
    for (const list of facts.aftersales.values()) {
      const request = first(list, "aftersale.requested");
      if (!request || !(def.params.kinds as readonly string[]).includes(request.event.kind)) continue;
      if (!inWindow(first(list, "aftersale.completed")?.at, window)) continue;
      if (!def.params.includeIntervened && first(list, "aftersale.platform_intervened")) continue;
      sumMs += awaitingMerchantMs(list, asOf);
      n++;
    }
    return { value: share(sumMs / HOUR, n), numerator: sumMs / HOUR, denominator: n };
  },

  dispute_rate(def, { facts, window }) {
    let numerator = 0;
    let denominator = 0;
    for (const list of facts.aftersales.values()) {
      if (!inWindow(first(list, "aftersale.completed")?.at, window)) continue;
      denominator++;
      if (liableRuling(list, def.params.liable)) numerator++;
    }
    return { value: share(numerator, denominator), numerator, denominator };
  },

  first_review_rate(def, { facts, window }) {
    let numerator = 0;
    let denominator = 0;
    for (const list of facts.orders.values()) {
      if (inWindow(first(list, "logistics.signed")?.at, window)) denominator++;
      const review = first(list, "review.posted");
      if (review && review.event.rating === def.params.rating && inWindow(review.at, window)) numerator++;
    }
    return { value: share(numerator, denominator), numerator, denominator };
  },

  quality_return_rate(def, { facts, window }) {
    const byOrder = aftersalesByOrder(facts);
    let numerator = 0;
    let denominator = 0;
    for (const [orderId, list] of facts.orders) {
      if (!inWindow(first(list, "logistics.signed")?.at, window)) continue;
      denominator++;
      const requests = (byOrder.get(orderId) ?? []).map((a) => first(a, "aftersale.requested")!);
      requests.sort((a, b) => a.at - b.at || (a.event.id < b.event.id ? -1 : 1));
      const firstRequest = requests[0]?.event;
      if (!firstRequest) continue;
      const kindCounts =
        (def.params.kinds as readonly string[]).includes(firstRequest.kind) &&
        (firstRequest.kind !== "refund_only" || !def.params.refundOnlyAfterShipmentOnly || firstRequest.afterShipment);
      if (kindCounts && def.params.reasons.includes(firstRequest.reason)) numerator++;
    }
    return { value: share(numerator, denominator), numerator, denominator };
  },

  pickup_rate(def, { facts, asOf, window }) {
    const within = durationMs(def.params.deadline);
    let numerator = 0;
    let denominator = 0;
    const pending: Pending[] = [];
    for (const [orderId, list] of facts.orders) {
      const paid = first(list, "order.paid");
      if (!paid || !inStock(paid)) continue;
      const deadline = paid.at + deadlineOf(window, paid.at, within);
      const pickup = first(list, "logistics.picked_up")?.at;
      const cancel = first(list, "order.cancelled")?.at;
      const cancelledFirst = cancel !== undefined && cancel < deadline && (pickup === undefined || cancel < pickup);
      if (cancelledFirst) continue;
      // Left out by an excluded region on the day it counts: its pickup in time, else its deadline.
      if (excludedRegion(window, pickup !== undefined && pickup <= deadline ? pickup : deadline, paid)) continue;
      if (pickup !== undefined && pickup <= deadline) {
        if (inWindow(pickup, window)) {
          numerator++;
          denominator++;
        }
      } else if (deadline <= asOf) {
        if (inWindow(deadline, window)) denominator++;
      } else if (window.suspended?.(deadline) !== true) pending.push({ item: "order", id: orderId, deadline });
    }
    return goodShare(numerator, denominator, pending);
  },

  delivery_hours(_def, { facts, window }) {
    let sumMs = 0;
    let n = 0;
    for (const list of facts.orders.values()) {
      const signed = first(list, "logistics.signed")?.at;
      const pickup = first(list, "logistics.picked_up")?.at;
      if (!inWindow(signed, window) || pickup === undefined) continue;
      const paid = first(list, "order.paid");
      if (paid && excludedRegion(window, signed, paid)) continue;
      sumMs += signed - pickup;
      n++;
    }
    return { value: share(sumMs / HOUR, n), numerator: sumMs / HOUR, denominator: n };
  },

  shipping_feedback_rate(def, { facts, window }) {
    const grace = durationMs(def.params.presaleGrace);
    let numerator = 0;
    let denominator = 0;
    for (const list of facts.orders.values()) {
      const paid = first(list, "order.paid");
      if (!paid || !inWindow(paid.at, window)) continue;
      denominator++;
      const promised = paid.event.promisedShipBy === undefined ? undefined : toMillis(paid.event.promisedShipBy);
      const counted = all(list, "feedback.posted").some(({ at, event }) => {
        if (event.issue !== "shipping") return false;
        if (event.reason !== "slow_shipping") return true;
        if (inStock(paid) && promised !== undefined && at <= promised) return false;
        if (paid.event.presale === true && at <= paid.at + grace) return false;
        return true;
      });
      if (counted) numerator++;
    }
    return { value: share(numerator, denominator), numerator, denominator };
  },

  aftersale_rejection_rate(def, { facts, window }) {
    let numerator = 0;
    let denominator = 0;
    for (const list of aftersalesByOrder(facts).values()) {
      const valid = list.filter((a) => {
        const request = first(a, "aftersale.requested")!;
        if (!request.event.afterShipment) return false;
        const cancel = first(a, "aftersale.cancelled");
        if (cancel && !all(a, "aftersale.merchant_acted").some((x) => x.at <= cancel.at)) return false;
        const refused = last(a, "aftersale.merchant_acted")?.event.decision === "refuse";
        if (request.event.overdueEntry === true && refused && !liableRuling(a, def.params.liable)) return false;
        return true;
      });
      if (valid.length === 0) continue;
      // The order's last valid after-sale by request time (ties: the later id) decides.
      const requestOf = (a: Fact[]) => first(a, "aftersale.requested")!;
      const deciding = valid.reduce((best, a) => {
        const x = requestOf(a);
        const y = requestOf(best);
        return x.at > y.at || (x.at === y.at && x.event.id > y.event.id) ? a : best;
      });
      if (!inWindow(first(deciding, "aftersale.completed")?.at, window)) continue;
      denominator++;
      if (last(deciding, "aftersale.merchant_acted")?.event.decision === "refuse") numerator++;
    }
    return { value: share(numerator, denominator), numerator, denominator };
  },

  platform_help_rate(def, { facts, window }) {
    const byOrder = aftersalesByOrder(facts);
    let numerator = 0;
    let denominator = 0;
    for (const [orderId, list] of facts.orders) {
      if (!inWindow(first(list, "order.paid")?.at, window)) continue;
      denominator++;
      const complained = first(list, "complaint.filed") !== undefined;
      if (complained || (byOrder.get(orderId) ?? []).some((a) => liableRuling(a, def.params.liable))) numerator++;
    }
    return { value: share(numerator, denominator), numerator, denominator };
  },

  avg_response_seconds(def, { facts, asOf, window }) {
    const cap = durationMs(def.params.cap);
    let sumMs = 0;
    let n = 0;
    const pending: Pending[] = [];
    for (const [consumerId, list] of facts.consumers) {
      for (const w of waitsOf(list)) {
        if (!inWindow(w.open, window) || !inHours(w.open, def.params.serviceHours)) continue;
        if (sessionOut(facts, consumerId, w.open)) continue;
        if (w.end === undefined && w.open + cap > asOf) {
          pending.push({ item: "consumer", id: consumerId, deadline: w.open + cap });
          continue;
        }
        sumMs += Math.min((w.end ?? asOf) - w.open, cap);
        n++;
      }
    }
    return meanSeconds(sumMs, n, pending, cap);
  },

  stalled_shipments(def, { facts, asOf, window }) {
    // Shipments stalled now are assessed now: none while asOf's day is suspended.
    if (window.suspended?.(asOf) === true) return { value: 0 };
    const after = durationMs(def.params.stallAfter);
    let value = 0;
    const changesAt: number[] = [];
    for (const list of facts.orders.values()) {
      if (!first(list, "logistics.picked_up") || first(list, "logistics.signed")) continue;
      const track = Math.max(
        ...list.filter((f) => f.event.type === "logistics.picked_up" || f.event.type === "logistics.updated").map((f) => f.at),
      );
      if (asOf - track >= after) value++;
      else changesAt.push(track + after);
    }
    return { value, changesAt };
  },

  first_response_sessions(def, { facts, asOf, window }) {
    const gap = durationMs(def.params.sessionGap);
    const base = durationMs(def.params.responseWithin);
    const within = (open: number) => deadlineOf(window, open, base);
    let numerator = 0;
    let denominator = 0;
    const pending: Pending[] = [];
    for (const [consumerId, list] of facts.consumers) {
      for (const s of sessionsOf(list, gap, within)) {
        if (!inWindow(s.open, window) || !inHours(s.open, def.params.serviceHours)) continue;
        if (sessionOut(facts, consumerId, s.open)) continue;
        if (s.answeredWithin) {
          numerator++;
          denominator++;
        } else if (s.open + within(s.open) <= asOf) denominator++;
        else pending.push({ item: "consumer", id: consumerId, deadline: s.open + within(s.open) });
      }
    }
    return goodShare(numerator, denominator, pending);
  },

  business_time_rate(def, { facts, asOf, window }) {
    const hours = businessHours(def.params.businessHours);
    const base = durationMs(def.params.limit);
    let numerator = 0;
    let denominator = 0;
    const pending: Pending[] = [];
    for (const [afterSaleId, list] of facts.aftersales) {
      const start =
        def.params.from === "requested" ? first(list, "aftersale.requested")?.at : first(list, "aftersale.ready_for_processing")?.at;
      if (start === undefined) continue;
      const limit = deadlineOf(window, start, base, first(list, "aftersale.requested")?.event.kind);
      const end =
        def.params.to === "first_merchant_acted" ? first(list, "aftersale.merchant_acted")?.at : first(list, "aftersale.processed")?.at;
      if (end === undefined) {
        const deadline = businessDeadline(start, limit, hours);
        // Pending until its deadline, where it would count if bad: a suspended deadline's day leaves it out.
        if (deadline > asOf && window.suspended?.(deadline) !== true) pending.push({ item: "aftersale", id: afterSaleId, deadline });
        continue;
      }
      if (!inWindow(end, window)) continue;
      denominator++;
      if (businessMs(start, end, hours) <= limit) numerator++;
    }
    return goodShare(numerator, denominator, pending);
  },

  ever_state_rate(_def, { facts, window }) {
    let numerator = 0;
    let denominator = 0;
    for (const list of facts.aftersales.values()) {
      if (!inWindow(first(list, "aftersale.merchant_acted")?.at, window)) continue;
      denominator++;
      if (first(list, "aftersale.awaiting_customer")) numerator++;
    }
    return { value: share(numerator, denominator), numerator, denominator };
  },

  jd_service_score(def, ctx) {
    const p = def.params;
    const short = (metric: string): number => {
      const m = ctx.others.get(metric);
      if (!m || m.value === null || m.target === null || m.value >= m.target) return 0;
      // (0.9 − 0.85) × 100 is 5.000000000000004 in binary floating point; the rule means 5.
      return Math.ceil((m.target - m.value) * 100 - 1e-9);
    };
    const ratings = ctx.others.get(p.satisfaction.metric)?.denominator ?? 0;
    const satisfaction =
      ratings > p.satisfaction.manyRatings
        ? p.satisfaction.points - p.satisfaction.perPointShort * short(p.satisfaction.metric)
        : p.satisfaction.points - ratedCounts(ctx, p.satisfaction.badRatings, []).denominator;
    const review = p.review.points - p.review.perPointShort * short(p.review.metric);
    const processing = p.process.points - p.process.perPointShort * short(p.process.metric);
    const norms = ctx.jdServiceNorms ?? p.norms.points;
    const awaiting = ctx.others.get(p.awaitingFeedback.metric);
    const deduct = awaiting && awaiting.value !== null && awaiting.target !== null && awaiting.value > awaiting.target;
    const components = [satisfaction, review, processing, norms].map((c) => Math.max(0, c));
    const value = Math.max(0, components.reduce((a, b) => a + b, 0) - (deduct ? p.awaitingFeedback.deduction : 0));
    const tier = p.tiers.find((t) => value >= t.min)?.tier ?? p.tiers[p.tiers.length - 1]!.tier;
    const penalty = p.penalties.find((t) => value >= t.min)?.penalty ?? p.penalties[p.penalties.length - 1]!.penalty;
    return { value, tier, penalty };
  },

  overdue_refund_count(def, { facts, asOf, window }) {
    const within = durationMs(def.params.deadline);
    let value = 0;
    const pending: Pending[] = [];
    for (const [afterSaleId, list] of facts.aftersales) {
      const firstWait = merchantWaits(list)[0];
      if (!firstWait) continue;
      const deadline = firstWait.open + deadlineOf(window, firstWait.open, within, first(list, "aftersale.requested")?.event.kind);
      if (firstWait.end !== undefined ? firstWait.end > deadline : deadline <= asOf) {
        if (inWindow(dayStart(deadline), window)) value++;
      } else if (firstWait.end === undefined && window.suspended?.(deadline) !== true)
        pending.push({ item: "aftersale", id: afterSaleId, deadline });
    }
    return { value, pending, ifBad: (k) => value + k };
  },

  intervention_rate(_def, { facts, window }) {
    const byOrder = aftersalesByOrder(facts);
    let numerator = 0;
    let denominator = 0;
    for (const [orderId, list] of facts.orders) {
      if (!inWindow(first(list, "order.paid")?.at, window)) continue;
      denominator++;
      if ((byOrder.get(orderId) ?? []).some((a) => first(a, "aftersale.platform_intervened"))) numerator++;
    }
    return { value: share(numerator, denominator), numerator, denominator };
  },

  review_score_mean(_def, { facts, window }) {
    const { sum, n } = reviewScores(facts, window);
    return { value: share(sum, n), numerator: sum, denominator: n };
  },

  late_clock_mean(def, { facts, window }) {
    const { sum, n } = lateClock(def, facts, window);
    return { value: share(sum / HOUR, n), numerator: sum / HOUR, denominator: n };
  },

  imputed_response_mean(def, { facts, asOf, window }) {
    const imputed = durationMs(def.params.unanswered);
    let sumMs = 0;
    let n = 0;
    const pending: Pending[] = [];
    for (const r of imputedRounds(def, facts, asOf, window)) {
      if (r.ms === undefined) pending.push({ item: "consumer", id: r.consumerId, deadline: r.deadline });
      else {
        sumMs += r.ms;
        n++;
      }
    }
    return meanSeconds(sumMs, n, pending, imputed);
  },

  escalation_rate(def, { facts, window }) {
    const { escalated, n } = escalations(def, facts, window);
    return { value: share(escalated, n), numerator: escalated, denominator: n };
  },

  paid_order_count(_def, { facts, window }) {
    return { value: paidOrders(facts, window) };
  },

  promise_kept_rate(_def, { facts, window }) {
    const { kept, n } = promisesKept(facts, window);
    return { value: share(kept, n), numerator: kept, denominator: n };
  },

  buyer_reply_rate(def, { facts, asOf, window }) {
    const b = buyers(def, facts, asOf, window);
    const good = b.n - b.bad;
    return {
      value: share(good, b.n),
      numerator: good,
      denominator: b.n,
      pending: b.pending.map((p) => ({ item: "consumer" as const, id: p.consumerId, deadline: p.deadline })),
      ifBad: (k) => share(good - k, b.n),
    };
  },

  // 售后评价得分 (rules-2026.md, JD): each human rating sent in the window scores its level's points; the mean.
  rating_score_mean(def, { facts, window }) {
    let sum = 0;
    let n = 0;
    for (const [consumerId, list] of facts.consumers) {
      for (const r of all(list, "chat.rated")) {
        if (r.event.robot === true || !inWindow(toMillis(r.event.cardSentAt), window)) continue;
        if (sessionOut(facts, consumerId, toMillis(r.event.cardSentAt))) continue;
        if (!Object.hasOwn(def.params.scores, r.event.rating)) continue;
        sum += def.params.scores[r.event.rating]!;
        n++;
      }
    }
    return { value: share(sum, n), numerator: sum, denominator: n };
  },

  refund_duration_mean(def, { facts, window }) {
    const { sum, n } = refundDurations(def, facts, window);
    return { value: share(sum / HOUR, n), numerator: sum / HOUR, denominator: n };
  },
};
