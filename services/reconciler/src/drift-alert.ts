import { RECONCILIATION_ALERT_ITEMS, type ReconciliationAlertDetail, type ReconciliationReport } from "@sg/events";
import type { ToleranceUnit } from "./compare/tolerance.js";

/**
 * What a `reconciliation_drift` alert carries for its message: the compared day, the counts, and the first
 * items in drift with both figures in their unit (a metric's value in the metric's unit, points as points).
 */
export function driftAlertDetail(report: ReconciliationReport, units: Readonly<Record<string, ToleranceUnit>>): ReconciliationAlertDetail {
  const drifting = report.lines.filter((l) => l.status === "drift");
  return {
    day: report.day,
    compared: report.summary.compared,
    drift: report.summary.drift,
    items: drifting.slice(0, RECONCILIATION_ALERT_ITEMS).map((l) => ({
      item: l.item,
      kind: l.kind,
      unit: l.compared === "points" ? "points" : (units[l.item] ?? "points"),
      platform: l.platform,
      ours: l.ours,
    })),
  };
}
