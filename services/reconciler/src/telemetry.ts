import { Counter, Gauge, type Registry } from "prom-client";

/** The reconciler's Prometheus series: no shop label (architecture.md "Bounded Prometheus labels"). */
export function createReconcilerMetrics(registry: Registry) {
  return {
    /** Items found outside tolerance, by platform and compared item (a metric, indicator, or score part). */
    drifts: new Counter({
      name: "sg_reconciliation_drifts_total",
      help: "Items whose platform figure and ScoreGuard's day-end value differ beyond tolerance, by platform and item",
      labelNames: ["platform", "metric"] as const,
      registers: [registry],
    }),
    /** Comparisons made, by platform and outcome (match: no drift; drift; missing: no figures). */
    comparisons: new Counter({
      name: "sg_reconciliation_comparisons_total",
      help: "Shop-day comparisons with the platform's figures, by platform and outcome",
      labelNames: ["platform", "outcome"] as const,
      registers: [registry],
    }),
    /** Pull attempts, by platform and result (ok, retry, failed). */
    pulls: new Counter({
      name: "sg_reconciliation_pulls_total",
      help: "Pulls of a platform's score API, by platform and result",
      labelNames: ["platform", "result"] as const,
      registers: [registry],
    }),
    /** Shop-days whose figures are still missing after the last pass. */
    missing: new Gauge({
      name: "sg_reconciliation_missing_figures",
      help: "Shop-days of yesterday whose platform figures are still missing, by platform",
      labelNames: ["platform"] as const,
      registers: [registry],
    }),
  };
}
export type ReconcilerMetrics = ReturnType<typeof createReconcilerMetrics>;
