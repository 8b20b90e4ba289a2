import { hhmmMinutes } from "@sg/rules";
import { dayStart } from "../calendar.js";
import { all, first, type Fact } from "./facts.js";

/** After-sale definitions of metrics.md "Shared definitions" and JD's business time, restated. */

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A merchant wait: opens at `aftersale.requested` and at each `aftersale.return_signed`. */
export interface MerchantWait {
  open: number;
  /** The earliest `merchant_acted`, `completed` or `cancelled` at or after the opening; absent while none. */
  end?: number;
}

export function merchantWaits(facts: readonly Fact[]): MerchantWait[] {
  const requested = first(facts, "aftersale.requested");
  if (!requested) return [];
  const opens = [requested.at, ...all(facts, "aftersale.return_signed").map((f) => f.at)];
  const enders = facts
    .filter(
      (f) =>
        f.event.type === "aftersale.merchant_acted" || f.event.type === "aftersale.completed" || f.event.type === "aftersale.cancelled",
    )
    .map((f) => f.at);
  return opens.map((open) => {
    const later = enders.filter((t) => t >= open);
    return later.length === 0 ? { open } : { open, end: Math.min(...later) };
  });
}

/** Awaiting-merchant time: the sum of the merchant waits, each on its own; a wait with no end runs to `asOf`. */
export function awaitingMerchantMs(facts: readonly Fact[], asOf: number): number {
  let sum = 0;
  for (const w of merchantWaits(facts)) sum += Math.max(0, (w.end ?? asOf) - w.open);
  return sum;
}

/** Business hours `[from, to)` of each Shanghai day, as ms after midnight. */
export interface BusinessHours {
  fromMs: number;
  toMs: number;
}

export function businessHours([from, to]: readonly [string, string]): BusinessHours {
  return { fromMs: hhmmMinutes(from) * MINUTE, toMs: hhmmMinutes(to) * MINUTE };
}

/** Business time from `a` to `b`: the clock runs only inside business hours, day by day. */
export function businessMs(a: number, b: number, h: BusinessHours): number {
  let total = 0;
  for (let day = dayStart(a); day < b; day += DAY) {
    const from = Math.max(a, day + h.fromMs);
    const to = Math.min(b, day + h.toMs);
    if (to > from) total += to - from;
  }
  return total;
}

/** The moment at which `amount` of business time has run since `a` (the business-time deadline). */
export function businessDeadline(a: number, amount: number, h: BusinessHours): number {
  let day = dayStart(a);
  // Whole days until the remaining amount fits in one day's business hours.
  while (businessMs(a, day + DAY, h) < amount) day += DAY;
  const before = businessMs(a, day, h);
  const start = Math.max(a, day + h.fromMs);
  return start + (amount - before);
}
