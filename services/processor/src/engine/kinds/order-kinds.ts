import type { DefOf } from "@sg/rules";
import { durationMs } from "@sg/rules";
import { HOUR, inRange } from "../calendar.js";
import type { OrderFacts, ShopModel } from "../model.js";
import type { KindFn } from "../types.js";
import { lastLiability } from "./dispute-rate.js";
import { rateWithPending, ratio } from "./ratio.js";

/** Order-based kinds of douyin@2023-06 and pdd@2020-02 (metrics.md). */

/** In-stock (现货): not presale, custom or noShipment (events.md `order.paid`). */
export function inStock(o: OrderFacts): boolean {
  return !o.presale && !o.custom && !o.noShipment;
}

/** `bad_review_rate`: orders whose first review has `rating` and was posted in the window / orders signed in the window. */
export const firstReviewRate: KindFn<DefOf<"first_review_rate">> = ({ def, model, window }) => {
  let numerator = 0;
  let denominator = 0;
  for (const o of model.orders.values()) {
    if (o.signedAt !== undefined && inRange(o.signedAt, window)) denominator++;
    if (o.firstReview && o.firstReview.rating === def.params.rating && inRange(o.firstReview.at, window)) numerator++;
  }
  return { value: ratio(numerator, denominator), numerator, denominator, wakeups: [] };
};

/**
 * `quality_return_rate`: orders signed in the window whose first after-sale request has a quality reason
 * and is a return/exchange, or a refund_only after shipment.
 */
export const qualityReturnRate: KindFn<DefOf<"quality_return_rate">> = ({ def, model, window }) => {
  let numerator = 0;
  let denominator = 0;
  for (const o of model.orders.values()) {
    if (o.signedAt === undefined || !inRange(o.signedAt, window)) continue;
    denominator++;
    const first = firstRequest(model, o);
    if (!first) continue;
    const kindOk =
      def.params.kinds.includes(first.kind as never) &&
      (first.kind !== "refund_only" || !def.params.refundOnlyAfterShipmentOnly || first.afterShipment);
    if (kindOk && def.params.reasons.includes(first.reason)) numerator++;
  }
  return { value: ratio(numerator, denominator), numerator, denominator, wakeups: [] };
};

function firstRequest(model: ShopModel, o: OrderFacts) {
  let first: { at: number; kind: string; reason: string; afterShipment: boolean } | undefined;
  for (const id of o.afterSaleIds) {
    const r = model.aftersales.get(id)?.requested;
    if (r && (!first || r.at < first.at)) first = r;
  }
  return first;
}

/**
 * `pickup_24h_rate`: in-stock orders. On time: picked up within the deadline of payment (outcome time =
 * pickup); late: not picked up by the deadline (outcome time = the deadline). An order cancelled before
 * both pickup and the deadline is not counted. Denominator: outcomes in the window.
 */
export const pickupRate: KindFn<DefOf<"pickup_rate">> = ({ def, model, window, asOf, limits }) => {
  const dl = durationMs(def.params.deadline);
  let numerator = 0;
  let denominator = 0;
  const pendingItems: { id: string; deadline: number }[] = [];
  for (const o of model.orders.values()) {
    if (o.paidAt === undefined || !inStock(o)) continue;
    // The calendar (docs/calendars.md items 3–5): an extended deadline, an excluded region, a suspended day.
    const deadline = o.paidAt + (window.calendar?.deadline(o.paidAt, dl) ?? dl);
    const pickup = o.pickedUpAt;
    const c = o.cancelledAt;
    if (c !== undefined && (pickup === undefined || c < pickup) && c < deadline) continue;
    if (window.calendar?.regionExcluded(pickup !== undefined && pickup <= deadline ? pickup : deadline, o.shipFrom, o.shipTo)) continue;
    if (pickup !== undefined && pickup <= deadline) {
      if (inRange(pickup, window)) {
        numerator++;
        denominator++;
      }
    } else if (deadline <= asOf) {
      if (inRange(deadline, window)) denominator++;
    } else if (window.calendar?.suspended(deadline) !== true) {
      pendingItems.push({ id: o.orderId, deadline });
    }
  }
  return rateWithPending(numerator, denominator, pendingItems, asOf, limits.leadMs);
};

/** `delivery_hours`: orders signed in the window with a pickup time; mean (signed − picked up) in hours. */
export const deliveryHours: KindFn<DefOf<"delivery_hours">> = ({ model, window }) => {
  // Summed in whole ms and divided once, so the result does not depend on the order of the sum.
  let sumMs = 0;
  let n = 0;
  for (const o of model.orders.values()) {
    if (o.signedAt === undefined || o.pickedUpAt === undefined || !inRange(o.signedAt, window)) continue;
    if (window.calendar?.regionExcluded(o.signedAt, o.shipFrom, o.shipTo)) continue;
    sumMs += o.signedAt - o.pickedUpAt;
    n++;
  }
  const sum = sumMs / HOUR;
  return { value: ratio(sum, n), numerator: sum, denominator: n, wakeups: [] };
};

