/**
 * What a metric's two counts count, for explanations ("platform counted 412 signed orders, we saw 398: 14
 * orders' events are missing"). From each metric's definition in metrics.md; a metric not listed is
 * explained with the generic words.
 */
export interface CountNouns {
  numerator: string;
  denominator: string;
  /** The entity whose events a shortfall means are missing. */
  entity: string;
}

const ORDER = "order";
export const COUNT_NOUNS: Record<string, CountNouns> = {
  pickup_24h_rate: { numerator: "orders picked up within 24 h", denominator: "orders due for pickup", entity: ORDER },
  quality_return_rate: { numerator: "orders returned for quality", denominator: "signed orders", entity: ORDER },
  bad_review_rate: { numerator: "orders with a bad first review", denominator: "signed orders", entity: ORDER },
  shipping_negative_feedback_rate: { numerator: "orders with shipping feedback", denominator: "paid orders", entity: ORDER },
  platform_help_rate: { numerator: "orders escalated to the platform", denominator: "paid orders", entity: ORDER },
  intervention_rate: { numerator: "orders with a platform intervention", denominator: "paid orders", entity: ORDER },
  aftersale_rejection_rate: { numerator: "rejected after-sales", denominator: "decided after-sales", entity: "after-sale" },
  merchant_dispute_rate: {
    numerator: "after-sales ruled against the merchant",
    denominator: "completed after-sales",
    entity: "after-sale",
  },
  delivery_hours: { numerator: "hours in transit", denominator: "signed orders", entity: ORDER },
  refund_only_completion_hours: { numerator: "hours awaiting the merchant", denominator: "completed refunds", entity: "after-sale" },
  return_refund_completion_hours: { numerator: "hours awaiting the merchant", denominator: "completed returns", entity: "after-sale" },
  human_reply_3min_rate: {
    numerator: "consumers answered within 3 minutes",
    denominator: "consumers awaiting a human",
    entity: "consumer",
  },
  human_good_review_rate: { numerator: "satisfied ratings", denominator: "ratings", entity: "rating" },
  session_unsatisfied_rate: { numerator: "unsatisfied ratings", denominator: "ratings", entity: "rating" },
  avg_response_seconds: { numerator: "seconds of waiting", denominator: "reply rounds", entity: "conversation" },
};

export const GENERIC_NOUNS: CountNouns = { numerator: "counted items", denominator: "items", entity: "item" };
