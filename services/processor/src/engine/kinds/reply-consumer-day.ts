import type { DefOf } from "@sg/rules";
import { durationMs } from "@sg/rules";
import { dailyHours, inHours, inRange } from "../calendar.js";
import { waits } from "../chat.js";
import type { KindFn } from "../types.js";
import { deadlineWakeups, dueOf, ratio } from "./ratio.js";

/**
 * kuaishou@2023-03 / pdd@2020-02 `human_reply_3min_rate`, per consumer-day: counted waits are those opened
 * in service hours of the day; a wait is missed if it has not ended `deadline` after it opened.
 * Denominator: consumers with a counted wait; numerator: denominator minus consumers with a missed one.
 * A wait not yet due is pending: its consumer counts as not missed (the worked example
 * kuaishou-chat-day has 2/3 with one pending consumer).
 */
export const replyConsumerDay: KindFn<DefOf<"reply_consumer_day">> = ({ def, model, asOf, window, limits }) => {
  const deadlineMs = durationMs(def.params.deadline);
  const hours = dailyHours(def.params.serviceHours);
  let denominator = 0;
  let bad = 0;
  let pending = 0;
  const pendingItems: { id: string; deadline: number }[] = [];
  for (const c of model.consumers.values()) {
    let counted = false;
    let missed = false;
    let firstPendingDeadline: number | undefined;
    for (const w of waits(c)) {
      if (!inRange(w.open, window) || !inHours(w.open, hours)) continue;
      counted = true;
      const deadline = w.open + (window.calendar?.deadline(w.open, deadlineMs) ?? deadlineMs);
      if (w.end !== undefined ? w.end > deadline : deadline <= asOf) missed = true;
      else if (w.end === undefined) firstPendingDeadline = Math.min(firstPendingDeadline ?? deadline, deadline);
    }
    if (!counted) continue;
    denominator++;
    if (missed) bad++;
    else if (firstPendingDeadline !== undefined) {
      pending++;
      pendingItems.push({ id: c.consumerId, deadline: firstPendingDeadline });
    }
  }
  const numerator = denominator - bad;
  const pendingDeadlines = pendingItems.map((p) => p.deadline);
  return {
    value: ratio(numerator, denominator),
    numerator,
    denominator,
    pending,
    pendingItems,
    due: dueOf(pendingDeadlines, asOf, limits.leadMs, (k) => ratio(numerator - k, denominator)),
    wakeups: deadlineWakeups(pendingDeadlines, limits.leadMs),
  };
};
