import { durationMs, type DefOf } from "@sg/rules";
import { DAY, MINUTE, dailyHours, dayStart, inHours, minuteOfDay, type DailyHours } from "../calendar.js";
import { humanStages, waits } from "../chat.js";
import type { AftersaleFacts, ConsumerFacts, OrderFacts } from "../model.js";

/**
 * What one order, after-sale or consumer counts for the kinds of the 2026 rules (rules-2026.md), item by
 * item: the pure engine (kinds/*-2026.ts) sums the items of the window, engine v2 (incremental/contrib.ts)
 * adds them to the day of `at`. One statement of each rule, so the two cannot drift.
 */

/** A counted item: on the day of `at`, `value` adds to the numerator and 1 to the denominator. */
export interface MeanItem {
  at: number;
  value: number;
}

/** A yes/no item on the day of `at`. */
export interface RateItem {
  at: number;
  hit: boolean;
}

/**
 * Where a clock starts for an item opened at `start` (rules-2026.md: "paid 18:00–06:00 starts its clock at
 * 06:00", "a request made 23:00–08:00 starts its clock at 08:00"): inside the daily span `[from, to)`, which
 * may wrap midnight, the clock starts at the span's end; anywhere else at `start`.
 */
export function lateClockStart(start: number, span: DailyHours): number {
  const m = minuteOfDay(start);
  const inside = span.from <= span.to ? m >= span.from && m < span.to : m >= span.from || m < span.to;
  if (!inside) return start;
  const endToday = dayStart(start) + span.to * MINUTE;
  return start < endToday ? endToday : endToday + DAY;
}

/** `late_clock_mean` of an order (paid → first pickup), on the pickup's day; none until picked up. */
export function orderClockItem(o: OrderFacts, def: DefOf<"late_clock_mean">): MeanItem | undefined {
  if (def.params.from !== "paid" || o.paidAt === undefined || o.pickedUpAt === undefined) return undefined;
  const start = lateClockStart(o.paidAt, dailyHours(def.params.lateStart));
  return { at: o.pickedUpAt, value: Math.max(0, o.pickedUpAt - start) };
}

/** `late_clock_mean` of an after-sale (request → the merchant's first action), on the action's day. */
export function aftersaleClockItem(a: AftersaleFacts, def: DefOf<"late_clock_mean">): MeanItem | undefined {
  const p = def.params;
  const r = a.requested;
  const acted = a.acted[0]?.at;
  if (p.from !== "requested" || !r || acted === undefined) return undefined;
  if (p.kinds && !p.kinds.includes(r.kind as never)) return undefined;
  if (r.kind === "refund_only" && p.refundOnlyAfterShipmentOnly === true && !r.afterShipment) return undefined;
  const start = lateClockStart(r.at, dailyHours(p.lateStart));
  return { at: acted, value: Math.max(0, acted - start) };
}

/** `review_score_mean`: a signed order whose first review carries a score, on the review's day. */
export function reviewScoreItem(o: OrderFacts): MeanItem | undefined {
  if (o.signedAt === undefined || o.firstReview?.score === undefined) return undefined;
  return { at: o.firstReview.at, value: o.firstReview.score };
}

/** `promise_kept_rate`: a signed order whose pickup carried a promise, on the signing's day. */
export function promiseItem(o: OrderFacts): RateItem | undefined {
  if (o.signedAt === undefined || o.promisedSignBy === undefined) return undefined;
  return { at: o.signedAt, hit: o.signedAt <= o.promisedSignBy };
}

/**
 * `escalation_rate`: an order whose consumer sought the merchant (its first after-sale request), on that
 * request's day; a hit when any of its after-sales saw the platform intervene, or the consumer complained.
 */
export function escalationItem(
  firstRequestAt: number | undefined,
  intervened: boolean,
  complained: boolean,
  def: DefOf<"escalation_rate">,
): RateItem | undefined {
  if (firstRequestAt === undefined) return undefined;
  const hit = (def.params.via.includes("intervention") && intervened) || (def.params.via.includes("complaint") && complained);
  return { at: firstRequestAt, hit };
}

/** A reply round of `imputed_response_mean`: counted (`value`), or pending until `deadline`. */
export interface ImputedRound {
  open: number;
  value?: number;
  deadline: number;
}

