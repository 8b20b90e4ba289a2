import { toShanghaiIso } from "@sg/events";
import { loadRulePacks, parseRulePack, type RulePack } from "@sg/rules";
import { describe, expect, it } from "vitest";
import { alertTransitions } from "../publish/alert-transitions.js";
import type { ShopEvaluation } from "../engine/index.js";
import type { Measured, MetricState } from "../engine/types.js";
import { TEA } from "../testing/score-params.js";
import { deriveScoreAlerts } from "./alerts.js";
import { computeScores, type MetricReading, type ScoreContext } from "./compute.js";
import { fewestItems } from "./headroom.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a pack file as parsed JSON, changed freely by the tests
type Json = Record<string, any>;

/**
 * Score headroom and score alerts, computed by hand. douyin@2023-06 with the test table TEA (cut-offs,
 * point scale and in-dimension weights made up; the platform publishes none): the readings below score
 * goods 90, logistics 64, service 90.5, total 90×0.4 + 64×0.2 + 90.5×0.4 = 85.
 */
const packs = loadRulePacks();
const seed = packs.get("douyin@2023-06")!;
const SHOP = "douyin:d1";
const ASOF = Date.parse("2026-03-02T12:00:00+08:00");
const HOUR = 3_600_000;

const r = (value: number | null, numerator?: number, denominator?: number): MetricReading => ({ value, numerator, denominator });
const READINGS: Record<string, MetricReading> = {
  bad_review_rate: r(6 / 500, 6, 500), // 0.012 ≤ 0.015: band 3 → 80
  quality_return_rate: r(1 / 1000, 1, 1000), // ≤ 0.002: 100
  pickup_24h_rate: r(93 / 100, 93, 100), // ≥ 0.92: band 4 → 70
  delivery_hours: r(50, 500, 10), // ≤ 60: 70
  shipping_negative_feedback_rate: r(6 / 1000, 6, 1000), // worse than every line: 50
  refund_only_completion_hours: r(10, 100, 10), // 100
  return_refund_completion_hours: r(30, 300, 10), // ≤ 48: 90
  aftersale_rejection_rate: r(0, 0, 200), // 100
  platform_help_rate: r(1 / 2000, 1, 2000), // 100
  avg_response_seconds: r(150, 1500, 10), // ≤ 180: band 5 → 60
  session_unsatisfied_rate: r(3 / 100, 3, 100), // ≤ 0.04: 90
};

function states(pack: RulePack, readings: Record<string, MetricReading>, due: Record<string, Measured["due"]> = {}): MetricState[] {
  return Object.entries(pack.metrics).map(([name, def]) => {
    const m = readings[name] ?? r(null, 0, 0);
    const measured: Measured = { value: m.value, numerator: m.numerator, denominator: m.denominator, wakeups: [] };
    if (due[name]) measured.due = due[name];
    return {
      name,
      def,
      limits: { threshold: null, target: null, leadMs: name === "pickup_24h_rate" ? 4 * HOUR : 60_000 },
      measured,
      output: { value: m.value, numerator: m.numerator, denominator: m.denominator, status: m.value === null ? "no_data" : "ok" },
      atRisk: false,
      pastTarget: false,
    };
  });
}

function derive(
  opts: {
    lines?: ScoreContext["lines"];
    due?: Record<string, Measured["due"]>;
    pack?: RulePack;
    table?: typeof TEA;
    readings?: Record<string, MetricReading>;
  } = {},
) {
  const pack = opts.pack ?? seed;
  const context: ScoreContext = { industry: "tea", parameters: { [pack.id]: { tea: opts.table ?? TEA } } };
  if (opts.lines) context.lines = opts.lines;
  const st = states(pack, opts.readings ?? READINGS, opts.due);
  const metrics = Object.fromEntries(st.map((s) => [s.name, s.output]));
  const scores = computeScores({ pack, shopKey: SHOP, metrics, context })!;
  const alerts = deriveScoreAlerts({ pack, scores, states: st, context, shopKey: SHOP, asOf: ASOF });
  return { scores, alerts, states: st, pack };
}

function variant(change: (p: Json) => void): RulePack {
  const json = structuredClone(seed) as Json;
  change(json);
  return parseRulePack(json, "douyin@2023-06 (test variant)");
}

