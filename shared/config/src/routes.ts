import { ALERT_KINDS, ALERT_LABELS, SEVERITIES } from "@sg/events";
import { z } from "zod";
import { durationField } from "./duration.js";
import { MetricName, Mobile, NonEmpty, Platform } from "./fields.js";

/**
 * The routing tree, flattened: an ordered list, first match wins unless `continue` (alerts.md "Routing",
 * "Grouping", "Quiet hours"), after Alertmanager's route block.
 */

// Defined once with the alert record (@sg/events).
export { SEVERITIES, ALERT_KINDS } from "@sg/events";

/** `severity: critical` or `severity: [warning, critical]`; parsed to a list either way. */
function oneOrMany<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => (typeof v === "string" ? [v] : v), z.array(item).min(1));
}

/** A route matches when every given label matches one of its values; an absent label matches anything. */
export const RouteMatch = z
  .object({
    platform: oneOrMany(Platform).optional(),
    /** The alert's shop: its shopId, or `platform:shopId`. */
    shop: oneOrMany(NonEmpty).optional(),
    metric: oneOrMany(MetricName).optional(),
    severity: oneOrMany(z.enum(SEVERITIES)).optional(),
    kind: oneOrMany(z.enum(ALERT_KINDS)).optional(),
  })
  .strict();
export type RouteMatch = z.infer<typeof RouteMatch>;

const TimeOfDay = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM, 00:00 to 23:59");

/**
 * Hours (Asia/Shanghai) during which warnings are held; critical alerts never are (alerts.md "Quiet hours").
 * `start` after `end` spans midnight, e.g. 22:00 to 08:00.
 */
export const QuietHours = z
  .object({ start: TimeOfDay, end: TimeOfDay })
  .strict()
  .refine((q) => q.start !== q.end, { error: "must differ from start", path: ["end"] });
export type QuietHours = z.infer<typeof QuietHours>;

/** Who is @-mentioned in this route's messages (alerts.md "Message content"). */
export const Mentions = z
  .object({
    /** Mobiles (DingTalk `atMobiles`, WeCom `mentioned_mobile_list`); DingTalk requires them in the text too. */
    mobiles: z.array(Mobile).optional(),
    /** Channel user ids (Feishu open_id, Slack member id, WeCom userid). */
    userIds: z.array(NonEmpty).optional(),
    /** @all. */
    all: z.boolean().optional(),
  })
  .strict();
export type Mentions = z.infer<typeof Mentions>;

export const Route = z
  .object({
    match: RouteMatch.default({}),
    /** Receiver names; each must be defined under `receivers` (checked across sections). */
    receivers: z.array(NonEmpty).min(1),
    continue: z.boolean().default(false),
    groupBy: z
      .array(z.enum(ALERT_LABELS))
      .default(["shop"])
      .superRefine((labels, ctx) => {
        labels.forEach((l, i) => {
          if (labels.indexOf(l) !== i) ctx.addIssue({ code: "custom", path: [i], message: `repeats "${l}"` });
        });
      }),
    /** Defaults are alerts.md's: 30 s, 5 min, 4 h, and 60 s of hysteresis before a resolve. */
    groupWait: durationField().prefault("30s"),
    groupInterval: durationField({ positive: true }).prefault("5m"),
    repeatInterval: durationField({ positive: true }).prefault("4h"),
    resolveAfter: durationField().prefault("60s"),
    quietHours: QuietHours.optional(),
    mentions: Mentions.optional(),
  })
  .strict();
export type Route = z.infer<typeof Route>;
