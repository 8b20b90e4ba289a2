import { DURATION_HINT, DurationError, parseDuration } from "@sg/config";
import { z } from "zod";
import { Platform } from "@sg/events";
import { ScoreModel } from "./score.js";

/**
 * Rule packs are data (metrics.md "Rule packs"): a pack lists its metrics, each with a *kind* the engine
 * implements and the kind's parameters. A new pack version needs no code when its kinds already exist.
 */

/** The configuration's duration grammar (`parseDuration` of @sg/config): whole numbers, units largest first. */
export const Duration = z.string().refine((s) => {
  try {
    parseDuration(s);
    return true;
  } catch (err) {
    if (err instanceof DurationError) return false;
    throw err;
  }
}, `must be a duration like 180s, 10m, 24h; ${DURATION_HINT}`);
const HHMM = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, "must be HH:MM");
/** `[start, end)` in Asia/Shanghai wall-clock time. */
export const Hours = z.tuple([HHMM, HHMM]);

export const Window = z.enum(["day", "30d", "90d", "month", "now"]);
export type Window = z.infer<typeof Window>;
/** `stars`: a mean of 1–5 review scores. */
export const Unit = z.enum(["ratio", "hours", "seconds", "count", "points", "stars"]);
const AftersaleKind = z.enum(["refund_only", "return_refund", "exchange"]);

const base = {
  window: Window,
  unit: Unit,
  direction: z.enum(["min", "max"]),
  threshold: z.number().nullable(),
  target: z.number().nullable(),
  /** How far ahead pending deadlines count for `at_risk` (metrics.md "Alerts", default lead times). */
  leadTime: Duration.optional(),
  /** Chinese display name, used by the notifier. */
  title: z.string().optional(),
  /** The rule as the platform states it, its clock rules, and where it is stated (packs of the 2026 rules). */
  definition: z.string().optional(),
  clock: z.string().optional(),
  source: z.string().optional(),
  /**
   * What an approved exclusion (appeal, filing, announcement) takes out of this metric: `both` counts (the
   * default), or `numerator` only, the item staying in the denominator (rules-2026.md "Exclusions, appeals
   * and calendars": Kuaishou 品退). Only for a ratio whose numerator counts the bad items (direction max).
   */
  exclusionLeaves: z.enum(["both", "numerator"]).optional(),
};

const k = <K extends string, S extends z.ZodRawShape>(kind: K, params: S) =>
  z.object({ ...base, kind: z.literal(kind), params: z.object(params).strict() }).strict();

