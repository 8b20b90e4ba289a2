import type { MetricDef } from "@sg/rules";
import { disputeBreach } from "./kinds/dispute-rate.js";
import type { Limits, Measured, MetricOutput, Status } from "./types.js";

/** Status, headroom and at-risk from what a kind measured (metrics.md "Status", "Headroom"). */

const EPS = 1e-9;

function wrongSide(direction: "min" | "max", value: number, line: number): boolean {
  return direction === "min" ? value < line : value > line;
}

/** A metric without a denominator (a count, or points) is never `no_data`. */
function hasDenominator(def: MetricDef): boolean {
  return def.unit !== "count" && def.unit !== "points";
}

export interface Derived {
  output: MetricOutput;
  atRisk: boolean;
  pastTarget: boolean;
}

export function deriveStatus(def: MetricDef, limits: Limits, m: Measured): Derived {
  const output: MetricOutput = { value: m.value, status: "ok" };
  if (m.numerator !== undefined) output.numerator = m.numerator;
  if (m.denominator !== undefined) output.denominator = m.denominator;
  if (m.pending !== undefined) output.pending = m.pending;
  if (m.extra) Object.assign(output, m.extra);

  if (hasDenominator(def) && (m.denominator ?? 0) === 0) {
    output.value = null;
    output.status = "no_data";
    return { output, atRisk: false, pastTarget: false };
  }
  const value = m.value as number;
  const { threshold, target } = limits;
  let breach: boolean;
  let pastTarget: boolean;
  let atRisk = false;
  if (def.kind === "dispute_rate") {
    // Breach only when numerator ≥ 4 and value > 0.35%; warning when one more such dispute would breach.
    const num = m.numerator ?? 0;
    const den = m.denominator ?? 0;
    const rate = threshold ?? def.params.rate;
    breach = disputeBreach(def, num, den, rate);
    pastTarget = !breach && (disputeBreach(def, num + 1, den, rate) || (target !== null && value > target));
    if (!breach) {
      let k = 0;
      while (!disputeBreach(def, num + k + 1, den, rate)) k++;
      output.headroom = k;
    } else output.headroom = 0;
  } else {
    breach = threshold !== null && wrongSide(def.direction, value, threshold);
    pastTarget = target !== null && wrongSide(def.direction, value, target);
    if (def.unit === "ratio" && threshold !== null) output.headroom = headroom(def.direction, threshold, m);
  }
  if (!breach && threshold !== null && m.due && m.due.projected !== null) {
    atRisk = def.kind === "dispute_rate" ? false : wrongSide(def.direction, m.due.projected, threshold);
  }
  const status: Status = breach ? "breach" : pastTarget || atRisk ? "warning" : "ok";
  output.status = status;
  return { output, atRisk, pastTarget: pastTarget && !breach };
}

/**
 * Further bad items the metric can take before it breaches. min: bad items add to the denominator only,
 * floor(good / threshold − denominator); max: bad items add to both, floor((threshold × den − bad) / (1 − threshold)).
 */
export function headroom(direction: "min" | "max", threshold: number, m: Measured): number {
  const num = m.numerator ?? 0;
  const den = m.denominator ?? 0;
  if (direction === "min") return Math.floor(num / threshold - den + EPS);
  return Math.floor((threshold * den - num) / (1 - threshold) + EPS);
}
