import type { RulePack } from "@sg/rules";
import type { ShopOverrides } from "../engine/types.js";
import { windowRange, type Range } from "../engine/calendar.js";

/**
 * What a shop's score reads of its bonus and deduction events (docs/scores.md "Bonuses and deductions as
 * events"), as engine v2 keeps it (engine/incremental/score-records.ts) and the full-history engine folds it.
 * Points are kept in hundredths (Redis adds integers): a deduction of 2.5 points is 250.
 */
export interface ScoreEventFacts {
  /** The evaluated moment: a grant holds while `from ≤ asOf < end`. */
  asOf: number;
  /** Every grant the state holds, by bonus id (in force or not: a revoked or ended grant still speaks for its bonus). */
  grants: Record<string, ScoreGrant[]>;
  /** By deduction part, the violations counted in the pack's deduction window: hundredths of points, how many, and how many were revoked. */
  deductions: Record<string, { centi: number; count: number; revoked: number }>;
}

export interface ScoreGrant {
  from: number;
  /** Exclusive end: `validTo`, or the revocation if earlier; null: until revoked. */
  end: number | null;
  share?: number;
}

/** The pack's deduction window at asOf, or undefined for a pack that declares no deductions. */
export function deductionWindow(pack: RulePack, asOf: number): Range | undefined {
  const d = pack.score?.deductions;
  if (!d) return undefined;
  return windowRange(d.window as Parameters<typeof windowRange>[0], asOf);
}

/** Whether the pack's score reads bonus or deduction events at all. */
export function readsScoreEvents(pack: RulePack): boolean {
  return pack.score?.bonuses !== undefined || pack.score?.deductions !== undefined;
}

/** Points as the engine counts them: hundredths, rounded. */
export function centiPoints(points: number): number {
  return Math.round(points * 100);
}

/** The evaluation's input with the shop's score event facts attached to its score context (none: unchanged). */
export function withScoreEvents<T extends { shop: ShopOverrides }>(input: T, events: ScoreEventFacts | undefined): T {
  if (events === undefined) return input;
  return { ...input, shop: { ...input.shop, score: { ...input.shop.score, events } } };
}