export const MetricDef = z.discriminatedUnion("kind", [
  k("reply_consumer_day", { deadline: Duration, serviceHours: Hours }),
  k("rating_share", { ratings: z.array(z.string()).min(1), good: z.array(z.string()).min(1), serviceHours: Hours.optional() }),
  k("aftersale_awaiting_hours", {
    kinds: z.array(z.enum(["refund_only", "return_refund", "exchange"])).min(1),
    includeIntervened: z.boolean(),
  }),
  k("dispute_rate", {
    liable: z.array(z.enum(["merchant", "both", "consumer", "none"])).min(1),
    minCount: z.number().int().positive(),
    rate: z.number().positive(),
    capMetrics: z.array(z.string()),
    scoreCap: z.number(),
  }),
  k("first_review_rate", { rating: z.enum(["good", "neutral", "bad"]) }),
  k("quality_return_rate", {
    reasons: z.array(z.string()).min(1),
    kinds: z.array(z.enum(["refund_only", "return_refund", "exchange"])).min(1),
    refundOnlyAfterShipmentOnly: z.boolean(),
  }),
  k("pickup_rate", { deadline: Duration }),
  k("delivery_hours", {}),
  k("shipping_feedback_rate", { presaleGrace: Duration }),
  k("aftersale_rejection_rate", { liable: z.array(z.enum(["merchant", "both", "consumer", "none"])).min(1) }),
  k("platform_help_rate", { liable: z.array(z.enum(["merchant", "both", "consumer", "none"])).min(1) }),
  k("avg_response_seconds", { cap: Duration, serviceHours: Hours }),
  k("stalled_shipments", { stallAfter: Duration }),
  k("first_response_sessions", { sessionGap: Duration, responseWithin: Duration, serviceHours: Hours }),
  k("business_time_rate", {
    from: z.enum(["requested", "ready_for_processing"]),
    to: z.enum(["first_merchant_acted", "processed"]),
    limit: Duration,
    businessHours: Hours,
  }),
  k("ever_state_rate", { state: z.enum(["awaiting_customer"]) }),
  k("jd_service_score", {
    satisfaction: z
      .object({
        metric: z.string(),
        points: z.number(),
        perPointShort: z.number(),
        manyRatings: z.number().int(),
        badRatings: z.array(z.string()),
      })
      .strict(),
    review: z.object({ metric: z.string(), points: z.number(), perPointShort: z.number() }).strict(),
    process: z.object({ metric: z.string(), points: z.number(), perPointShort: z.number() }).strict(),
    norms: z.object({ points: z.number() }).strict(),
    awaitingFeedback: z.object({ metric: z.string(), deduction: z.number() }).strict(),
    tiers: z.array(z.object({ min: z.number(), tier: z.string() }).strict()).min(1),
    penalties: z.array(z.object({ min: z.number(), penalty: z.number() }).strict()).min(1),
  }),
  k("overdue_refund_count", { deadline: Duration }),
  k("intervention_rate", {}),
  // Kinds of the 2026 rules (rules-2026.md).
  /** Mean of the first review's 1–5 score over signed orders whose first review carries one, by review time. */
  k("review_score_mean", {}),
  /**
   * Mean duration from a start to an end, where a start inside `lateStart` (a daily span that may wrap
   * midnight, e.g. 18:00–06:00) starts the clock at the span's end; counted on the end's day.
   */
  k("late_clock_mean", {
    from: z.enum(["paid", "requested"]),
    to: z.enum(["picked_up", "first_merchant_acted"]),
    lateStart: Hours,
    /** After-sales only: the kinds counted, and whether a refund-only counts only when requested after shipment. */
    kinds: z.array(AftersaleKind).min(1).optional(),
    refundOnlyAfterShipmentOnly: z.boolean().optional(),
  }),
  /**
   * Mean response time per reply round of human sessions started within `sessionHours`; a round left
   * unanswered (its session closed, or its day ended, before a reply) counts `unanswered`.
   */
  k("imputed_response_mean", { unanswered: Duration, sessionHours: Hours }),
  /** Orders whose consumer sought the merchant (an after-sale request) that were escalated to the platform. */
  k("escalation_rate", { via: z.array(z.enum(["intervention", "complaint"])).min(1) }),
  /** Paid orders, counted on the payment's day. */
  k("paid_order_count", {}),
  /** Waybills signed by the carrier's promised time / signed waybills that carry a promise. */
  k("promise_kept_rate", {}),
  /**
   * Per buyer over the whole window: (buyers with a reply round in `serviceHours` − those with a round not
   * answered within `deadline`) / buyers with a round.
   */
  k("buyer_reply_rate", { deadline: Duration, serviceHours: Hours }),
  /**
   * Mean hours from a start to the refund (an after-sale's first completion, when it is `refunded`), by the
   * refund's day, over after-sales of `kinds`. `requested_in_transit`: from the request, for requests made
   * after shipment and before the order's first signing; `return_signed`: from the first signing of the
   * returned parcel, when that is at or before the refund.
   */
  k("refund_duration_mean", {
    from: z.enum(["requested_in_transit", "return_signed"]),
    kinds: z.array(AftersaleKind).min(1),
  }),
  /**
   * Mean of the ratings' points (`scores`: a rating on the scale → its points, e.g. JD's five levels → 5…1)
   * by `cardSentAt` in the window, robot ratings left out; a rating not in `scores` is not counted.
   */
  k("rating_score_mean", {
    scores: z.record(z.string(), z.number().finite()).refine((s) => Object.keys(s).length > 0, "must score at least one rating"),
  }),
]);
export type MetricDef = z.infer<typeof MetricDef>;
export type MetricKind = MetricDef["kind"];
export type DefOf<K extends MetricKind> = Extract<MetricDef, { kind: K }>;

