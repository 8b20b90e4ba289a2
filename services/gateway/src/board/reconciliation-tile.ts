import type { ReconciliationReport } from "@sg/events";

/**
 * What the board's reconciliation tile shows of a shop's latest report (docs/reconciliation.md): the day, whether
 * the platform's figures arrived, how many compared items match, and the items in drift with both figures. Only
 * this summary travels to the page, not the report's explanations and causes (the API serves those).
 */
export interface BoardReconciliation {
  day: string;
  figures: "received" | "missing";
  compared: number;
  match: number;
  drift: BoardDriftItem[];
}

export interface BoardDriftItem {
  /** A metric or indicator name, `score.total`, or `score.dimension.<name>`. */
  item: string;
  kind: "metric" | "indicator" | "total" | "dimension";
  /** Which figure was compared: the item's value (in the metric's unit) or the points it scored. */
  compared: "value" | "points";
  platform: number | null;
  ours: number | null;
}

/** Most drift items one tile lists (a shop whose feed broke can drift on every item). */
export const MAX_DRIFT_ITEMS = 20;

/** The tile's summary of a report; null without a report (the page says "no platform figures yet"). */
export function boardReconciliation(report: ReconciliationReport | null): BoardReconciliation | null {
  if (report === null) return null;
  return {
    day: report.day,
    figures: report.figures.status,
    compared: report.summary.compared,
    match: report.summary.match,
    drift: report.lines
      .filter((l) => l.status === "drift")
      .slice(0, MAX_DRIFT_ITEMS)
      .map((l) => ({ item: l.item, kind: l.kind, compared: l.compared, platform: l.platform, ours: l.ours })),
  };
}
