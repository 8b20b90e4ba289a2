import { itemLine } from "./calendar-evidence.js";
import { durationMs, type DefOf } from "@sg/rules";
import { HOUR, inRange } from "../calendar.js";
import { inStock } from "../kinds/order-kinds.js";
import { escalationItem, orderClockItem, promiseItem, reviewScoreItem, inTransitRefundItem } from "../kinds/items-2026.js";
import type { OrderFacts } from "../model.js";
import type { AftersaleSummary } from "../incremental/records.js";
import { meanLine, meanOutcome, rateOutcome, type ItemContext, type RawItem } from "./item.js";
import { duration, hours, join, line, say } from "./words.js";

/**
 * The items an order counts for each order kind (metrics.md, per pack), restating contrib.ts item by item:
 * where contrib.ts adds to a day's numerator and denominator, these list the order with the moments that
 * decided it. `summaries`: its after-sales by (request time, request id).
 */
export interface OrderView {
  o: OrderFacts;
  summaries: (AftersaleSummary & { afterSaleId: string })[];
}

const order = (o: OrderFacts, x: Omit<RawItem, "scope" | "id">): RawItem => ({ scope: "order", id: o.orderId, ...x });
const m = (name: string, at: number | undefined) => (at === undefined ? [] : [{ name, at }]);

export function firstReviewItems({ o }: OrderView, def: DefOf<"first_review_rate">, x: ItemContext): RawItem[] {
  const r = o.firstReview;
  const hit = r !== undefined && r.rating === def.params.rating && inRange(r.at, x.window);
  const moments = [...m("signed", o.signedAt), ...m("first_review", r?.at)];
  const why = hit
    ? say(`first review is ${r.rating}`, `首评为${r.rating === "bad" ? "差评" : r.rating === "good" ? "好评" : "中评"}`)
    : say(
        r ? `first review is ${r.rating}` : "no review yet",
        r ? `首评为${r.rating === "bad" ? "差评" : r.rating === "good" ? "好评" : "中评"}` : "尚无评价",
      );
  // The numerator counts the review on its day, the denominator the signing on its own.
  const signedIn = o.signedAt !== undefined && inRange(o.signedAt, x.window) ? 1 : 0;
  if (hit) return [order(o, { outcome: rateOutcome(def, true), at: r.at, moments, why, n: 1, d: signedIn })];
  if (o.signedAt === undefined) return [];
  return [order(o, { outcome: rateOutcome(def, false), at: o.signedAt, moments, why, n: 0, d: 1 })];
}

export function qualityReturnItems({ o, summaries }: OrderView, def: DefOf<"quality_return_rate">): RawItem[] {
  if (o.signedAt === undefined) return [];
  const first = summaries[0];
  const kindOk =
    first !== undefined &&
    def.params.kinds.includes(first.kind as never) &&
    (first.kind !== "refund_only" || !def.params.refundOnlyAfterShipmentOnly || first.afterShipment);
  const hit = kindOk && def.params.reasons.includes(first.reason);
  const why = first
    ? say(`first after-sale: ${first.kind}, reason ${first.reason}`, `首个售后：${first.kind}，原因${first.reason}`)
    : say("no after-sale", "无售后");
  return [
    order(o, {
      outcome: rateOutcome(def, hit),
      at: o.signedAt,
      moments: [...m("signed", o.signedAt), ...m("aftersale_requested", first?.requestedAt)],
      why,
      n: hit ? 1 : 0,
      d: 1,
    }),
  ];
}

