import type { DefOf } from "@sg/rules";
import { inRange } from "../calendar.js";
import type { KindFn, Measured, PendingItem } from "../types.js";
import { buyerRounds } from "./items-2026.js";
import { deadlineWakeups, dueOf, ratio } from "./ratio.js";

/**
 * `buyer_reply_rate` (pdd@2026 3分钟人工回复率): per buyer over the whole window, not per day. A buyer with a
 * round in the window counts once; bad when any of those rounds was missed; pending when none was missed
 * yet and one is undecided (its earliest deadline). Value = (buyers − bad buyers) / buyers.
 */
export const buyerReplyRate: KindFn<DefOf<"buyer_reply_rate">> = ({ def, model, asOf, window, limits }) => {
  let buyers = 0;
  let bad = 0;
  const pending: PendingItem[] = [];
  for (const c of model.consumers.values()) {
    const rounds = buyerRounds(c, def, asOf).filter((r) => inRange(r.open, window));
    if (rounds.length === 0) continue;
    buyers++;
    if (rounds.some((r) => r.missed)) bad++;
    else {
      const open = rounds.filter((r) => r.deadline !== undefined).map((r) => r.deadline!);
      if (open.length > 0) pending.push({ id: c.consumerId, deadline: Math.min(...open) });
    }
  }
  return buyerRate(buyers - bad, buyers, pending, asOf, limits.leadMs);
};

/** A pending buyer is counted already: turning bad takes one from the numerator (at-risk's projection). */
export function buyerRate(good: number, buyers: number, pendingItems: PendingItem[], asOf: number, leadMs: number): Measured {
  const deadlines = pendingItems.map((p) => p.deadline);
  return {
    value: ratio(good, buyers),
    numerator: good,
    denominator: buyers,
    pending: pendingItems.length,
    pendingItems,
    due: dueOf(deadlines, asOf, leadMs, (k) => ratio(good - k, buyers)),
    wakeups: deadlineWakeups(deadlines, leadMs),
  };
}
