import type { MetricDef, MetricKind } from "@sg/rules";
import type { KindFn } from "../types.js";
import { aftersaleAwaitingHours } from "./aftersale-awaiting-hours.js";
import { businessTimeRate, everStateRate, overdueRefundCount } from "./aftersale-kinds.js";
import { avgResponseSeconds, firstResponseSessions } from "./chat-kinds.js";
import { disputeRate } from "./dispute-rate.js";
import {
  aftersaleRejectionRate,
  deliveryHours,
  firstReviewRate,
  interventionRate,
  pickupRate,
  platformHelpRate,
  qualityReturnRate,
  shippingFeedbackRate,
  stalledShipments,
} from "./order-kinds.js";
import { ratingShare } from "./rating-share.js";
import { ratingScoreMean } from "./rating-score-mean.js";
import { replyConsumerDay } from "./reply-consumer-day.js";
import { jdServiceScore } from "./service-score.js";
import {
  escalationRate,
  imputedResponseMean,
  lateClockMean,
  paidOrderCount,
  promiseKeptRate,
  refundDurationMean,
  reviewScoreMean,
} from "./kinds-2026.js";
import { buyerReplyRate } from "./buyer-reply-rate.js";

/** One function per metric kind; metric names never appear in the engine, only in rule packs. */
export const KINDS: { [K in MetricKind]: KindFn<Extract<MetricDef, { kind: K }>> } = {
  reply_consumer_day: replyConsumerDay,
  rating_share: ratingShare,
  aftersale_awaiting_hours: aftersaleAwaitingHours,
  dispute_rate: disputeRate,
  first_review_rate: firstReviewRate,
  quality_return_rate: qualityReturnRate,
  pickup_rate: pickupRate,
  delivery_hours: deliveryHours,
  shipping_feedback_rate: shippingFeedbackRate,
  aftersale_rejection_rate: aftersaleRejectionRate,
  platform_help_rate: platformHelpRate,
  avg_response_seconds: avgResponseSeconds,
  stalled_shipments: stalledShipments,
  first_response_sessions: firstResponseSessions,
  business_time_rate: businessTimeRate,
  ever_state_rate: everStateRate,
  jd_service_score: jdServiceScore,
  overdue_refund_count: overdueRefundCount,
  intervention_rate: interventionRate,
  review_score_mean: reviewScoreMean,
  late_clock_mean: lateClockMean,
  imputed_response_mean: imputedResponseMean,
  escalation_rate: escalationRate,
  paid_order_count: paidOrderCount,
  promise_kept_rate: promiseKeptRate,
  buyer_reply_rate: buyerReplyRate,
  refund_duration_mean: refundDurationMean,
  rating_score_mean: ratingScoreMean,
};

/** Kinds computed from other metrics' results run after all the others. */
export const DERIVED_KINDS: ReadonlySet<MetricKind> = new Set(["jd_service_score"]);