export function pickupItems({ o }: OrderView, def: DefOf<"pickup_rate">, x: ItemContext): RawItem[] {
  if (o.paidAt === undefined || !inStock(o)) return [];
  // The pack's line, or a calendar extension's for an order paid on a covered day (docs/calendars.md item 4).
  const { ms: lineMs, why: lineWhy } = itemLine(x, o.paidAt, durationMs(def.params.deadline));
  const deadline = o.paidAt + lineMs;
  const pickup = o.pickedUpAt;
  const c = o.cancelledAt;
  if (c !== undefined && (pickup === undefined || c < pickup) && c < deadline) return [];
  const moments = [...m("paid", o.paidAt), { name: "deadline", at: deadline }, ...m("picked_up", pickup)];
  const after = (ms: number) => say(`picked up ${duration(ms).en} after payment`, `付款后${duration(ms)["zh-CN"]}揽收`);
  if (pickup !== undefined && pickup <= deadline)
    return [order(o, { outcome: rateOutcome(def, true), at: pickup, moments, why: join(after(pickup - o.paidAt), lineWhy), n: 1, d: 1 })];
  if (deadline <= x.asOf) {
    const why =
      pickup !== undefined
        ? join(after(pickup - o.paidAt), lineWhy)
        : join(say(`not picked up ${duration(lineMs).en} after payment`, `付款后${duration(lineMs)["zh-CN"]}未揽收`), lineWhy);
    return [order(o, { outcome: rateOutcome(def, false), at: deadline, moments, why, n: 0, d: 1 })];
  }
  const why = say(
    `awaiting pickup; deadline in ${duration(deadline - x.asOf).en}`,
    `待揽收；距时限${duration(deadline - x.asOf)["zh-CN"]}`,
  );
  return [order(o, { outcome: "pending", at: deadline, moments, why, n: 0, d: 0 })];
}

/** A mean's item of an order: `valueMs` in ms, reported in the metric's unit (hours). */
function meanOfOrder(
  o: OrderFacts,
  def: DefOf<"delivery_hours" | "late_clock_mean" | "refund_duration_mean">,
  x: ItemContext,
  at: number,
  valueMs: number,
  moments: RawItem["moments"],
  what: { en: string; zh: string },
): RawItem {
  const value = valueMs / HOUR;
  const l = meanLine(x.limits);
  const why = join(
    say(`${what.en} ${hours(valueMs).en}`, `${what.zh}${hours(valueMs)["zh-CN"]}`),
    ...(l === undefined ? [] : [say(`line ${l} h`, `线${l}小时`)]),
  );
  return order(o, { outcome: meanOutcome(def, x.limits, value), at, moments, why, n: value, d: 1 });
}

export function deliveryItems({ o }: OrderView, def: DefOf<"delivery_hours">, x: ItemContext): RawItem[] {
  if (o.signedAt === undefined || o.pickedUpAt === undefined) return [];
  return [
    meanOfOrder(o, def, x, o.signedAt, o.signedAt - o.pickedUpAt, [...m("picked_up", o.pickedUpAt), ...m("signed", o.signedAt)], {
      en: "signed",
      zh: "揽收至签收",
    }),
  ];
}

export function shippingFeedbackItems({ o }: OrderView, def: DefOf<"shipping_feedback_rate">): RawItem[] {
  if (o.paidAt === undefined) return [];
  const grace = durationMs(def.params.presaleGrace);
  const paidAt = o.paidAt;
  const counted = o.feedback.filter((f) => {
    if (f.reason !== "slow_shipping") return true;
    if (inStock(o) && o.promisedShipBy !== undefined && f.at <= o.promisedShipBy) return false;
    if (o.presale && f.at <= paidAt + grace) return false;
    return true;
  });
  const hit = counted.length > 0;
  const why = hit
    ? say(`shipping feedback (${counted[0]!.reason}) counted`, `物流负反馈（${counted[0]!.reason}）计入`)
    : o.feedback.length > 0
      ? say("shipping feedback within the promise or grace: not counted", "承诺或宽限期内的物流反馈：不计入")
      : say("no shipping feedback", "无物流负反馈");
  return [
    order(o, {
      outcome: rateOutcome(def, hit),
      at: paidAt,
      moments: [...m("paid", paidAt), ...o.feedback.map((f) => ({ name: "feedback", at: f.at }))],
      why,
      n: hit ? 1 : 0,
      d: 1,
    }),
  ];
}

