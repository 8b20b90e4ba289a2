// Types of history-line.js for the gateway's TypeScript tests (the page runs the .js as is).
export const LINE_WIDTH: number;
export const LINE_HEIGHT: number;
export interface HistoryLine {
  width: number;
  height: number;
  /** Days with a value. */
  days: number;
  /** SVG polyline `points`, one per run of kept days. */
  segments: string[];
  /** Projected days with a value (the forecast's roll-off). */
  projectedDays: number;
  /** SVG polyline `points` of the projected days, drawn dashed. */
  projected: string[];
  thresholdY: number | null;
}
export function historyLine(
  values: (number | null)[],
  lines?: { threshold?: number | null; target?: number | null },
  projected?: (number | null)[],
): HistoryLine | null;