/** `YYYY-MM-DD`, a real calendar day. */
export const EffectiveDate = z.string().refine((s) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}, "must be a date YYYY-MM-DD");

export const RulePack = z
  .object({
    id: z.string().regex(/^[a-z]+@\d{4}(?:-\d{2})?$/, "must look like platform@YYYY-MM or platform@YYYY"),
    platform: Platform,
    /** The day the rules took effect (Asia/Shanghai); absent: the first day of the id's month (or year). */
    effective: EffectiveDate.optional(),
    /**
     * `active`: the processor evaluates every metric of the pack, so configuration may select it.
     * `declared`: written down from the rules, but needing engine kinds not built yet; not selectable.
     */
    status: z.enum(["active", "declared"]).default("active"),
    /** Why a declared pack is not selectable yet. */
    note: z.string().optional(),
    source: z.string().optional(),
    metrics: z.record(z.string().regex(/^[a-z0-9_]+$/), MetricDef),
    score: ScoreModel.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (!p.id.startsWith(`${p.platform}@`)) ctx.addIssue({ code: "custom", path: ["id"], message: "must start with the platform" });
    if (p.status === "declared" && !p.note)
      ctx.addIssue({ code: "custom", path: ["note"], message: "a declared pack says why it is not selectable" });
    for (const [name, def] of Object.entries(p.metrics)) {
      if (def.exclusionLeaves === "numerator" && (def.unit !== "ratio" || def.direction !== "max"))
        ctx.addIssue({
          code: "custom",
          path: ["metrics", name, "exclusionLeaves"],
          message: "numerator applies only to a ratio whose numerator counts bad items (direction max)",
        });
    }
    for (const [name, ind] of Object.entries(p.score?.indicators ?? {})) {
      if (ind.metric !== undefined && !(ind.metric in p.metrics))
        ctx.addIssue({
          code: "custom",
          path: ["score", "indicators", name, "metric"],
          message: `refers to unknown metric "${ind.metric}"`,
        });
    }
    const elig = p.score?.eligibility?.metric;
    if (elig !== undefined && !(elig in p.metrics))
      ctx.addIssue({ code: "custom", path: ["score", "eligibility", "metric"], message: `refers to unknown metric "${elig}"` });
    for (const [name, m] of Object.entries(p.metrics)) {
      if (m.kind === "late_clock_mean") {
        const pair = `${m.params.from}>${m.params.to}`;
        if (pair !== "paid>picked_up" && pair !== "requested>first_merchant_acted")
          ctx.addIssue({
            code: "custom",
            path: ["metrics", name, "params"],
            message: "from/to must be paid→picked_up or requested→first_merchant_acted",
          });
        if (m.params.from === "paid" && (m.params.kinds !== undefined || m.params.refundOnlyAfterShipmentOnly !== undefined))
          ctx.addIssue({ code: "custom", path: ["metrics", name, "params"], message: "kinds apply to after-sales only" });
      }
      if (m.kind === "buyer_reply_rate" && m.window !== "30d" && m.window !== "90d")
        ctx.addIssue({
          code: "custom",
          path: ["metrics", name, "window"],
          message: "a per-buyer rate needs a rolling window (30d or 90d)",
        });
      const refs: string[] = [];
      if (m.kind === "dispute_rate") refs.push(...m.params.capMetrics);
      if (m.kind === "jd_service_score")
        refs.push(m.params.satisfaction.metric, m.params.review.metric, m.params.process.metric, m.params.awaitingFeedback.metric);
      for (const r of refs) {
        if (!(r in p.metrics)) ctx.addIssue({ code: "custom", path: ["metrics", name], message: `refers to unknown metric "${r}"` });
      }
    }
  });
export type RulePack = z.infer<typeof RulePack>;