describe("score headroom", () => {
  it("the fewest further bad items before a band drops, on the indicator where they cost most", () => {
    const { scores } = derive();
    expect(scores.total).toBe(85);
    // Per indicator (a bad item adds to both counts of a max ratio, to the denominator of a min one; one
    // unanswered wait counts 600 s):
    //   bad_review_rate 8/502 > 0.015 at 2; quality_return_rate 3/1002 > 0.002 at 2; pickup 93/102 < 0.92 at 2;
    //   aftersale_rejection_rate 3/203 > 0.01 at 3; platform_help_rate 3/2002 > 0.001 at 2;
    //   session_unsatisfied_rate 5/102 > 0.04 at 2; avg_response_seconds (1500 + 600)/11 = 190.9 > 180 at 1;
    //   shipping feedback is in the worst band already; means of hours have no bad item.
    // So one unanswered wait: 60 → 50, service 90.5 − 10 × 15% = 89, total 36 + 12.8 + 35.6 = 84.4.
    expect(scores.headroom).toEqual({
      band: { indicator: "avg_response_seconds", metric: "avg_response_seconds", items: 1, points: 50, total: 84.4 },
    });
  });

  it("the fewest before the total crosses the shop's line, several bands down if need be", () => {
    const { scores } = derive({ lines: { total: 84 } });
    // Below 84 takes more than 1 point: bad_review_rate one band (80 → 70: −2) at 2 items, total 83; quality
    // the same at 2 (tie: the pack's order); pickup needs two bands (93/104 < 0.90 at 4, total 83.4);
    // aftersale_rejection_rate two bands (5/205 > 0.02, −1.2) at 5; avg_response_seconds can lose only 0.6.
    expect(scores.headroom!.line).toEqual({
      line: 84,
      indicator: "bad_review_rate",
      metric: "bad_review_rate",
      items: 2,
      points: 70,
      total: 83,
    });
    expect(scores.lines).toEqual({ total: 84 });
    // Already below: no items left.
    expect(derive({ lines: { total: 86 } }).scores.headroom!.line).toEqual({
      line: 86,
      indicator: null,
      metric: null,
      items: 0,
      points: null,
      total: 85,
    });
  });

  it("the small-sample rule: fixed points while few items are bad, the band once more are", () => {
    const pack = variant((p) => {
      p.score.indicators.bad_review_rate.smallSample = { below: 300, maxBad: 3, points: 80 };
    });
    // 2 bad of 100 orders: fixed 80 (its band would be 70). 3 of 101: still fixed 80. 4 of 102 = 0.039: band 6, 50.
    const readings = { ...READINGS, bad_review_rate: r(2 / 100, 2, 100) };
    const { scores } = derive({ pack, readings, lines: { total: 80 } });
    expect(scores.indicators.bad_review_rate).toMatchObject({ points: 80, rule: "small_sample" });
    expect(scores.total).toBe(85);
    // avg_response_seconds still drops a band at 1 item.
    expect(scores.headroom!.band).toMatchObject({ indicator: "avg_response_seconds", items: 1 });
    // Below 80 takes 5 points: bad_review_rate at 2 items (80 → 50: goods 75, total 79); quality_return_rate
    // needs 7/1006 > 0.006 (100 → 70, total 79) at 6; pickup, aftersale rejection, help and sessions cannot
    // lose 5 (at most 1.6, 3, 3 and 2.4).
    expect(scores.headroom!.line).toEqual({
      line: 80,
      indicator: "bad_review_rate",
      metric: "bad_review_rate",
      items: 2,
      points: 50,
      total: 79,
    });
  });

  it("fewestItems checks the irregular prefix one by one, then bisects", () => {
    expect(fewestItems((k) => k >= 37)).toBe(37);
    expect(fewestItems((k) => k === 2 || k >= 50, 3)).toBe(2);
    expect(fewestItems((k) => k >= 5, 3)).toBe(5);
    expect(fewestItems(() => false)).toBeNull();
  });
});

