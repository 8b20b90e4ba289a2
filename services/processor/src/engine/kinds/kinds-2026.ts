import { durationMs, type DefOf } from "@sg/rules";
import { HOUR, inRange, type Range } from "../calendar.js";
import type { KindFn, Measured, PendingItem } from "../types.js";
import {
  aftersaleClockItem,
  escalationItem,
  imputedRounds,
  inTransitRefundItem,
  orderClockItem,
  promiseItem,
  returnRefundItem,
  reviewScoreItem,
  type MeanItem,
  type RateItem,
} from "./items-2026.js";
import { deadlineWakeups, dueOf, ratio } from "./ratio.js";

/** The kinds of the 2026 rules on the pure engine: the window's items (items-2026.ts), summed. */

function mean(items: Iterable<MeanItem | undefined>, window: Range, scale = 1): Measured {
  let sum = 0;
  let n = 0;
  for (const it of items) {
    if (!it || !inRange(it.at, window)) continue;
    sum += it.value;
    n++;
  }
  return { value: ratio(sum / scale, n), numerator: sum / scale, denominator: n, wakeups: [] };
}

function rate(items: Iterable<RateItem | undefined>, window: Range): Measured {
  let hits = 0;
  let n = 0;
  for (const it of items) {
    if (!it || !inRange(it.at, window)) continue;
    n++;
    if (it.hit) hits++;
  }
  return { value: ratio(hits, n), numerator: hits, denominator: n, wakeups: [] };
}

function* each<T, U>(xs: Iterable<T>, f: (x: T) => U): Iterable<U> {
  for (const x of xs) yield f(x);
}

export const reviewScoreMean: KindFn<DefOf<"review_score_mean">> = ({ model, window }) =>
  mean(each(model.orders.values(), reviewScoreItem), window);

export const lateClockMean: KindFn<DefOf<"late_clock_mean">> = ({ def, model, window }) =>
  def.params.from === "paid"
    ? mean(
        each(model.orders.values(), (o) => orderClockItem(o, def)),
        window,
        HOUR,
      )
    : mean(
        each(model.aftersales.values(), (a) => aftersaleClockItem(a, def)),
        window,
        HOUR,
      );

export const promiseKeptRate: KindFn<DefOf<"promise_kept_rate">> = ({ model, window }) =>
  rate(each(model.orders.values(), promiseItem), window);

export const escalationRate: KindFn<DefOf<"escalation_rate">> = ({ def, model, window }) =>
  rate(
    each(model.orders.values(), (o) => {
      let first: number | undefined;
      let intervened = false;
      for (const id of o.afterSaleIds) {
        const a = model.aftersales.get(id);
        if (!a?.requested) continue;
        if (first === undefined || a.requested.at < first) first = a.requested.at;
        if (a.intervened.length > 0) intervened = true;
      }
      return escalationItem(first, intervened, o.complaints.length > 0, def);
    }),
    window,
  );

/** Hours from the in-transit request, or from the return's signing, to the refund (items-2026.ts). */
export const refundDurationMean: KindFn<DefOf<"refund_duration_mean">> = ({ def, model, window }) =>
  mean(
    each(model.aftersales.values(), (a) => {
      if (!a.requested) return undefined;
      const signedAt = a.orderId === undefined ? undefined : model.orders.get(a.orderId)?.signedAt;
      return def.params.from === "requested_in_transit"
        ? inTransitRefundItem(a.requested, a.completed[0], signedAt, def)
        : returnRefundItem(a.requested.kind, a.returnSigned[0], a.completed[0], def);
    }),
    window,
    HOUR,
  );

export const paidOrderCount: KindFn<DefOf<"paid_order_count">> = ({ model, window }) => {
  let value = 0;
  for (const o of model.orders.values()) if (o.paidAt !== undefined && inRange(o.paidAt, window)) value++;
  return { value, wakeups: [] };
};

/** Seconds; a pending round, once decided unanswered, adds the imputed time (at-risk's projection). */
export const imputedResponseMean: KindFn<DefOf<"imputed_response_mean">> = ({ def, model, asOf, window, limits }) => {
  let sum = 0;
  let n = 0;
  const pendingItems: PendingItem[] = [];
  for (const c of model.consumers.values()) {
    for (const r of imputedRounds(c, def, asOf)) {
      if (!inRange(r.open, window)) continue;
      if (r.value === undefined) pendingItems.push({ id: c.consumerId, deadline: r.deadline });
      else {
        sum += r.value;
        n++;
      }
    }
  }
  return imputedMeasured(sum, n, pendingItems, def, asOf, limits.leadMs);
};

export function imputedMeasured(
  sumMs: number,
  n: number,
  pendingItems: PendingItem[],
  def: DefOf<"imputed_response_mean">,
  asOf: number,
  leadMs: number,
  /** The items' deadlines and wakeups when the caller has them (measure.ts: the forecast's points share them). */
  deadlines = pendingItems.map((p) => p.deadline),
  wakeups = deadlineWakeups(deadlines, leadMs),
): Measured {
  const imputed = durationMs(def.params.unanswered);
  return {
    value: ratio(sumMs / 1000, n),
    numerator: sumMs / 1000,
    denominator: n,
    pending: pendingItems.length,
    pendingItems,
    due: dueOf(deadlines, asOf, leadMs, (k) => ratio((sumMs + k * imputed) / 1000, n + k)),
    wakeups,
  };
}
