import type { ShopScores } from "@sg/events";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { processorMetrics } from "./telemetry.js";

const score = (status: ShopScores["status"], pack = "douyin@2026-09", headroom?: ShopScores["headroom"]): ShopScores => ({
  title: "商家体验分",
  pack,
  effective: "2026-09-08",
  status,
  total: status === "incomplete" ? null : 88,
  dimensions: {},
  indicators: {},
  bonuses: 0,
  deductions: 0,
  missing: [],
  ...(headroom ? { headroom } : {}),
});

describe("score telemetry (no shop label)", () => {
  it("counts evaluations by platform, pack and status, and observes band and line headroom", async () => {
    const registry = new Registry();
    const m = processorMetrics(registry, 0);
    const hr: ShopScores["headroom"] = {
      band: { indicator: "feige_avg_response", metric: "feige_avg_response", items: 2, points: 50, total: 84 },
      line: { line: 85, indicator: "feige_avg_response", metric: "feige_avg_response", items: 0, points: null, total: 84 },
    };
    m.scoreEvaluated({ platform: "douyin", scores: score("complete", "douyin@2026-09", hr) });
    m.scoreEvaluated({ platform: "douyin", scores: score("complete") });
    m.scoreEvaluated({ platform: "douyin", scores: score("fixed") });
    m.scoreEvaluated({ platform: "douyin", scores: score("incomplete", "douyin@2099-01") });
    m.scoreEvaluated({ platform: "kuaishou" });
    const text = await registry.metrics();
    expect(text).toContain('sg_processor_score_evaluations_total{platform="douyin",pack="douyin@2026-09",status="complete"} 2');
    expect(text).toContain('sg_processor_score_evaluations_total{platform="douyin",pack="douyin@2026-09",status="fixed"} 1');
    // A pack id that is not one of the shipped packs never becomes a label value.
    expect(text).toContain('sg_processor_score_evaluations_total{platform="douyin",pack="other",status="incomplete"} 1');
    expect(text).not.toContain("douyin@2099-01");
    // Kuaishou's pack declares no score: no score series for it, not even at 0.
    expect(text).not.toMatch(/sg_processor_score_[a-z_]+\{[^}]*platform="kuaishou"/);
    expect(text).toContain('sg_processor_score_headroom_items_bucket{le="1",platform="douyin",pack="douyin@2026-09",headroom="band"} 0');
    expect(text).toContain('sg_processor_score_headroom_items_bucket{le="2",platform="douyin",pack="douyin@2026-09",headroom="band"} 1');
    expect(text).toContain('sg_processor_score_headroom_items_bucket{le="0",platform="douyin",pack="douyin@2026-09",headroom="line"} 1');
    expect(text).toContain('sg_processor_score_headroom_items_count{platform="douyin",pack="douyin@2026-09",headroom="band"} 1');
    // No per-shop series: the shop limit of 0 exports no shop, and the score counters carry no shop label.
    expect(text).not.toMatch(/sg_processor_score_[a-z_]+\{[^}]*shop/);
  });

  it("starts every series of a shipped pack with a score at 0 (a quiet pipeline shows 0, not no data)", async () => {
    const text = await (() => {
      const registry = new Registry();
      processorMetrics(registry);
      return registry.metrics();
    })();
    expect(text).toContain('sg_processor_score_evaluations_total{platform="douyin",pack="douyin@2023-06",status="incomplete"} 0');
    expect(text).toContain(
      'sg_processor_score_alert_records_published_total{platform="douyin",pack="douyin@2026-09",status="resolved",severity="warning"} 0',
    );
    expect(text).toContain('sg_processor_score_headroom_items_bucket{le="1",platform="douyin",pack="douyin@2026-05",headroom="line"} 0');
    expect(text).not.toContain('pack="kuaishou@2023-03"');
  });

  it("counts score alert records by platform, pack, status and severity, and leaves other kinds out", async () => {
    const registry = new Registry();
    const m = processorMetrics(registry);
    const base = { platform: "douyin", rulePack: "douyin@2026-09", score: { pack: "douyin@2026-09" } };
    m.alertPublished({ ...base, kind: "score", status: "firing", severity: "critical" });
    m.alertPublished({ ...base, kind: "score", status: "resolved", severity: "critical" });
    m.alertPublished({ ...base, kind: "score", status: "firing", severity: "warning" });
    m.alertPublished({ platform: "kuaishou", rulePack: "kuaishou@2023-03", kind: "threshold", status: "firing", severity: "critical" });
    const text = await registry.metrics();
    for (const [status, severity] of [
      ["firing", "critical"],
      ["resolved", "critical"],
      ["firing", "warning"],
    ])
      expect(text).toContain(
        `sg_processor_score_alert_records_published_total{platform="douyin",pack="douyin@2026-09",status="${status}",severity="${severity}"} 1`,
      );
    expect(text).not.toMatch(/sg_processor_score_alert_records_published_total\{platform="kuaishou"/);
    // Every alert record still counts in the service-wide counter.
    expect(text).toContain('sg_processor_alert_records_published_total{status="firing",severity="critical"} 2');
  });
});
