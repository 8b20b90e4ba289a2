import type { DefOf } from "@sg/rules";
import { durationMs } from "@sg/rules";
import { addBusinessTime, businessTime, dailyHours, dayStart, inRange } from "../calendar.js";
import type { AftersaleFacts } from "../model.js";
import type { KindFn } from "../types.js";
import { firstWaitEnd } from "./aftersale-awaiting-hours.js";
import { deadlineWakeups, dueOf, rateWithPending, ratio } from "./ratio.js";

/** JD after-sales kinds and pdd's overdue refunds (metrics.md). */

function startOf(a: AftersaleFacts, from: "requested" | "ready_for_processing"): number | undefined {
  return from === "requested" ? a.requested?.at : a.ready[0];
}

function endOf(a: AftersaleFacts, to: "first_merchant_acted" | "processed"): number | undefined {
  return to === "first_merchant_acted" ? a.acted[0]?.at : a.processed[0];
}

/**
 * jd `service_review_20min_rate` / `service_process_20min_rate`: over after-sales whose end step (first
 * merchant action, or processing result) falls in the window, the share whose business time from the start
 * step is ≤ `limit`. An after-sale not yet at its end step, still within its business deadline, is pending.
 */
export const businessTimeRate: KindFn<DefOf<"business_time_rate">> = ({ def, model, window, asOf, limits }) => {
  const hours = dailyHours(def.params.businessHours);
  const base = durationMs(def.params.limit);
  let numerator = 0;
  let denominator = 0;
  const pendingItems: { id: string; deadline: number }[] = [];
  for (const a of model.aftersales.values()) {
    const start = startOf(a, def.params.from);
    if (start === undefined) continue;
    const limit = window.calendar?.deadline(start, base, a.requested?.kind) ?? base;
    const end = endOf(a, def.params.to);
    if (end === undefined) {
      const deadline = addBusinessTime(start, limit, hours);
      // Pending until its deadline, where it would count if bad: a suspended day leaves it out.
      if (deadline > asOf && window.calendar?.suspended(deadline) !== true) pendingItems.push({ id: a.afterSaleId, deadline });
      continue;
    }
    if (!inRange(end, window)) continue;
    denominator++;
    if (businessTime(start, end, hours) <= limit) numerator++;
  }
  return rateWithPending(numerator, denominator, pendingItems, asOf, limits.leadMs);
};

/** jd `awaiting_feedback_rate`: after-sales first reviewed in the window; numerator: those ever in `state`. */
export const everStateRate: KindFn<DefOf<"ever_state_rate">> = ({ model, window }) => {
  let numerator = 0;
  let denominator = 0;
  for (const a of model.aftersales.values()) {
    const reviewed = a.acted[0]?.at;
    if (reviewed === undefined || !inRange(reviewed, window)) continue;
    denominator++;
    if (a.awaitingCustomer.length > 0) numerator++;
  }
  return { value: ratio(numerator, denominator), numerator, denominator, wakeups: [] };
};

/**
 * pdd `overdue_refund_count`, a count: after-sales whose first merchant wait reached `deadline` without an
 * end, counted by the deadline's day in the window. An action exactly at the deadline is in time.
 */
export const overdueRefundCount: KindFn<DefOf<"overdue_refund_count">> = ({ def, model, window, asOf, limits }) => {
  const dl = durationMs(def.params.deadline);
  let value = 0;
  const pendingItems: { id: string; deadline: number }[] = [];
  for (const a of model.aftersales.values()) {
    if (!a.requested) continue;
    const deadline = a.requested.at + (window.calendar?.deadline(a.requested.at, dl, a.requested.kind) ?? dl);
    const end = firstWaitEnd(a);
    const overdue = end !== undefined ? end > deadline : deadline <= asOf;
    if (overdue) {
      if (inRange(dayStart(deadline), window)) value++;
    } else if (end === undefined && window.calendar?.suspended(deadline) !== true) {
      pendingItems.push({ id: a.afterSaleId, deadline });
    }
  }
  const pendingDeadlines = pendingItems.map((p) => p.deadline);
  return {
    value,
    pendingItems,
    pending: pendingDeadlines.length,
    due: dueOf(pendingDeadlines, asOf, limits.leadMs, (k) => value + k),
    wakeups: deadlineWakeups(pendingDeadlines, limits.leadMs),
  };
};
