import { parseScoreguardConfig } from "@sg/config";
import { loadRulePacks, resolvePack, scoreConfigIssues } from "@sg/rules";
import { describe, expect, it } from "vitest";
import { DEMO_DOUYIN_SHOP, DEMO_PDD_PARAMETERS, DEMO_PDD_SHOP, DEMO_SCORE_INPUTS, DEMO_SCORE_LINE, withDemoScores } from "./demo-scores.js";
import { scoreChanges } from "./demo-watch.js";

describe("npm run demo's score configuration", () => {
  it("grades every platform by latest, the Douyin shop with the sample parameters, sample backend inputs and a line", () => {
    const config = withDemoScores(parseScoreguardConfig({}));
    expect(config.packs).toEqual({ kuaishou: "latest", douyin: "latest", jd: "latest", pdd: "latest" });
    expect(config.shops[DEMO_DOUYIN_SHOP]).toMatchObject({
      industry: "sample_industry",
      flagship: false,
      scoreInputs: DEMO_SCORE_INPUTS,
      scoreLines: { total: DEMO_SCORE_LINE },
    });
    // On any day since 2026-09-08 `latest` is douyin@2026-09, whose table in the sample file is a sample.
    expect(resolvePack(config, DEMO_DOUYIN_SHOP, "2026-12-06").id).toBe("douyin@2026-09");
    expect(resolvePack(config, DEMO_DOUYIN_SHOP, "2026-09-07").id).toBe("douyin@2026-07");
    expect(config.scoreParameters?.["douyin@2026-09"]?.sample_industry?.sample).toBe(true);
    expect(scoreConfigIssues(config)).toEqual([]);
  });

  it("puts the line between the fixed score (60: under 30 orders, with a deduction) and the computed one (88)", () => {
    const config = withDemoScores(parseScoreguardConfig({}));
    const pack = loadRulePacks().get("douyin@2026-09")!;
    const weights = config.scoreParameters!["douyin@2026-09"]!.sample_industry!.dimensionWeights!;
    expect(weights).toEqual({ goods: 40, logistics: 20, service: 40 });
    // By hand: 92×0.4 + 85×0.2 + 88×0.4 = 36.8 + 17 + 35.2 = 89; + 2 (运费险) − 3 (影响消费者体验) = 88.
    expect(pack.score!.bonuses!.freight_insurance!.points).toBe(2);
    expect(pack.score!.deductions!.cap).toBeGreaterThanOrEqual(3);
    expect(pack.score!.eligibility).toMatchObject({ min: 30, fixed: 70, fixedWithViolations: 60 });
    expect(60).toBeLessThan(DEMO_SCORE_LINE);
    expect(88).toBeGreaterThanOrEqual(DEMO_SCORE_LINE);
  });

  it("grades the Pinduoduo shop by pdd@2026 with SAMPLE next-star standards and nothing else invented", () => {
    const config = withDemoScores(parseScoreguardConfig({}));
    expect(resolvePack(config, DEMO_PDD_SHOP, "2026-12-06").id).toBe("pdd@2026");
    expect(config.shops[DEMO_PDD_SHOP]).toEqual({ industry: "sample_industry" });
    const table = config.scoreParameters!["pdd@2026"]!.sample_industry!;
    expect(table).toEqual(DEMO_PDD_PARAMETERS);
    expect(table.sample).toBe(true);
    // No weights, bands or star lines: pdd@2026 publishes none, so the demo gives none.
    expect(table.bands ?? table.weights ?? table.dimensionWeights ?? table.stars).toBeUndefined();
    const pack = loadRulePacks().get("pdd@2026")!;
    for (const id of Object.keys(table.nextStar!.standards)) expect(pack.metrics[id]?.direction).toBe("max");
  });

  it("keeps what the configuration already chose", () => {
    const config = withDemoScores(
      parseScoreguardConfig({ packs: { douyin: "douyin@2023-06" }, shops: { "douyin:dy-tea-house": { industry: "tea" } } }),
    );
    expect(config.packs?.douyin).toBe("douyin@2023-06");
    expect(config.packs?.kuaishou).toBe("latest");
    expect(config.shops["douyin:dy-tea-house"]!.industry).toBe("tea");
  });
});

describe("the demo's narration of a score", () => {
  const view = (total: number | null, status: string, pickup: number | null) => ({
    title: "商家体验分",
    pack: "douyin@2026-09",
    status,
    total,
    sample: true,
    indicators: { avg_pickup_hours: { value: 10, points: pickup }, product_rating: { value: 4.8, points: 100 } },
  });

  it("prints the total when it or its status changes, and each indicator whose points moved", () => {
    const k = "douyin:s";
    expect(scoreChanges(k, undefined, view(60, "fixed", 100))).toEqual([
      "douyin:s 商家体验分 = 60 (fixed, douyin@2026-09, SAMPLE parameters)",
    ]);
    expect(scoreChanges(k, view(60, "fixed", 100), view(88, "complete", 100))).toEqual([
      "douyin:s 商家体验分 = 88 (complete, douyin@2026-09, SAMPLE parameters)",
    ]);
    expect(scoreChanges(k, view(88, "complete", 100), view(88, "complete", 90))).toEqual([
      "douyin:s 商家体验分 indicator avg_pickup_hours: 100 → 90 points, SAMPLE parameters",
    ]);
    expect(scoreChanges(k, view(88, "complete", 90), view(88, "complete", 90))).toEqual([]);
    expect(scoreChanges(k, view(88, "complete", 90), undefined)).toEqual([]);
  });

  it("prints the next-star report when the count met changes, and each standard that flipped", () => {
    const k = "pdd:p";
    const pdd = (refundHours: number, meets: boolean) => ({
      title: "店铺综合体验星级",
      pack: "pdd@2026",
      status: "incomplete",
      total: null,
      sample: true,
      indicators: { in_transit_refund_hours: { value: refundHours, points: null } },
      nextStar: {
        stars: 4.6,
        met: meets ? 2 : 1,
        of: 2,
        indicators: {
          in_transit_refund_hours: { value: refundHours, standard: 12, meets },
          platform_help_rate: { value: 0, standard: 0.05, meets: true },
        },
      },
    });
    expect(scoreChanges(k, undefined, pdd(2, true))).toEqual([
      "pdd:p 店铺综合体验星级 = — (incomplete, pdd@2026, SAMPLE parameters)",
      "pdd:p 店铺综合体验星级 next star 4.6★: 2 of 2 standards met, SAMPLE parameters",
    ]);
    expect(scoreChanges(k, pdd(2, true), pdd(2, true))).toEqual([]);
    expect(scoreChanges(k, pdd(2, true), pdd(25.456, false))).toEqual([
      "pdd:p 店铺综合体验星级 next star 4.6★: 1 of 2 standards met, SAMPLE parameters",
      "pdd:p 店铺综合体验星级 next star in_transit_refund_hours = 25.46 (standard 12): met → MISSED, SAMPLE parameters",
    ]);
  });
});