/**
 * `shipping_negative_feedback_rate`: orders paid in the window with a counted `shipping` feedback.
 * Not counted: `slow_shipping` at or before `promisedShipBy` (in-stock orders), or within the grace after
 * payment (presale orders).
 */
export const shippingFeedbackRate: KindFn<DefOf<"shipping_feedback_rate">> = ({ def, model, window }) => {
  const grace = durationMs(def.params.presaleGrace);
  let numerator = 0;
  let denominator = 0;
  for (const o of model.orders.values()) {
    if (o.paidAt === undefined || !inRange(o.paidAt, window)) continue;
    denominator++;
    const paidAt = o.paidAt;
    const counted = o.feedback.some((f) => {
      if (f.issue !== "shipping") return false;
      if (f.reason !== "slow_shipping") return true;
      if (inStock(o) && o.promisedShipBy !== undefined && f.at <= o.promisedShipBy) return false;
      if (o.presale && f.at <= paidAt + grace) return false;
      return true;
    });
    if (counted) numerator++;
  }
  return { value: ratio(numerator, denominator), numerator, denominator, wakeups: [] };
};

/**
 * `aftersale_rejection_rate`: after-shipment after-sales only. Invalid: cancelled before any merchant
 * action; or an overdue entry whose last decision was refuse and that was not ruled liable. Rejected: the
 * last decision was refuse. Per order, the last valid after-sale by request time decides; denominator:
 * orders whose deciding after-sale completed in the window.
 */
export const aftersaleRejectionRate: KindFn<DefOf<"aftersale_rejection_rate">> = ({ def, model, window }) => {
  let numerator = 0;
  let denominator = 0;
  for (const o of model.orders.values()) {
    let deciding: { at: number; rejected: boolean; completedAt?: number } | undefined;
    for (const id of o.afterSaleIds) {
      const a = model.aftersales.get(id);
      if (!a?.requested || !a.requested.afterShipment) continue;
      const cancelAt = a.cancelled[0];
      if (cancelAt !== undefined && !a.acted.some((x) => x.at <= cancelAt)) continue;
      const last = a.acted[a.acted.length - 1]?.decision;
      const liability = lastLiability(a);
      const liable = liability !== undefined && def.params.liable.includes(liability as never);
      if (a.requested.overdueEntry && last === "refuse" && !liable) continue;
      if (!deciding || a.requested.at >= deciding.at) {
        const completedAt = a.completed[0]?.at;
        deciding =
          completedAt === undefined
            ? { at: a.requested.at, rejected: last === "refuse" }
            : { at: a.requested.at, rejected: last === "refuse", completedAt };
      }
    }
    if (deciding?.completedAt === undefined || !inRange(deciding.completedAt, window)) continue;
    denominator++;
    if (deciding.rejected) numerator++;
  }
  return { value: ratio(numerator, denominator), numerator, denominator, wakeups: [] };
};

/** `platform_help_rate`: orders paid in the window with a complaint, or an after-sale ruled liable. */
export const platformHelpRate: KindFn<DefOf<"platform_help_rate">> = ({ def, model, window }) => {
  let numerator = 0;
  let denominator = 0;
  for (const o of model.orders.values()) {
    if (o.paidAt === undefined || !inRange(o.paidAt, window)) continue;
    denominator++;
    const ruled = o.afterSaleIds.some((id) => {
      const a = model.aftersales.get(id);
      const l = a && lastLiability(a);
      return l !== undefined && def.params.liable.includes(l as never);
    });
    if (o.complaints.length > 0 || ruled) numerator++;
  }
  return { value: ratio(numerator, denominator), numerator, denominator, wakeups: [] };
};

/** pdd `intervention_rate`: orders paid in the window with an after-sale the platform stepped into. */
export const interventionRate: KindFn<DefOf<"intervention_rate">> = ({ model, window }) => {
  let numerator = 0;
  let denominator = 0;
  for (const o of model.orders.values()) {
    if (o.paidAt === undefined || !inRange(o.paidAt, window)) continue;
    denominator++;
    if (o.afterSaleIds.some((id) => (model.aftersales.get(id)?.intervened.length ?? 0) > 0)) numerator++;
  }
  return { value: ratio(numerator, denominator), numerator, denominator, wakeups: [] };
};

/**
 * douyin `stalled_shipments`, a count: orders picked up, not signed, whose last pickup or tracking update
 * is at least `stallAfter` old.
 */
export const stalledShipments: KindFn<DefOf<"stalled_shipments">> = ({ def, model, asOf, window }) => {
  // A `now` count is assessed on asOf's day: 0 while the calendar suspends it.
  if (window.calendar?.suspended(asOf)) return { value: 0, wakeups: [] };
  const after = durationMs(def.params.stallAfter);
  let value = 0;
  const wakeups: number[] = [];
  for (const o of model.orders.values()) {
    if (o.pickedUpAt === undefined || o.signedAt !== undefined || o.lastTrackAt === undefined) continue;
    if (asOf - o.lastTrackAt >= after) value++;
    else wakeups.push(o.lastTrackAt + after);
  }
  return { value, wakeups };
};
