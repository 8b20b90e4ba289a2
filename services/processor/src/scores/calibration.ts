import type { CalibrationInput, ScoreCalibration, ShopScores } from "@sg/events";
import type { Dimension, RulePack } from "@sg/rules";
import { tidy } from "./tables.js";

/**
 * The calibration hook (docs/reconciliation.md, "Calibration hook for unpublished formulas"): an observed
 * dimension (the platform no longer publishes how it scores) starts from the platform's own figure of the
 * last day with figures (D0) and moves by ScoreGuard's exact indicator changes since D0.
 *
 * - Taken from the platform: `figures.dimensions[id]` (and `figures.total`, reported beside, never computed).
 * - Computed by ScoreGuard: each indicator's value now and at the end of D0 (the processor's day-end
 *   history), and their difference.
 * - Where the pack declares the dimension's in-dimension weights (the last published mapping) and every
 *   indicator's points are known on both days: D0 figure + Σ weight × (points now − points at D0) / 100,
 *   kept within 0–100 (a dimension's scale): `calibrated`. Otherwise the D0 figure unchanged: `as_of_d0`,
 *   with the changes listed beside it and not turned into points.
 */

export const calibrationLabel = (d0: string) => `calibrated from platform figures of ${d0}`;

/** One observed dimension's calibrated score, or undefined when the platform's figures lack it. */
export function calibrateDimension(input: {
  id: string;
  dimension: Dimension;
  calibration: CalibrationInput;
  /** Indicators as scored now, and as scored from ScoreGuard's end-of-day values of D0 (null: not taken). */
  now: ShopScores["indicators"];
  atD0: ShopScores["indicators"] | null;
  changes: ScoreCalibration["changes"];
}): { score: number; source: "calibrated" | "as_of_d0" } | undefined {
  const { id, dimension: d, calibration, now, atD0 } = input;
  const figure = calibration.figures.dimensions[id];
  if (figure === null || figure === undefined) return undefined;
  const w = d.weights;
  let moved: number | null = w === undefined || atD0 === null ? null : 0;
  for (const i of d.indicators) {
    const before = atD0?.[i]?.value ?? null;
    const after = now[i]?.value ?? null;
    const pNow = now[i]?.points ?? null;
    const pD0 = atD0?.[i]?.points ?? null;
    const points = pNow === null || pD0 === null ? null : tidy(pNow - pD0);
    const change: ScoreCalibration["changes"][number] = {
      indicator: i,
      dimension: id,
      d0: before,
      now: after,
      change: before === null || after === null ? null : tidy(after - before),
    };
    if (w !== undefined) change.points = points;
    input.changes.push(change);
    if (moved !== null) moved = points === null ? null : moved + points * (w![i] ?? 0);
  }
  if (moved === null) return { score: figure, source: "as_of_d0" };
  return { score: tidy(Math.min(100, Math.max(0, figure + moved / 100))), source: "calibrated" };
}

/** The score's calibration block: what was taken, from which day, and the changes listed. */
export function calibrationBlock(calibration: CalibrationInput, changes: ScoreCalibration["changes"]): ScoreCalibration {
  const f = calibration.figures;
  return {
    label: calibrationLabel(f.day),
    d0: f.day,
    taken: { total: f.total ?? null, dimensions: { ...f.dimensions } },
    d0Values: calibration.d0End !== null,
    changes,
  };
}

/** The metric readings of ScoreGuard's end-of-day values of D0, as a score reads them. */
export function d0Readings(
  calibration: CalibrationInput,
): Record<string, { value: number | null; numerator?: number; denominator?: number }> {
  const out: Record<string, { value: number | null; numerator?: number; denominator?: number }> = {};
  for (const [name, m] of Object.entries(calibration.d0End?.metrics ?? {})) {
    const r: { value: number | null; numerator?: number; denominator?: number } = { value: m.v };
    if (m.n !== undefined) r.numerator = m.n;
    if (m.d !== undefined) r.denominator = m.d;
    out[name] = r;
  }
  return out;
}

/** Whether any of the pack's dimensions is observed (calibration has something to fill). */
export const hasObservedDimension = (pack: RulePack) => Object.values(pack.score?.dimensions ?? {}).some((d) => d.observed);

/** The part of the configuration the calibration's start-up check reads. */
export interface CalibrationConfigView {
  scoreCalibration?: Partial<Record<string, boolean | undefined>> | undefined;
  shops?: Record<string, { scoreCalibration?: boolean | undefined } | undefined>;
}

/**
 * Opting in where no rule pack of the platform has an observed dimension calibrates nothing: a start-up
 * error naming the path, rather than a setting that silently does nothing.
 */
export function calibrationIssues(
  config: CalibrationConfigView,
  packs: ReadonlyMap<string, RulePack>,
): { path: (string | number)[]; message: string }[] {
  const observed = new Set([...packs.values()].filter(hasObservedDimension).map((p) => p.id.slice(0, p.id.indexOf("@"))));
  const why = (platform: string) => `no rule pack of ${platform} has an observed dimension: nothing to calibrate`;
  const out: { path: (string | number)[]; message: string }[] = [];
  for (const [platform, on] of Object.entries(config.scoreCalibration ?? {}))
    if (on === true && !observed.has(platform)) out.push({ path: ["scoreCalibration", platform], message: why(platform) });
  for (const [key, shop] of Object.entries(config.shops ?? {})) {
    const platform = key.slice(0, key.indexOf(":"));
    if (shop?.scoreCalibration === true && !observed.has(platform))
      out.push({ path: ["shops", key, "scoreCalibration"], message: why(platform) });
  }
  return out;
}
