import type { MetricKind } from "@sg/rules";
import type { WindowCalendar } from "./calendar.js";
import { suspendedDays, type ShopCalendar } from "./calendar-entries.js";
import { deadlineMs, excludingEntry } from "./calendar-items.js";
import { dayNumber } from "./incremental/contrib.js";

/**
 * A metric's calendar for the full-history engine (evaluate.ts `evaluateShop`): the same entries engine v2
 * applies, as hooks its kinds read from the window (calendar.ts `WindowCalendar`): suspended days, extended
 * deadlines and excluded regions (docs/calendars.md "What the engine must do"). Undefined without a calendar.
 */
export function windowCalendar(cal: ShopCalendar | undefined, metric: string, kind: MetricKind): WindowCalendar | undefined {
  if (cal === undefined) return undefined;
  const skip = suspendedDays(cal, metric, kind);
  return {
    suspended: (ms) => skip?.(dayNumber(ms)) === true,
    deadline: (open, base, aftersaleKind) => deadlineMs(cal, metric, dayNumber(open), base, aftersaleKind),
    regionExcluded: (at, from, to) => excludingEntry(cal, metric, dayNumber(at), from, to) !== undefined,
  };
}
