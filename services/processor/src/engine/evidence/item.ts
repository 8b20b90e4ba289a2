import type { EvidenceOutcome, ExclusionReason, ExclusionScope } from "@sg/events";
import type { MetricDef } from "@sg/rules";
import type { Range } from "../calendar.js";
import type { Limits } from "../types.js";
import type { Why } from "./words.js";
import type { ItemCalendar } from "./calendar-evidence.js";

/**
 * One counted item of a metric as the engine lists it (docs/evidence.md): the entity (or the consumer's
 * day, wait or session), its outcome at `asOf`, the moments that decided it and why. `n` and `d` are the
 * item's own part of the metric's numerator and denominator (in the measure's units: a count, hours,
 * seconds), so the value without it is (numerator − n) / (denominator − d); a count metric's item has
 * `n` 1 when it is counted.
 */
export interface RawItem {
  scope: ExclusionScope;
  id: string;
  consumerId?: string;
  outcome: EvidenceOutcome;
  /** The moment that places the item in the window (metrics.md "An item is in the window when…"). */
  at: number;
  moments: { name: string; at: number }[];
  why: Why;
  n: number;
  d: number;
  /**
   * Left out: by a calendar entry (calendar-evidence.ts), or taken out by an approved exclusion
   * (exclusion-items.ts: why, and when it was decided). Outcome `excluded`, n and d 0.
   */
  leftOut?:
    | { by: "calendar"; entry: string; name: string; rule: "suspended" | "region_excluded" }
    | { by: "exclusion"; reason: ExclusionReason; exclusionId?: string; at: number };
  /** Named by an exclusion requested and not decided. */
  pendingExclusion?: { reason: ExclusionReason; exclusionId?: string; at: number };
}

/** What every kind's lister reads besides the entity: the clock and the metric's limits after overrides. */
export interface ItemContext {
  asOf: number;
  limits: Limits;
  /** The metric's window at `asOf` (an item whose parts fall on different days needs it). */
  window: Range;
  /** The shop's calendar, whose deadline extensions change an item's line (calendar-evidence.ts); absent: none. */
  calendar?: ItemCalendar;
}

/**
 * A yes/no item's outcome: a hit adds to the numerator, which is the good side of a `min` metric (on-time
 * pickups) and the bad side of a `max` one (bad reviews, disputes).
 */
export function rateOutcome(def: MetricDef, hit: boolean): EvidenceOutcome {
  return hit === (def.direction === "min") ? "good" : "bad";
}

/**
 * A mean's item is bad when its own value is on the wrong side of the metric's line (the threshold, else the
 * target): a parcel 80 h on the way under a 72 h target. Without a line every item is good. The platform
 * judges the mean, not the item; this only says which items pull the mean over its line.
 */
export function meanOutcome(def: MetricDef, limits: Limits, value: number): EvidenceOutcome {
  const l = limits.threshold ?? limits.target;
  if (l === null) return "good";
  return (def.direction === "max" ? value > l : value < l) ? "bad" : "good";
}

/** The metric's line for a mean's sentence, in its unit, or undefined without one. */
export function meanLine(limits: Limits): number | undefined {
  return limits.threshold ?? limits.target ?? undefined;
}
