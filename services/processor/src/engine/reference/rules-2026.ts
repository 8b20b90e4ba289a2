import { toMillis } from "@sg/events";
import { durationMs, hhmmMinutes, type DefOf } from "@sg/rules";
import { dayStart, type Range } from "../calendar.js";
import type { AssessedWindow } from "./calendar-rules.js";
import { waitsOf } from "./chat-rules.js";
import { all, first, type Fact, type ShopFacts } from "./facts.js";

/**
 * The kinds of the 2026 rules (rules-2026.md), restated on the shop's facts for the reference model:
 * a clock that starts later for items opened in a daily span, a mean with an imputed value for rounds left
 * unanswered, a mean of review scores, per-buyer rates over a rolling window, and the Douyin order rates.
 */

const DAY = 86_400_000;
const MINUTE = 60_000;

export interface Counted {
  sum: number;
  n: number;
}

/** In the window, and not on a day the calendar suspends (calendar-rules.ts). */
const inWindow = (t: number | undefined, w: AssessedWindow): t is number =>
  t !== undefined && t >= w.start && t < w.end && w.suspended?.(t) !== true;

/** Minutes since 00:00 Shanghai. */
const minuteOf = (t: number) => (t - dayStart(t)) / MINUTE;

/** An item opened at `t` inside the daily span [from, to) (which may wrap midnight) starts its clock at the span's next end. */
export function clockStartsAt(t: number, [from, to]: readonly [string, string]): number {
  const f = hhmmMinutes(from);
  const e = hhmmMinutes(to);
  const m = minuteOf(t);
  const inside = f <= e ? m >= f && m < e : m >= f || m < e;
  if (!inside) return t;
  let start = dayStart(t) + e * MINUTE;
  if (start <= t) start += DAY;
  return start;
}

/** Payment → first pickup (orders), or request → first merchant action (after-sales), in ms, by the end's day. */
export function lateClock(def: DefOf<"late_clock_mean">, facts: ShopFacts, window: Range): Counted {
  let sum = 0;
  let n = 0;
  const p = def.params;
  if (p.from === "paid") {
    for (const list of facts.orders.values()) {
      const paid = first(list, "order.paid");
      const pickup = first(list, "logistics.picked_up");
      if (!paid || !pickup || !inWindow(pickup.at, window)) continue;
      sum += Math.max(0, pickup.at - clockStartsAt(paid.at, p.lateStart));
      n++;
    }
  } else {
    for (const list of facts.aftersales.values()) {
      const req = first(list, "aftersale.requested");
      const acted = first(list, "aftersale.merchant_acted");
      if (!req || !acted || !inWindow(acted.at, window)) continue;
      if (p.kinds && !(p.kinds as readonly string[]).includes(req.event.kind)) continue;
      if (req.event.kind === "refund_only" && p.refundOnlyAfterShipmentOnly === true && !req.event.afterShipment) continue;
      sum += Math.max(0, acted.at - clockStartsAt(req.at, p.lateStart));
      n++;
    }
  }
  return { sum, n };
}

/** Σ scores of first reviews that carry one, of signed orders, by the review's day. */
export function reviewScores(facts: ShopFacts, window: Range): Counted {
  let sum = 0;
  let n = 0;
  for (const list of facts.orders.values()) {
    const review = first(list, "review.posted");
    if (!first(list, "logistics.signed") || !review || review.event.score === undefined || !inWindow(review.at, window)) continue;
    sum += review.event.score;
    n++;
  }
  return { sum, n };
}

/** Signed orders (by the signing's day) whose pickup carried a promise: how many, and how many were signed by it. */
export function promisesKept(facts: ShopFacts, window: Range): { kept: number; n: number } {
  let kept = 0;
  let n = 0;
  for (const list of facts.orders.values()) {
    const signed = first(list, "logistics.signed");
    const promise = all(list, "logistics.picked_up").find((f) => f.event.promisedSignBy !== undefined)?.event.promisedSignBy;
    if (!signed || promise === undefined || !inWindow(signed.at, window)) continue;
    n++;
    if (signed.at <= toMillis(promise)) kept++;
  }
  return { kept, n };
}

/** Orders with an after-sale request (by the first request's day), and those escalated to the platform. */
export function escalations(def: DefOf<"escalation_rate">, facts: ShopFacts, window: Range): { escalated: number; n: number } {
  const requests = new Map<string, { at: number; intervened: boolean }>();
  for (const list of facts.aftersales.values()) {
    const req = first(list, "aftersale.requested");
    if (!req) continue;
    const prev = requests.get(req.event.orderId);
    const intervened = first(list, "aftersale.platform_intervened") !== undefined;
    requests.set(req.event.orderId, {
      at: prev === undefined ? req.at : Math.min(prev.at, req.at),
      intervened: (prev?.intervened ?? false) || intervened,
    });
  }
  let escalated = 0;
  let n = 0;
  for (const [orderId, r] of requests) {
    if (!inWindow(r.at, window)) continue;
    n++;
    const complained = first(facts.orders.get(orderId), "complaint.filed") !== undefined;
    if ((def.params.via.includes("intervention") && r.intervened) || (def.params.via.includes("complaint") && complained)) escalated++;
  }
  return { escalated, n };
}

