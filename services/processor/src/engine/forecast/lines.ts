import type { MetricStatus } from "@sg/events";
import type { MetricDef } from "@sg/rules";
import { deriveStatus } from "../status.js";
import type { Limits } from "../types.js";

/** Which side of each line a point is on; null when the point has no value (no_data): it is on no side. */
export interface Sides {
  threshold: boolean;
  target: boolean;
}

export type Line = "threshold" | "target";

/** A forecast point as the lines see it. */
export interface SidedPoint {
  day: string;
  value: number | null;
  status: MetricStatus;
  /** Wrong side of the threshold / target; null for a point without value. */
  wrong: Sides | null;
}

/** A point's sides, shared (firstCrossing only reads them). */
export const NO_SIDE: Sides = Object.freeze({ threshold: false, target: false });
export const TARGET_SIDE: Sides = Object.freeze({ threshold: false, target: true });
export const BOTH_SIDES: Sides = Object.freeze({ threshold: true, target: true });
/** The score's wrong side of its line (it has no target). */
const BELOW_LINE: Sides = Object.freeze({ threshold: true, target: false });

/** The score's total against its line (`scoreLines.total`), which the forecast calls its threshold; it has no target. */
export function scorePoint(day: string, total: number | null, line: number | undefined): SidedPoint {
  if (total === null) return { day, value: null, status: "no_data", wrong: null };
  const below = line !== undefined && total < line;
  return { day, value: total, status: below ? "breach" : "ok", wrong: below ? BELOW_LINE : NO_SIDE };
}

/**
 * The first line a path crosses: the first point (in day order) on the other side of the threshold, else of
 * the target, than the value now, either way (a metric under its target whose bad days leave crosses it
 * upwards). Points without a value are on no side and skipped; a value now without one counts as the good side.
 */
export function firstCrossing(now: Sides | null, points: readonly SidedPoint[]): { line: Line; day: string } | null {
  const base = now ?? { threshold: false, target: false };
  for (const p of points) {
    if (p.wrong === null) continue;
    if (p.wrong.threshold !== base.threshold) return { line: "threshold", day: p.day };
    if (p.wrong.target !== base.target) return { line: "target", day: p.day };
  }
  return null;
}

/**
 * What one good item adds to a ratio metric's numerator and denominator (its value being numerator ÷
 * denominator): a good/all rate (direction min) gains one of each, a bad/all rate (direction max) one in the
 * denominator. null: the metric has no good item that moves it to a line (a mean of durations or scores, a
 * count, a composite), and toRecover is null.
 */
const GOOD_ITEM: Record<MetricDef["kind"], "ratio" | null> = {
  pickup_rate: "ratio",
  first_response_sessions: "ratio",
  business_time_rate: "ratio",
  reply_consumer_day: "ratio",
  buyer_reply_rate: "ratio",
  rating_share: "ratio",
  dispute_rate: "ratio",
  first_review_rate: "ratio",
  quality_return_rate: "ratio",
  shipping_feedback_rate: "ratio",
  aftersale_rejection_rate: "ratio",
  platform_help_rate: "ratio",
  ever_state_rate: "ratio",
  intervention_rate: "ratio",
  escalation_rate: "ratio",
  promise_kept_rate: "ratio",
  avg_response_seconds: null,
  aftersale_awaiting_hours: null,
  delivery_hours: null,
  late_clock_mean: null,
  refund_duration_mean: null,
  imputed_response_mean: null,
  review_score_mean: null,
  rating_score_mean: null,
  stalled_shipments: null,
  overdue_refund_count: null,
  paid_order_count: null,
  jd_service_score: null,
};

/** Past any line at all now (target, else threshold)? The line toRecover aims at. */
function lineToReach(limits: Limits): Line | null {
  if (limits.target !== null) return "target";
  if (limits.threshold !== null) return "threshold";
  return null;
}

/** Far enough: beyond this many good items the line is out of reach (a line of 100% with a bad item counted). */
const MAX_GOOD_ITEMS = 10_000_000;

/**
 * The fewest good items that, added to the current window now, bring the metric back to the right side of its
 * target (its threshold where it has no target), judged by the same status code as the metric itself; null
 * when it is there already, has no value, has no good item (GOOD_ITEM) or cannot get there.
 */
export function toRecover(
  def: MetricDef,
  limits: Limits,
  now: { numerator?: number | undefined; denominator?: number | undefined; status: MetricStatus; wrong: Sides | null },
): { goodItems: number; line: Line } | null {
  const line = lineToReach(limits);
  if (line === null || GOOD_ITEM[def.kind] === null || now.wrong === null || !now.wrong[line]) return null;
  const n = now.numerator ?? 0;
  const d = now.denominator ?? 0;
  const perItem = def.direction === "min" ? 1 : 0;
  const at = (k: number): boolean => {
    const num = n + perItem * k;
    const den = d + k;
    const s = deriveStatus(def, limits, { value: den === 0 ? null : num / den, numerator: num, denominator: den, wakeups: [] });
    const breach = s.output.status === "breach";
    return line === "threshold" ? !breach : !breach && !s.pastTarget;
  };
  const t = (line === "target" ? limits.target : limits.threshold)!;
  // Closed form, then stepped to the status code's own boundary (rounding, the dispute rule's count).
  const guess = def.direction === "min" ? (t >= 1 ? MAX_GOOD_ITEMS : (t * d - n) / (1 - t)) : t <= 0 ? MAX_GOOD_ITEMS : n / t - d;
  let k = Math.min(MAX_GOOD_ITEMS, Math.max(1, Math.ceil(guess)));
  for (let i = 0; i < 64 && k > 1 && at(k - 1); i++) k--;
  for (let i = 0; i < 64 && !at(k); i++) k++;
  return at(k) ? { goodItems: k, line } : null;
}
