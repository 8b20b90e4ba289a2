import type { DefOf } from "@sg/rules";
import { HOUR, inRange } from "../calendar.js";
import type { AftersaleFacts } from "../model.js";
import type { KindFn } from "../types.js";
import { ratio } from "./ratio.js";

/**
 * Awaiting-merchant time (metrics.md "Shared definitions"): a merchant wait opens at `requested` and at each
 * `return_signed`, and ends at the earliest `merchant_acted`, `completed` or `cancelled` at or after it.
 * Returns the sum of the waits in ms; a wait with no end yet counts up to `asOf`.
 */
export function awaitingMerchantMs(a: AftersaleFacts, asOf: number): number {
  if (!a.requested) return 0;
  const ends = [...a.acted.map((x) => x.at), ...a.completed.map((x) => x.at), ...a.cancelled].sort((x, y) => x - y);
  let total = 0;
  for (const open of [a.requested.at, ...a.returnSigned]) {
    const end = ends.find((t) => t >= open) ?? asOf;
    total += Math.max(0, end - open);
  }
  return total;
}

/** The first merchant wait's end, if it has ended. */
export function firstWaitEnd(a: AftersaleFacts): number | undefined {
  if (!a.requested) return undefined;
  const open = a.requested.at;
  const ends = [...a.acted.map((x) => x.at), ...a.completed.map((x) => x.at), ...a.cancelled].filter((t) => t >= open);
  return ends.length ? Math.min(...ends) : undefined;
}

/**
 * `refund_only_completion_hours` / `return_refund_completion_hours`: after-sales of the given kinds
 * completed in the window (intervened ones only where the pack includes them); mean awaiting-merchant
 * time in hours. Numerator = sum of hours, denominator = after-sales averaged.
 */
export const aftersaleAwaitingHours: KindFn<DefOf<"aftersale_awaiting_hours">> = ({ def, model, window, asOf }) => {
  // Summed in whole ms and divided once, so the result does not depend on the order of the sum.
  let sumMs = 0;
  let n = 0;
  for (const a of model.aftersales.values()) {
    if (!a.requested || !def.params.kinds.includes(a.requested.kind as never)) continue;
    const completed = a.completed[0];
    if (!completed || !inRange(completed.at, window)) continue;
    if (!def.params.includeIntervened && a.intervened.length > 0) continue;
    sumMs += awaitingMerchantMs(a, asOf);
    n++;
  }
  const sumHours = sumMs / HOUR;
  return { value: ratio(sumHours, n), numerator: sumHours, denominator: n, wakeups: [] };
};