export function rejectionItems({ o, summaries }: OrderView, def: DefOf<"aftersale_rejection_rate">): RawItem[] {
  let deciding: AftersaleSummary | undefined;
  for (const s of summaries) {
    if (!s.afterShipment || s.cancelledFirst) continue;
    const liable = s.lastLiability !== undefined && def.params.liable.includes(s.lastLiability as never);
    if (s.overdueEntry && s.lastDecision === "refuse" && !liable) continue;
    deciding = s;
  }
  if (deciding?.completedAt === undefined) return [];
  const hit = deciding.lastDecision === "refuse";
  return [
    order(o, {
      outcome: rateOutcome(def, hit),
      at: deciding.completedAt,
      moments: [
        { name: "aftersale_requested", at: deciding.requestedAt },
        { name: "completed", at: deciding.completedAt },
      ],
      why: hit
        ? say("the deciding after-sale was refused", "决定性售后被拒绝")
        : say("the deciding after-sale was not refused", "决定性售后未被拒绝"),
      n: hit ? 1 : 0,
      d: 1,
    }),
  ];
}

/** A yes/no item of a paid order (platform help, intervention). */
function paidRate(
  o: OrderFacts,
  def: DefOf<"platform_help_rate" | "intervention_rate">,
  hit: boolean,
  yes: { en: string; zh: string },
  no: { en: string; zh: string },
): RawItem[] {
  if (o.paidAt === undefined) return [];
  return [
    order(o, {
      outcome: rateOutcome(def, hit),
      at: o.paidAt,
      moments: [...m("paid", o.paidAt), ...o.complaints.map((at) => ({ name: "complaint", at }))],
      why: hit ? say(yes.en, yes.zh) : say(no.en, no.zh),
      n: hit ? 1 : 0,
      d: 1,
    }),
  ];
}

export function platformHelpItems({ o, summaries }: OrderView, def: DefOf<"platform_help_rate">): RawItem[] {
  const liable = summaries.some((s) => s.lastLiability !== undefined && def.params.liable.includes(s.lastLiability as never));
  const hit = o.complaints.length > 0 || liable;
  return paidRate(
    o,
    def,
    hit,
    {
      en: o.complaints.length > 0 ? "complaint filed" : "after-sale ruled against the merchant",
      zh: o.complaints.length > 0 ? "有投诉" : "售后判定商家责任",
    },
    { en: "no complaint or liable ruling", zh: "无投诉或责任判定" },
  );
}

export function interventionItems({ o, summaries }: OrderView, def: DefOf<"intervention_rate">): RawItem[] {
  return paidRate(
    o,
    def,
    summaries.some((s) => s.intervened),
    { en: "platform intervened in an after-sale", zh: "平台介入售后" },
    { en: "no platform intervention", zh: "无平台介入" },
  );
}

export function reviewScoreItems({ o }: OrderView, def: DefOf<"review_score_mean">, x: ItemContext): RawItem[] {
  const it = reviewScoreItem(o);
  if (!it) return [];
  const l = meanLine(x.limits);
  const why = join(say(`review score ${it.value}`, `评分${it.value}`), ...(l === undefined ? [] : [say(`line ${l}`, `线${l}`)]));
  return [
    order(o, {
      outcome: meanOutcome(def, x.limits, it.value),
      at: it.at,
      moments: [...m("signed", o.signedAt), { name: "first_review", at: it.at }],
      why,
      n: it.value,
      d: 1,
    }),
  ];
}

export function orderClockItems({ o }: OrderView, def: DefOf<"late_clock_mean">, x: ItemContext): RawItem[] {
  const it = orderClockItem(o, def);
  if (!it) return [];
  return [
    meanOfOrder(o, def, x, it.at, it.value, [...m("paid", o.paidAt), { name: "picked_up", at: it.at }], {
      en: "picked up after (clock)",
      zh: "揽收时长",
    }),
  ];
}

