import { z } from "zod";

/** How a delivery attempt ended (alerts.md "Retries"). */
export const DeliveryOutcome = z.enum(["ok", "retryable", "permanent", "too_large", "retry_exhausted"]);
export type DeliveryOutcome = z.infer<typeof DeliveryOutcome>;

/** The last delivery attempt to a receiver (alerts.md: a permanent error "remains visible through the API"). */
export const DeliveryStatus = z.object({
  receiver: z.string(),
  channel: z.string(),
  outcome: DeliveryOutcome,
  /** The channel's own code, e.g. DingTalk `310000`, Slack `no_service`, `http_503`, `timeout`. */
  code: z.string(),
  at: z.string(),
  notificationIds: z.array(z.string()).default([]),
});
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const DeliveryFailure = DeliveryStatus.extend({
  /** Identities (`alertKey`) of the alerts the failed message carried. */
  alerts: z.array(z.string()).default([]),
});
export type DeliveryFailure = z.infer<typeof DeliveryFailure>;

/** The notifier keeps this many newest failures; the API's `limit` cannot ask for more. */
export const FAILURES_KEPT = 200;
