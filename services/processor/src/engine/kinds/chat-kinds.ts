import type { DefOf } from "@sg/rules";
import { durationMs } from "@sg/rules";
import { dailyHours, inHours, inRange } from "../calendar.js";
import { sessions, waits } from "../chat.js";
import type { KindFn } from "../types.js";
import { sessionTakenOut } from "../model.js";
import { deadlineWakeups, dueOf, rateWithPending, ratio } from "./ratio.js";

/**
 * douyin `avg_response_seconds`: waits opened in service hours of the day; response = end − open capped at
 * `cap`; a wait still open at `cap` counts `cap`; one still open under `cap` is pending and not in the mean.
 * Numerator = sum of seconds, denominator = waits averaged.
 */
export const avgResponseSeconds: KindFn<DefOf<"avg_response_seconds">> = ({ def, model, window, asOf, limits }) => {
  const cap = durationMs(def.params.cap);
  const hours = dailyHours(def.params.serviceHours);
  // Summed in whole ms and divided once, so the result does not depend on the order of the sum.
  let sumMs = 0;
  let n = 0;
  const pendingItems: { id: string; deadline: number }[] = [];
  for (const c of model.consumers.values()) {
    for (const w of waits(c)) {
      if (!inRange(w.open, window) || !inHours(w.open, hours) || sessionTakenOut(model, c.consumerId, w.open)) continue;
      if (w.end !== undefined) {
        sumMs += Math.min(w.end - w.open, cap);
        n++;
      } else if (w.open + cap <= asOf) {
        sumMs += cap;
        n++;
      } else {
        pendingItems.push({ id: c.consumerId, deadline: w.open + cap });
      }
    }
  }
  const pendingDeadlines = pendingItems.map((p) => p.deadline);
  const sum = sumMs / 1000;
  return {
    value: ratio(sum, n),
    pendingItems,
    numerator: sum,
    denominator: n,
    pending: pendingDeadlines.length,
    due: dueOf(pendingDeadlines, asOf, limits.leadMs, (k) => ratio((sumMs + k * cap) / 1000, n + k)),
    wakeups: deadlineWakeups(pendingDeadlines, limits.leadMs),
  };
};

/**
 * jd `first_response_30s_rate`, per session: counted if the session opens in service hours of the day;
 * responded if a reply follows its first consumer message within `responseWithin`. A session still
 * inside that time is pending, neither good nor bad (metrics.md "Pending"), and not in the ratio.
 */
export const firstResponseSessions: KindFn<DefOf<"first_response_sessions">> = ({ def, model, window, asOf, limits }) => {
  const gap = durationMs(def.params.sessionGap);
  const within = durationMs(def.params.responseWithin);
  const hours = dailyHours(def.params.serviceHours);
  let numerator = 0;
  let denominator = 0;
  const pendingItems: { id: string; deadline: number }[] = [];
  for (const c of model.consumers.values()) {
    for (const s of sessions(c, gap)) {
      if (!inRange(s.open, window) || !inHours(s.open, hours) || sessionTakenOut(model, c.consumerId, s.open)) continue;
      const deadline = s.open + (window.calendar?.deadline(s.open, within) ?? within);
      if (s.firstReply !== undefined && s.firstReply <= deadline) {
        numerator++;
        denominator++;
      } else if (s.firstReply !== undefined || deadline <= asOf) {
        denominator++;
      } else {
        pendingItems.push({ id: c.consumerId, deadline });
      }
    }
  }
  return rateWithPending(numerator, denominator, pendingItems, asOf, limits.leadMs);
};