describe("score alerts", () => {
  const pickupDue = { pickup_24h_rate: { count: 3, soonest: ASOF + 2 * HOUR, projected: 93 / 103 } };

  it("at risk when the items due within their lead time would take the total below the line", () => {
    const { alerts } = derive({ lines: { total: 84.5 }, due: pickupDue });
    // 3 orders due for pickup: 93/103 = 0.903 ≥ 0.90, band 5 → 60; logistics (60×40 + 70×30 + 50×30)/100 = 60;
    // total 36 + 12 + 36.2 = 84.2 < 84.5.
    expect(alerts).toEqual([
      {
        metric: "score_total",
        kind: "score",
        severity: "warning",
        status: "firing",
        value: 85,
        threshold: 84.5,
        target: null,
        dueCount: 3,
        soonestDeadline: toShanghaiIso(ASOF + 2 * HOUR),
        projectedValue: 84.2,
        score: {
          title: "商家体验分",
          titleEn: "Merchant experience score",
          pack: "douyin@2023-06",
          total: 85,
          sample: true,
          // Below 84.5 takes more than 0.5: one unanswered wait (60 → 50: −0.6, total 84.4).
          headroom: { line: 84.5, indicator: "avg_response_seconds", metric: "avg_response_seconds", items: 1, points: 50, total: 84.4 },
          projectedTotal: 84.2,
          risk: [
            {
              indicator: "pickup_24h_rate",
              metric: "pickup_24h_rate",
              dueCount: 3,
              dueBy: toShanghaiIso(ASOF + 4 * HOUR),
              soonestDeadline: toShanghaiIso(ASOF + 2 * HOUR),
              points: 70,
              projectedPoints: 60,
              dimension: "logistics",
              dimensionTitle: "物流体验",
              dimensionTitleEn: "Logistics",
              dimensionScore: 64,
              projectedDimensionScore: 60,
            },
          ],
        },
      },
    ]);
  });

  it("no alert while the due items cannot take it below; critical once the total is below", () => {
    expect(derive({ lines: { total: 84 }, due: pickupDue }).alerts).toEqual([]);
    expect(derive({ lines: { total: 84.5 } }).alerts).toEqual([]);
    const below = derive({ lines: { total: 86 }, due: pickupDue }).alerts;
    expect(below).toHaveLength(1);
    expect(below[0]).toMatchObject({ metric: "score_total", severity: "critical", value: 85, threshold: 86 });
    expect(below[0]!.dueCount).toBeUndefined();
    // Due items that cost no points (an unanswered wait that would leave the band) do not make it at risk.
    const wait = { avg_response_seconds: { count: 1, soonest: ASOF + 30_000, projected: 1650 / 11 } };
    expect(derive({ lines: { total: 84.99 }, due: wait }).alerts).toEqual([]);
  });

  it("a star line stands for the lowest total that shows those stars", () => {
    const pack = variant((p) => {
      p.score.stars = { source: "test" };
    });
    const table = {
      ...TEA,
      stars: [
        { min: 80, stars: 4 },
        { min: 86, stars: 4.5 },
      ],
    };
    const { alerts, scores } = derive({ pack, table, lines: { stars: 4.5 } });
    expect(scores.stars).toBe(4);
    expect(alerts).toEqual([expect.objectContaining({ metric: "score_stars", severity: "critical", value: 4, threshold: 4.5 })]);
    expect(alerts[0]!.score).toMatchObject({ totalLine: 86, stars: 4 });
    expect(derive({ pack, table, lines: { stars: 4 }, due: pickupDue }).alerts).toEqual([]);
  });

  it("become alert records with the score's detail, and resolve with the score now", () => {
    const { alerts, scores, states: st } = derive({ lines: { total: 84.5 }, due: pickupDue });
    const ev: ShopEvaluation = {
      snapshot: { platform: "douyin", shopId: "d1", rulePack: "douyin@2023-06", metrics: {}, alerts, scores },
      states: st,
      nextWake: ASOF + HOUR,
      due: [],
    };
    const fired = alertTransitions(ev, {}, ASOF);
    expect(fired.records).toHaveLength(1);
    expect(fired.records[0]).toMatchObject({
      platform: "douyin",
      shopId: "d1",
      metric: "score_total",
      kind: "score",
      status: "firing",
      severity: "warning",
      seq: ASOF,
      direction: "min",
      unit: "points",
      value: 85,
      threshold: 84.5,
      headroom: 1,
      dueCount: 3,
      projectedValue: 84.2,
    });
    expect(fired.records[0]!.score!.risk![0]!.projectedDimensionScore).toBe(60);
    const later = { ...ev, snapshot: { ...ev.snapshot, alerts: [] } };
    const resolved = alertTransitions(later, fired.states, ASOF + 1000);
    expect(resolved.records).toEqual([
      expect.objectContaining({
        metric: "score_total",
        kind: "score",
        status: "resolved",
        severity: "warning",
        value: 85,
        threshold: 84.5,
      }),
    ]);
    expect(resolved.records[0]!.score).toEqual({
      title: "商家体验分",
      titleEn: "Merchant experience score",
      pack: "douyin@2023-06",
      total: 85,
      sample: true,
    });
  });
});
