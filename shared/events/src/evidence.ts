import { z } from "zod";
import { EXCLUSION_REASONS, EXCLUSION_SCOPES } from "./catalog.js";
import { MetricStatus } from "./metric-status.js";

/**
 * The read API's evidence, history and forecast contracts (docs/evidence.md): what a merchant sees behind a
 * number. Declared ahead of the routes that will serve them; nothing serves them yet. Every time is ISO-8601
 * in Asia/Shanghai; every day is a Shanghai calendar day `YYYY-MM-DD`.
 */

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a day as YYYY-MM-DD");
const Time = z.string().describe("ISO-8601 in Asia/Shanghai, e.g. 2026-11-20T08:00:05+08:00");
/** A sentence in both languages the board and the CSV speak. */
export const Explanation = z.object({ "zh-CN": z.string(), en: z.string() });

/** The outcomes an item of a metric can have in the current window. */
export const EVIDENCE_OUTCOMES = ["bad", "good", "pending", "excluded"] as const;
export const EvidenceOutcome = z.enum(EVIDENCE_OUTCOMES);
export type EvidenceOutcome = z.infer<typeof EvidenceOutcome>;

export const MAX_EVIDENCE_PAGE = 500;
export const DEFAULT_EVIDENCE_PAGE = 50;

/** `GET /v1/shops/{platform}/{shopId}/metrics/{metric}/items?outcome=…&limit=…&cursor=…`: an unknown outcome is a 400. */
export const EvidenceQuery = z.object({
  outcome: EvidenceOutcome,
  limit: z
    .string()
    .regex(/^[0-9]{1,3}$/, { error: `must be an integer from 1 to ${MAX_EVIDENCE_PAGE}`, abort: true })
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_EVIDENCE_PAGE))
    .default(DEFAULT_EVIDENCE_PAGE)
    .describe("Items per page"),
  cursor: z.string().max(256).optional().describe("`next` of the previous page"),
});

/** A moment that decided the item: paid, picked up, the deadline it had, the reply that ended a wait… */
export const EvidenceMoment = z.object({
  /** What happened, as the event catalog or the metric names it: `paid`, `picked_up`, `deadline`, `consumer_message`, `reply`… */
  name: z.string(),
  at: Time,
});

/** Why an item is left out: an exclusion (approved) or a calendar entry (docs/calendars.md). */
export const LeftOut = z.discriminatedUnion("by", [
  z.object({
    by: z.literal("exclusion"),
    reason: z.enum(EXCLUSION_REASONS),
    exclusionId: z.string().optional(),
    decidedAt: Time,
  }),
  z.object({
    by: z.literal("calendar"),
    /** The calendar entry's path in the configuration, e.g. `calendars.douyin[2]`, and its name. */
    entry: z.string(),
    name: z.string(),
    rule: z.enum(["suspended", "region_excluded"]),
  }),
]);

/** What a bad item costs: the metric's value and the score as they would be without it (attribution). */
export const ItemCost = z.object({
  valueWithout: z.number().nullable(),
  /** The shop's score total without the item; absent when the pack declares no score. */
  scoreWithout: z.number().nullable().optional(),
  /** The dimension the metric belongs to and its score without the item (物流体验 90). */
  dimension: z.string().optional(),
  dimensionWithout: z.number().nullable().optional(),
});

export const EvidenceItem = z.object({
  scope: z.enum(EXCLUSION_SCOPES),
  /** The order, after-sale, consumer or session id; `exclusion.*` events name an item by exactly these. */
  id: z.string(),
  /** For a session: its consumer. */
  consumerId: z.string().optional(),
  outcome: EvidenceOutcome,
  moments: z.array(EvidenceMoment),
  /** Why it is good, bad, pending or left out, in words: "picked up 26 h 10 min after payment; line 24 h". */
  why: Explanation,
  /** The day it counts on, and the first day it is no longer in the window (null: a month window's items leave with the month). */
  countsOn: Day,
  leavesOn: Day.nullable(),
  /** Bad items only. */
  cost: ItemCost.optional(),
  /** Excluded items: by what. */
  leftOut: LeftOut.optional(),
  /** An exclusion requested and not yet decided names this item. */
  pendingExclusion: z.object({ reason: z.enum(EXCLUSION_REASONS), exclusionId: z.string().optional(), requestedAt: Time }).optional(),
});
export type EvidenceItem = z.infer<typeof EvidenceItem>;

