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

/** judgeStatus's answer: bits of these. */
export const NO_DATA = 1;
export const BREACH = 2;
/** Past the target (on the wrong side of it, whether or not breached). */
export const PAST_TARGET = 4;
export const AT_RISK = 8;

/**
 * The status of a measurement, as bits (NO_DATA, else BREACH, PAST_TARGET, AT_RISK): deriveStatus's judgement
 * without building its output, so that the forecast's points (forecast/numeric-points.ts) judge exactly as the
 * evaluation does. `projected`: the value should every due item turn out bad (Measured.due.projected), null
 * when nothing is due or it has no value.
 */
export function judgeStatus(
  def: MetricDef,
  limits: Limits,
  value: number | null,
  numerator: number | undefined,
  denominator: number | undefined,
  projected: number | null,
): number {
  if (hasDenominator(def) && (denominator ?? 0) === 0) return NO_DATA;
  const v = value as number;
  const { threshold, target } = limits;
  let breach: boolean;
  let pastTarget: boolean;
  if (def.kind === "dispute_rate") {
    // Breach only when numerator ≥ 4 and value > 0.35%; warning when one more such dispute would breach.
    const num = numerator ?? 0;
    const den = denominator ?? 0;
    const rate = threshold ?? def.params.rate;
    breach = disputeBreach(def, num, den, rate);
    pastTarget = !breach && (disputeBreach(def, num + 1, den, rate) || (target !== null && v > target));
  } else {
    breach = threshold !== null && wrongSide(def.direction, v, threshold);
    pastTarget = target !== null && wrongSide(def.direction, v, target);
  }
  const atRisk =
    !breach && threshold !== null && projected !== null && def.kind !== "dispute_rate" && wrongSide(def.direction, projected, threshold);
  return (breach ? BREACH : 0) | (pastTarget ? PAST_TARGET : 0) | (atRisk ? AT_RISK : 0);
}

export function deriveStatus(def: MetricDef, limits: Limits, m: Measured): Derived {
  const output: MetricOutput = { value: m.value, status: "ok" };
  if (m.numerator !== undefined) output.numerator = m.numerator;
  if (m.denominator !== undefined) output.denominator = m.denominator;
  if (m.pending !== undefined) output.pending = m.pending;
  if (m.extra) Object.assign(output, m.extra);

  const j = judgeStatus(def, limits, m.value, m.numerator, m.denominator, m.due ? m.due.projected : null);
  if (j === NO_DATA) {
    output.value = null;
    output.status = "no_data";
    return { output, atRisk: false, pastTarget: false };
  }
  const breach = (j & BREACH) !== 0;
  const pastTarget = (j & PAST_TARGET) !== 0;
  const atRisk = (j & AT_RISK) !== 0;
  const { threshold } = limits;
  if (def.kind === "dispute_rate") {
    const num = m.numerator ?? 0;
    const den = m.denominator ?? 0;
    const rate = threshold ?? def.params.rate;
    if (!breach) {
      let k = 0;
      while (!disputeBreach(def, num + k + 1, den, rate)) k++;
      output.headroom = k;
    } else output.headroom = 0;
  } else if (def.unit === "ratio" && threshold !== null) output.headroom = headroom(def.direction, threshold, m);
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
