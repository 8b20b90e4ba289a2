import type { DefOf, MetricDef, MetricKind } from "@sg/rules";
import type { AftersaleFacts } from "../model.js";
import * as A from "./aftersale-items.js";
import * as C from "./consumer-items.js";
import type { ItemContext, RawItem } from "./item.js";
import * as O from "./order-items.js";

/** One entity as the listers read it: an order (with its after-sales' summaries), an after-sale, or a consumer. */
export type EntityView =
  | ({ kind: "order" } & O.OrderView)
  | { kind: "aftersale"; a: AftersaleFacts }
  | ({ kind: "consumer"; excludedAt?: number } & C.ConsumerView);

type Lister<K extends MetricKind> = (e: EntityView, def: DefOf<K>, x: ItemContext) => RawItem[];

const onOrder =
  <K extends MetricKind>(f: (v: O.OrderView, def: DefOf<K>, x: ItemContext) => RawItem[]): Lister<K> =>
  (e, def, x) =>
    e.kind === "order" ? f(e, def, x) : [];
const onAftersale =
  <K extends MetricKind>(f: (a: AftersaleFacts, def: DefOf<K>, x: ItemContext) => RawItem[]): Lister<K> =>
  (e, def, x) =>
    e.kind === "aftersale" ? f(e.a, def, x) : [];
const onConsumer =
  <K extends MetricKind>(f: (v: C.ConsumerView, def: DefOf<K>, x: ItemContext) => RawItem[]): Lister<K> =>
  (e, def, x) =>
    e.kind === "consumer" ? f(e, def, x) : [];

/**
 * Every metric kind's items (docs/evidence.md), one entry per kind: a new kind does not compile until it says
 * which items it counts. `late_clock_mean` and `refund_duration_mean` count orders or after-sales by their
 * parameters, as contrib.ts does.
 */
export const ITEM_LISTERS: { [K in MetricKind]: Lister<K> } = {
  first_review_rate: onOrder(O.firstReviewItems),
  quality_return_rate: onOrder(O.qualityReturnItems),
  pickup_rate: onOrder(O.pickupItems),
  delivery_hours: onOrder(O.deliveryItems),
  shipping_feedback_rate: onOrder(O.shippingFeedbackItems),
  aftersale_rejection_rate: onOrder(O.rejectionItems),
  platform_help_rate: onOrder(O.platformHelpItems),
  intervention_rate: onOrder(O.interventionItems),
  review_score_mean: onOrder(O.reviewScoreItems),
  promise_kept_rate: onOrder(O.promiseItems),
  escalation_rate: onOrder(O.escalationItems),
  paid_order_count: onOrder(O.paidOrderItems),
  stalled_shipments: onOrder(O.stalledItems),
  late_clock_mean: (e, def, x) =>
    e.kind === "order" ? O.orderClockItems(e, def, x) : e.kind === "aftersale" ? A.aftersaleClockItems(e.a, def, x) : [],
  refund_duration_mean: (e, def, x) =>
    e.kind === "order" ? O.inTransitRefundItems(e, def, x) : e.kind === "aftersale" ? A.returnRefundItems(e.a, def, x) : [],
  aftersale_awaiting_hours: onAftersale(A.awaitingItems),
  dispute_rate: onAftersale(A.disputeItems),
  business_time_rate: onAftersale(A.businessTimeItems),
  ever_state_rate: onAftersale(A.everStateItems),
  overdue_refund_count: onAftersale(A.overdueRefundItems),
  reply_consumer_day: onConsumer(C.replyConsumerDayItems),
  avg_response_seconds: onConsumer(C.avgResponseItems),
  first_response_sessions: onConsumer(C.firstResponseItems),
  rating_share: onConsumer(C.ratingShareItems),
  rating_score_mean: onConsumer(C.ratingScoreItems),
  imputed_response_mean: onConsumer(C.imputedItems),
  buyer_reply_rate: onConsumer(C.buyerReplyItems),
  jd_service_score: onConsumer(C.serviceScoreItems),
};

/**
 * Why an item is left out of its metric, or undefined when it counts. Today: a consumer's `consumer.excluded`
 * (metrics.md "Excluded consumer") removes every chat and rating item of theirs. Approved exclusions
 * (`leftOut: {by: "exclusion"}`, docs/exclusions.md) and calendar suspensions (`{by: "calendar"}`,
 * docs/calendars.md) belong here once the engine folds them: an item they leave out is listed as
 * `excluded` with that `leftOut`, and counts nothing.
 */
export function leftOutOf(e: EntityView): { at: number } | undefined {
  return e.kind === "consumer" && e.excludedAt !== undefined ? { at: e.excludedAt } : undefined;
}

/** The items of one entity for one metric at `x.asOf`, excluded ones marked (outcome `excluded`, counting nothing). */
export function entityItems(e: EntityView, def: MetricDef, x: ItemContext): RawItem[] {
  const items = (ITEM_LISTERS[def.kind] as Lister<MetricKind>)(e, def, x);
  const out = leftOutOf(e);
  if (out === undefined) return items;
  return items.map((it) => ({
    ...it,
    outcome: "excluded",
    moments: [...it.moments, { name: "consumer_excluded", at: out.at }],
    why: { en: `consumer excluded; was ${it.outcome}`, "zh-CN": `买家已剔除；原为${OUTCOME_ZH[it.outcome]}` },
    n: 0,
    d: 0,
  }));
}

const OUTCOME_ZH: Record<RawItem["outcome"], string> = { bad: "不合格", good: "合格", pending: "待定", excluded: "剔除" };
