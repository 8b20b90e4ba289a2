import type { IndustryParams } from "@sg/config";
import type { Dimension } from "@sg/rules";

/**
 * The arithmetic of a score, shared by the score itself (compute.ts) and what is derived from it by
 * changing one indicator's points (headroom.ts, alerts.ts): band lookup, a dimension's weighted points, the
 * total. One implementation, so that a projected total is computed exactly as the total is.
 */

export type ClassParams = Pick<IndustryParams, "bands" | "weights" | "dimensionWeights">;

/** Rounds away float noise (0.1 + 0.2) without hiding real digits. */
export const tidy = (x: number) => Math.round(x * 1e6) / 1e6;

/** A flagship shop's tables: per indicator and per dimension, the flagship's replace the industry's. */
export function flagshipClass(params: IndustryParams): ClassParams & { points?: number[] | undefined } {
  const f = params.flagship ?? {};
  return {
    ...params,
    bands: { ...params.bands, ...f.bands },
    weights: { ...params.weights, ...f.weights },
    dimensionWeights: f.dimensionWeights ?? params.dimensionWeights,
  };
}

/**
 * The band a value falls in, 1 = best: `lines[i]` is the cut-off between band i+1 and band i+2, and a value
 * exactly on a cut-off earns the better band.
 */
export function bandNumber(lines: readonly number[], direction: "min" | "max", value: number): number {
  const i = lines.findIndex((line) => (direction === "max" ? value <= line : value >= line));
  return i === -1 ? lines.length + 1 : i + 1;
}

/** The in-dimension weights of a computed dimension: the pack's, the table's, or 100 for a lone indicator. */
export function inDimensionWeights(d: Dimension, cls: ClassParams, id: string): Record<string, number> | undefined {
  return d.weights ?? cls.weights?.[id] ?? (d.indicators.length === 1 ? { [d.indicators[0]!]: 100 } : undefined);
}

/** A dimension's score from its indicators' points (all known) and weights. */
export function dimensionScore(indicators: readonly string[], points: readonly number[], w: Record<string, number>): number {
  return tidy(indicators.reduce((acc, i, k) => acc + points[k]! * (w[i] ?? 0), 0) / 100);
}

/** Σ dimension × weight / 100 + bonuses − deductions, kept within the published range. */
export function combineTotal(
  dimensions: Iterable<{ score: number | null; weight: number | null }>,
  bonuses: number,
  deductions: number,
  range: readonly [number, number] | undefined,
): number {
  let sum = 0;
  for (const d of dimensions) sum += (d.score ?? 0) * (d.weight ?? 0);
  let total = sum / 100 + bonuses - deductions;
  if (range) total = Math.min(range[1], Math.max(range[0], total));
  return tidy(total);
}