/** One page of a metric's items, newest first (by the moment that decided them). */
export const EvidencePage = z.object({
  platform: z.string(),
  shopId: z.string(),
  metric: z.string(),
  outcome: EvidenceOutcome,
  asOf: Time,
  /** The current window: its first and last day. */
  window: z.object({ from: Day, to: Day }),
  /** Items of this outcome in the window (all pages). */
  total: z.number().int().nonnegative(),
  items: z.array(EvidenceItem).max(MAX_EVIDENCE_PAGE),
  /** The cursor of the next page, or null on the last. */
  next: z.string().nullable(),
});
export type EvidencePage = z.infer<typeof EvidencePage>;

/** The CSV form (`Accept: text/csv`): one header row, each column named in zh-CN and English ("订单号 / Item id"). */
export const EVIDENCE_CSV_COLUMNS = [
  { key: "id", "zh-CN": "单号", en: "Item id" },
  { key: "scope", "zh-CN": "类型", en: "Scope" },
  { key: "outcome", "zh-CN": "结果", en: "Outcome" },
  { key: "why", "zh-CN": "原因", en: "Why" },
  { key: "countsOn", "zh-CN": "计入日期", en: "Counts on" },
  { key: "leavesOn", "zh-CN": "移出窗口日期", en: "Leaves the window on" },
  { key: "valueWithout", "zh-CN": "剔除后指标值", en: "Value without it" },
  { key: "scoreWithout", "zh-CN": "剔除后总分", en: "Score without it" },
] as const;

/** One day of a metric's history: its value at the day's end (docs/evidence.md "History"). */
export const MetricHistoryDay = z.object({
  day: Day,
  value: z.number().nullable(),
  numerator: z.number().optional(),
  denominator: z.number().optional(),
  status: MetricStatus,
  rulePack: z.string(),
});

/** A line a path may cross: the platform's threshold or the merchant's target. */
export const ForecastCrossing = z.object({ line: z.enum(["threshold", "target"]), day: Day });

/** The value at each of the next 7 midnights on one assumption; `crosses`: the first line crossed, if any. */
export const ForecastPath = z.object({
  points: z.array(z.object({ day: Day, value: z.number().nullable(), status: MetricStatus })).length(7),
  crosses: ForecastCrossing.nullable(),
});

/**
 * A metric's (or the score's) forecast: `rollOff` from the facts already known as old days leave the window,
 * nothing new happening; `atPace` with today's rate of good and bad items continuing; `toRecover` the good
 * items (pickups on time, answered consultations) that bring it back to its target, null when it is there.
 */
export const MetricForecast = z.object({
  rollOff: ForecastPath,
  atPace: ForecastPath,
  toRecover: z.object({ goodItems: z.number().int().nonnegative(), line: z.enum(["threshold", "target"]) }).nullable(),
});
export type MetricForecast = z.infer<typeof MetricForecast>;

/** `GET …/metrics/{metric}/history`: up to 90 daily values, oldest first, and the forecast from now. */
export const MetricHistory = z.object({
  platform: z.string(),
  shopId: z.string(),
  metric: z.string(),
  days: z.array(MetricHistoryDay).max(90),
  forecast: MetricForecast.optional(),
});
export type MetricHistory = z.infer<typeof MetricHistory>;

/** A metric's value should every pending exclusion naming its items be approved (beside the value counted now). */
export const IfApproved = z.object({
  value: z.number().nullable(),
  numerator: z.number().optional(),
  denominator: z.number().optional(),
  status: MetricStatus,
  /** Pending exclusions that change this metric. */
  pending: z.number().int().nonnegative(),
});
export type IfApproved = z.infer<typeof IfApproved>;

/** A pending exclusion as the board lists it: the item, and the metrics and score it would change. */
export const PendingExclusion = z.object({
  scope: z.enum(EXCLUSION_SCOPES),
  itemId: z.string(),
  consumerId: z.string().optional(),
  exclusionId: z.string().optional(),
  reason: z.enum(EXCLUSION_REASONS),
  requestedAt: Time,
  /** Metric → its value if this one exclusion were approved. */
  effect: z.record(z.string(), z.number().nullable()),
  scoreIfApproved: z.number().nullable().optional(),
});
export type PendingExclusion = z.infer<typeof PendingExclusion>;