export function promiseItems({ o }: OrderView, def: DefOf<"promise_kept_rate">): RawItem[] {
  const it = promiseItem(o);
  if (!it) return [];
  const why = it.hit
    ? say("signed by the carrier's promised time", "承诺时效内签收")
    : say("signed after the carrier's promised time", "超出承诺时效签收");
  return [
    order(o, {
      outcome: rateOutcome(def, it.hit),
      at: it.at,
      moments: [...m("promised_sign_by", o.promisedSignBy), { name: "signed", at: it.at }],
      why,
      n: it.hit ? 1 : 0,
      d: 1,
    }),
  ];
}

export function escalationItems({ o, summaries }: OrderView, def: DefOf<"escalation_rate">): RawItem[] {
  const it = escalationItem(
    summaries[0]?.requestedAt,
    summaries.some((s) => s.intervened),
    o.complaints.length > 0,
    def,
  );
  if (!it) return [];
  const why = it.hit ? say("escalated to the platform", "升级至平台") : say("settled with the merchant", "与商家协商解决");
  return [
    order(o, {
      outcome: rateOutcome(def, it.hit),
      at: it.at,
      moments: [{ name: "aftersale_requested", at: it.at }],
      why,
      n: it.hit ? 1 : 0,
      d: 1,
    }),
  ];
}

export function paidOrderItems({ o }: OrderView): RawItem[] {
  if (o.paidAt === undefined) return [];
  return [
    order(o, {
      outcome: "good",
      at: o.paidAt,
      moments: [{ name: "paid", at: o.paidAt }],
      why: say("paid order", "已付款订单"),
      n: 1,
      d: 0,
    }),
  ];
}

export function inTransitRefundItems({ o, summaries }: OrderView, def: DefOf<"refund_duration_mean">, x: ItemContext): RawItem[] {
  const out: RawItem[] = [];
  for (const s of summaries) {
    const first = s.completedAt === undefined ? undefined : { at: s.completedAt, outcome: s.refundedFirst ? "refunded" : "closed" };
    const it = inTransitRefundItem({ at: s.requestedAt, kind: s.kind, afterShipment: s.afterShipment }, first, o.signedAt, def);
    if (!it) continue;
    const item = meanOfOrder(
      o,
      def,
      x,
      it.at,
      it.value,
      [
        { name: "aftersale_requested", at: s.requestedAt },
        { name: "refunded", at: it.at },
      ],
      {
        en: "refunded after",
        zh: "退款时长",
      },
    );
    // The item is the after-sale (the id an exclusion names); its summary is keyed by the request.
    out.push({ ...item, scope: "aftersale", id: s.afterSaleId });
  }
  return out;
}

export function stalledItems({ o }: OrderView, def: DefOf<"stalled_shipments">, x: ItemContext): RawItem[] {
  if (o.pickedUpAt === undefined || o.signedAt !== undefined || o.lastTrackAt === undefined) return [];
  const stallAt = o.lastTrackAt + durationMs(def.params.stallAfter);
  const moments = [
    { name: "picked_up", at: o.pickedUpAt },
    { name: "last_tracking", at: o.lastTrackAt },
  ];
  const quiet = duration(x.asOf - o.lastTrackAt);
  if (x.asOf >= stallAt)
    return [
      order(o, {
        outcome: "bad",
        at: stallAt,
        moments,
        why: join(say(`no tracking for ${quiet.en}`, `${quiet["zh-CN"]}无物流更新`), line(durationMs(def.params.stallAfter))),
        n: 1,
        d: 0,
      }),
    ];
  return [
    order(o, {
      outcome: "pending",
      at: stallAt,
      moments: [...moments, { name: "deadline", at: stallAt }],
      why: say(`in transit; stalls in ${duration(stallAt - x.asOf).en}`, `运输中；${duration(stallAt - x.asOf)["zh-CN"]}后停滞`),
      n: 0,
      d: 0,
    }),
  ];
}
