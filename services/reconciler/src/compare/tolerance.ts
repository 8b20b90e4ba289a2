/**
 * The default tolerance of a compared item, by unit: half of the last digit the platforms display, so a
 * figure shown rounded still matches (docs/reconciliation.md). `reconciliation.tolerances` overrides per item.
 */
export const DEFAULT_TOLERANCE = {
  /** Rates are shown as percentages with two decimals (11.11%): half of 0.01% is 0.00005. */
  ratio: 0.00005,
  /** Durations in hours with two decimals. */
  hours: 0.005,
  /** Response times in whole seconds. */
  seconds: 0.5,
  /** Counts are exact. */
  count: 0,
  /** Scores and points with two decimals (90.00, 22.50). */
  points: 0.005,
  /** Star levels are shown in half stars (4.5): any difference is a drift. */
  stars: 0,
} as const;
export type ToleranceUnit = keyof typeof DEFAULT_TOLERANCE;

/** Float noise (0.1 + 0.2) never decides a drift. */
export const EPSILON = 1e-9;
