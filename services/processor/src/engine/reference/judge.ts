import type { DefOf, MetricDef } from "@sg/rules";
import type { MetricOutput } from "@sg/events";
import type { Measurement, Pending } from "./measures.js";

/** metrics.md "Status", "Headroom" and the dispute rule, restated; docs/metric-decisions.md where it is silent. */

/** A metric's effective lines after the shop's overrides, and its lead time. */
export interface Lines {
  threshold: number | null;
  target: number | null;
  leadMs: number;
}

export interface Judged {
  output: MetricOutput;
  /** Not in breach, and pending items due within the lead time would make it breach if all turned bad. */
  atRisk: boolean;
  /** Not in breach, and on the wrong side of the target (dispute rule: one more liable dispute would breach). */
  pastTarget: boolean;
  /** The pending items due within the lead time, and the value if they all turn out bad. */
  due?: { count: number; soonest: number; projected: number | null };
}

/** Floating-point slack: 7 / 0.7 must give 10 further items, not 9. */
const SLACK = 1e-9;

const wrongSide = (direction: "min" | "max", value: number, line: number) => (direction === "min" ? value < line : value > line);

function disputeBreaches(def: DefOf<"dispute_rate">, numerator: number, denominator: number, rate: number): boolean {
  return denominator > 0 && numerator >= def.params.minCount && numerator / denominator > rate;
}

export function judge(def: MetricDef, lines: Lines, m: Measurement, asOf: number): Judged {
  const output: MetricOutput = { value: m.value, status: "ok" };
  if (m.numerator !== undefined) output.numerator = m.numerator;
  if (m.denominator !== undefined) output.denominator = m.denominator;
  if (m.pending !== undefined) output.pending = m.pending.length;
  if (m.tier !== undefined) output.tier = m.tier;
  if (m.penalty !== undefined) output.penalty = m.penalty;

  const soon = (m.pending ?? []).filter((p: Pending) => p.deadline <= asOf + lines.leadMs).map((p) => p.deadline);
  const due =
    soon.length === 0 ? undefined : { count: soon.length, soonest: Math.min(...soon), projected: m.ifBad ? m.ifBad(soon.length) : null };

  // A count or points metric has no denominator and is never no_data.
  const counted = def.unit === "count" || def.unit === "points";
  if (!counted && (m.denominator ?? 0) === 0) {
    output.value = null;
    output.status = "no_data";
    return { output, atRisk: false, pastTarget: false, ...(due ? { due } : {}) };
  }
  const value = m.value!;
  const { threshold, target } = lines;

  if (def.kind === "dispute_rate") {
    const num = m.numerator!;
    const den = m.denominator!;
    const rate = threshold ?? def.params.rate;
    const breach = disputeBreaches(def, num, den, rate);
    const pastTarget = !breach && (disputeBreaches(def, num + 1, den, rate) || (target !== null && value > target));
    // Further liable disputes (same denominator) before a breach: the smallest breaching count, less one, less num.
    if (breach) output.headroom = 0;
    else {
      let breaching = Math.max(num + 1, def.params.minCount, Math.floor(rate * den) + 1);
      while (!disputeBreaches(def, breaching, den, rate)) breaching++;
      while (breaching - 1 > num && disputeBreaches(def, breaching - 1, den, rate)) breaching--;
      output.headroom = breaching - num - 1;
    }
    output.status = breach ? "breach" : pastTarget ? "warning" : "ok";
    return { output, atRisk: false, pastTarget, ...(due ? { due } : {}) };
  }

  const breach = threshold !== null && wrongSide(def.direction, value, threshold);
  const pastTarget = !breach && target !== null && wrongSide(def.direction, value, target);
  const atRisk =
    !breach && threshold !== null && due !== undefined && due.projected !== null && wrongSide(def.direction, due.projected, threshold);
  if (def.unit === "ratio" && threshold !== null) {
    const good = m.numerator!;
    const den = m.denominator!;
    output.headroom =
      def.direction === "min" ? Math.floor(good / threshold - den + SLACK) : Math.floor((threshold * den - good) / (1 - threshold) + SLACK);
  }
  output.status = breach ? "breach" : pastTarget || atRisk ? "warning" : "ok";
  return { output, atRisk, pastTarget, ...(due ? { due } : {}) };
}