/**
 * `imputed_response_mean` of one consumer: each reply round whose human session started within
 * `sessionHours`. Answered: a reply at or before the session's close and before the end of the round's day
 * counts its time; left unanswered (the session closed, or the day ended, first) it counts `unanswered`;
 * otherwise it is pending until the day ends.
 */
export function imputedRounds(c: ConsumerFacts, def: DefOf<"imputed_response_mean">, asOf: number): ImputedRound[] {
  const hours = dailyHours(def.params.sessionHours);
  const unanswered = durationMs(def.params.unanswered);
  const stages = humanStages(c);
  const out: ImputedRound[] = [];
  for (const w of waits(c)) {
    const stage = stages.find((s) => w.open >= s.start && w.open < s.end);
    if (!stage || !inHours(stage.start, hours)) continue;
    const dayEnd = dayStart(w.open) + DAY;
    if (w.end !== undefined && w.end <= stage.end && w.end < dayEnd) out.push({ open: w.open, value: w.end - w.open, deadline: dayEnd });
    else if (Math.min(stage.end, dayEnd) <= asOf) out.push({ open: w.open, value: unanswered, deadline: dayEnd });
    else out.push({ open: w.open, deadline: dayEnd });
  }
  return out;
}

/** A reply round of `buyer_reply_rate`: missed, answered in time, or pending until `deadline`. */
export interface BuyerRound {
  open: number;
  missed: boolean;
  /** Set while the round is undecided: the moment it becomes missed. */
  deadline?: number;
}

/**
 * `buyer_reply_rate` of one consumer: each reply round opened within `serviceHours`. Missed: not answered
 * within `deadline` (answered later, or unanswered with the deadline passed); pending before that.
 */
export function buyerRounds(c: ConsumerFacts, def: DefOf<"buyer_reply_rate">, asOf: number): BuyerRound[] {
  const hours = dailyHours(def.params.serviceHours);
  const within = durationMs(def.params.deadline);
  const out: BuyerRound[] = [];
  for (const w of waits(c)) {
    if (!inHours(w.open, hours)) continue;
    const deadline = w.open + within;
    if (w.end !== undefined) out.push({ open: w.open, missed: w.end > deadline });
    else if (deadline <= asOf) out.push({ open: w.open, missed: true });
    else out.push({ open: w.open, missed: false, deadline });
  }
  return out;
}

/** An after-sale's first completion (by time, then id), as `refund_duration_mean` reads it. */
export interface Completion {
  at: number;
  outcome: string;
}

/** The refund's moment: the first completion, when it is a refund (a closed after-sale refunds nothing). */
function refundedAt(first: Completion | undefined): number | undefined {
  return first?.outcome === "refunded" ? first.at : undefined;
}

/**
 * `refund_duration_mean` from `requested_in_transit` (pdd@2026 在途订单退款时长): an after-sale of `kinds`
 * requested after shipment and before the order's first signing (`orderSignedAt`, absent while unsigned),
 * whose first completion is a refund: request → refund, on the refund's day.
 */
export function inTransitRefundItem(
  request: { at: number; kind: string; afterShipment: boolean },
  first: Completion | undefined,
  orderSignedAt: number | undefined,
  def: DefOf<"refund_duration_mean">,
): MeanItem | undefined {
  const refunded = refundedAt(first);
  if (def.params.from !== "requested_in_transit" || refunded === undefined) return undefined;
  if (!def.params.kinds.includes(request.kind as never) || !request.afterShipment) return undefined;
  if (orderSignedAt !== undefined && orderSignedAt <= request.at) return undefined;
  return { at: refunded, value: Math.max(0, refunded - request.at) };
}

/**
 * `refund_duration_mean` from `return_signed` (pdd@2026 签收退货后平均退款时长): an after-sale of `kinds` whose
 * first completion is a refund at or after the first signing of its returned parcel: that signing → refund,
 * on the refund's day. A refund before the parcel is signed for is not a refund after the return.
 */
export function returnRefundItem(
  kind: string | undefined,
  firstReturnSigned: number | undefined,
  first: Completion | undefined,
  def: DefOf<"refund_duration_mean">,
): MeanItem | undefined {
  const refunded = refundedAt(first);
  if (def.params.from !== "return_signed" || refunded === undefined || firstReturnSigned === undefined) return undefined;
  if (kind === undefined || !def.params.kinds.includes(kind as never) || refunded < firstReturnSigned) return undefined;
  return { at: refunded, value: refunded - firstReturnSigned };
}