/**
 * The human stage a moment falls in, restated from metrics.md: at each instant a close ends the stage, then a
 * transfer opens one if none is open. Returns the stage's start and its close after `t`, if any.
 */
function stageAround(list: readonly Fact[], t: number): { start: number; close?: number } | undefined {
  const marks = list.filter((f) => f.event.type === "chat.transferred" || f.event.type === "chat.closed");
  let open = false;
  let start = 0;
  for (let i = 0; i < marks.length;) {
    const at = marks[i]!.at;
    if (at > t) break;
    const same = marks.filter((m) => m.at === at);
    if (same.some((m) => m.event.type === "chat.closed")) open = false;
    if (same.some((m) => m.event.type === "chat.transferred") && !open) {
      open = true;
      start = at;
    }
    i += same.length;
  }
  if (!open) return undefined;
  const close = marks.find((m) => m.at > t && m.event.type === "chat.closed")?.at;
  return close === undefined ? { start } : { start, close };
}

export interface Round {
  consumerId: string;
  /** Counted ms, or undefined while pending until `deadline`. */
  ms?: number;
  deadline: number;
}

/** Reply rounds of human sessions started within the hours, opened in the window, with their time or imputed value. */
export function imputedRounds(def: DefOf<"imputed_response_mean">, facts: ShopFacts, asOf: number, window: Range): Round[] {
  const imputed = durationMs(def.params.unanswered);
  const f = hhmmMinutes(def.params.sessionHours[0]);
  const e = hhmmMinutes(def.params.sessionHours[1]);
  const out: Round[] = [];
  for (const [consumerId, list] of facts.consumers) {
    for (const w of waitsOf(list)) {
      if (!inWindow(w.open, window)) continue;
      const stage = stageAround(list, w.open);
      if (!stage || minuteOf(stage.start) < f || minuteOf(stage.start) >= e) continue;
      const dayEnd = dayStart(w.open) + DAY;
      const answered = w.end !== undefined && w.end < dayEnd && (stage.close === undefined || w.end <= stage.close);
      if (answered) out.push({ consumerId, ms: w.end! - w.open, deadline: dayEnd });
      else if (stage.close !== undefined || dayEnd <= asOf) out.push({ consumerId, ms: imputed, deadline: dayEnd });
      else out.push({ consumerId, deadline: dayEnd });
    }
  }
  return out;
}

/** Buyers with a round (in the hours) opened in the window; bad ones; pending ones with their earliest deadline. */
export function buyers(
  def: DefOf<"buyer_reply_rate">,
  facts: ShopFacts,
  asOf: number,
  window: Range,
): { n: number; bad: number; pending: { consumerId: string; deadline: number }[] } {
  const within = durationMs(def.params.deadline);
  const f = hhmmMinutes(def.params.serviceHours[0]);
  const e = hhmmMinutes(def.params.serviceHours[1]);
  let n = 0;
  let bad = 0;
  const pending: { consumerId: string; deadline: number }[] = [];
  for (const [consumerId, list] of facts.consumers) {
    const rounds = waitsOf(list).filter((w) => inWindow(w.open, window) && minuteOf(w.open) >= f && minuteOf(w.open) < e);
    if (rounds.length === 0) continue;
    n++;
    const missed = rounds.some((w) => (w.end === undefined ? w.open + within <= asOf : w.end > w.open + within));
    if (missed) {
      bad++;
      continue;
    }
    const open = rounds.filter((w) => w.end === undefined).map((w) => w.open + within);
    if (open.length > 0) pending.push({ consumerId, deadline: Math.min(...open) });
  }
  return { n, bad, pending };
}

/** Paid orders by the payment's day. */
export function paidOrders(facts: ShopFacts, window: Range): number {
  let n = 0;
  for (const list of facts.orders.values()) if (inWindow(first(list, "order.paid")?.at, window)) n++;
  return n;
}

/**
 * Refund durations (pdd@2026 在途订单退款时长, 签收退货后平均退款时长), in ms, by the refund's day: the refund is an
 * after-sale's first `aftersale.completed` when its outcome is `refunded`. From `requested_in_transit`, the
 * clock runs from the request, for requests marked after shipment and made before the order's first
 * `logistics.signed`; from `return_signed`, from the first `aftersale.return_signed`, if the refund is not
 * earlier. Only after-sales of the listed kinds count.
 */
export function refundDurations(def: DefOf<"refund_duration_mean">, facts: ShopFacts, window: Range): Counted {
  let sum = 0;
  let n = 0;
  const kinds: readonly string[] = def.params.kinds;
  for (const list of facts.aftersales.values()) {
    const req = first(list, "aftersale.requested");
    const done = first(list, "aftersale.completed");
    if (!req || !done || done.event.outcome !== "refunded" || !inWindow(done.at, window)) continue;
    if (!kinds.includes(req.event.kind)) continue;
    let start: number;
    if (def.params.from === "requested_in_transit") {
      const signed = first(facts.orders.get(req.event.orderId), "logistics.signed");
      if (!req.event.afterShipment || (signed !== undefined && signed.at <= req.at)) continue;
      start = req.at;
    } else {
      const returned = first(list, "aftersale.return_signed");
      if (!returned || returned.at > done.at) continue;
      start = returned.at;
    }
    sum += done.at - start;
    n++;
  }
  return { sum, n };
}
