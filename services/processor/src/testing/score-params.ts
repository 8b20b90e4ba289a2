import type { IndustryParams } from "@sg/config";

/**
 * Test parameters for one industry ("tea") of douyin@2023-06: a point scale, cut-offs and in-dimension
 * weights made up for tests (the platform publishes none of them), labelled as a sample.
 */
export const TEA: IndustryParams = {
  sample: true,
  points: [50, 60, 70, 80, 90, 100],
  bands: {
    bad_review_rate: { lines: [0.005, 0.01, 0.015, 0.02, 0.03] },
    quality_return_rate: { lines: [0.002, 0.004, 0.006, 0.008, 0.01] },
    pickup_24h_rate: { lines: [0.98, 0.96, 0.94, 0.92, 0.9] },
    delivery_hours: { lines: [24, 36, 48, 60, 72] },
    shipping_negative_feedback_rate: { lines: [0.001, 0.002, 0.003, 0.004, 0.005] },
    refund_only_completion_hours: { lines: [12, 24, 36, 48, 72] },
    return_refund_completion_hours: { lines: [24, 48, 72, 96, 120] },
    aftersale_rejection_rate: { lines: [0.01, 0.02, 0.03, 0.04, 0.05] },
    platform_help_rate: { lines: [0.001, 0.002, 0.003, 0.004, 0.005] },
    avg_response_seconds: { lines: [30, 60, 90, 120, 180] },
    session_unsatisfied_rate: { lines: [0.02, 0.04, 0.06, 0.08, 0.1] },
  },
  weights: {
    goods: { bad_review_rate: 50, quality_return_rate: 50 },
    logistics: { pickup_24h_rate: 40, delivery_hours: 30, shipping_negative_feedback_rate: 30 },
    service: {
      refund_only_completion_hours: 20,
      return_refund_completion_hours: 20,
      aftersale_rejection_rate: 15,
      platform_help_rate: 15,
      avg_response_seconds: 15,
      session_unsatisfied_rate: 15,
    },
  },
};
