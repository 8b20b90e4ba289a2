import { PLATFORMS, type ShopScores } from "@sg/events";
import { loadRulePacks } from "@sg/rules";
import { Counter, Histogram, type Registry } from "prom-client";

/**
 * The processor's score telemetry, without a shop label (architecture.md "Bounded Prometheus labels"): the
 * per-shop score gauges are `sg_shop_score_*` (telemetry.ts, capped by EXPORT_SHOP_LIMIT); these count every
 * shop. Their labels take values from closed sets only:
 * - `platform`: the four platforms (anything else is `other`);
 * - `pack`: the id of a rule pack shipped in shared/rules/packs (anything else is `other`), about ten;
 * - `status`: `complete`, `incomplete`, `fixed` (a score), `firing`, `resolved` (an alert record);
 * - `severity`: `warning` (at risk), `critical` (below the line);
 * - `headroom`: `band` (the next band down), `line` (the shop's score line).
 * At most 5 × 11 × 3 series per counter and 5 × 11 × 2 histograms.
 *
 * - `sg_processor_score_evaluations_total{platform, pack, status}`: shop evaluations whose pack declares a score.
 * - `sg_processor_score_alert_records_published_total{platform, pack, status, severity}`: `score` alert records
 *   sent to sg.alerts.
 * - `sg_processor_score_headroom_items{platform, pack, headroom}`: histogram of the further bad items a complete
 *   score takes before it drops a band (`band`) or falls below the shop's line (`line`; 0 when below it).
 */
export const SCORE_HEADROOM_BUCKETS = [0, 1, 2, 3, 5, 10, 20, 50, 100, 200, 500];

const platforms = new Set<string>(PLATFORMS);
const platformLabel = (p: string) => (platforms.has(p) ? p : "other");
let packIds: Set<string> | undefined;
const packLabel = (id: string | undefined) => {
  packIds ??= new Set(loadRulePacks().keys());
  return id !== undefined && packIds.has(id) ? id : "other";
};
const SCORE_STATUSES = new Set(["complete", "incomplete", "fixed"]);
const ALERT_STATUSES = new Set(["firing", "resolved"]);
const SEVERITIES = new Set(["warning", "critical"]);
const oneOf = (set: Set<string>, v: string) => (set.has(v) ? v : "other");

/** A score alert record, as far as the counters read it. */
export interface ScoreAlertRecordView {
  kind?: string;
  platform?: string;
  status: string;
  severity: string;
  rulePack?: string;
  score?: { pack?: string };
}

export function scoreMetrics(registry: Registry) {
  const registers = [registry];
  const evaluations = new Counter({
    name: "sg_processor_score_evaluations_total",
    help: "Shop evaluations whose rule pack declares a score, by platform, pack and the score's status (complete, incomplete, fixed)",
    labelNames: ["platform", "pack", "status"] as const,
    registers,
  });
  const alerts = new Counter({
    name: "sg_processor_score_alert_records_published_total",
    help: "Score alert records (kind score) sent to sg.alerts, by platform, pack, status (firing, resolved) and severity",
    labelNames: ["platform", "pack", "status", "severity"] as const,
    registers,
  });
  const headroom = new Histogram({
    name: "sg_processor_score_headroom_items",
    help: "Further bad items a complete score takes before it drops a band (headroom=band) or falls below the shop's line (headroom=line)",
    labelNames: ["platform", "pack", "headroom"] as const,
    buckets: SCORE_HEADROOM_BUCKETS,
    registers,
  });
  // Every series of a shipped pack with a score starts at 0, so a quiet pipeline shows 0 rather than "No data".
  for (const pack of loadRulePacks().values()) {
    if (!pack.score) continue;
    const labels = { platform: platformLabel(pack.platform), pack: pack.id };
    for (const status of SCORE_STATUSES) evaluations.inc({ ...labels, status }, 0);
    for (const status of ALERT_STATUSES) for (const severity of SEVERITIES) alerts.inc({ ...labels, status, severity }, 0);
    for (const h of ["band", "line"]) headroom.zero({ ...labels, headroom: h });
  }
  return {
    /** Counts one evaluation of a shop's score and observes its headroom. */
    scoreEvaluated(platform: string, scores: ShopScores | undefined) {
      if (!scores) return;
      const labels = { platform: platformLabel(platform), pack: packLabel(scores.pack) };
      evaluations.inc({ ...labels, status: oneOf(SCORE_STATUSES, scores.status) });
      const hr = scores.headroom;
      if (hr?.band) headroom.observe({ ...labels, headroom: "band" }, hr.band.items);
      if (hr?.line) headroom.observe({ ...labels, headroom: "line" }, hr.line.items);
    },
    /** Counts a published alert record if it is a score alert. */
    alertPublished(r: ScoreAlertRecordView) {
      if (r.kind !== "score") return;
      alerts.inc({
        platform: platformLabel(r.platform ?? ""),
        pack: packLabel(r.score?.pack ?? r.rulePack),
        status: oneOf(ALERT_STATUSES, r.status),
        severity: oneOf(SEVERITIES, r.severity),
      });
    },
  };
}
