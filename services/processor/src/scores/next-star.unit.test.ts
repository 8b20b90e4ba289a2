import { ScoreParameters } from "@sg/config";
import { loadRulePacks, scoreConfigIssues } from "@sg/rules";
import { describe, expect, it } from "vitest";
import { computeScores, type MetricReading, type ScoreContext } from "./compute.js";

/**
 * pdd@2026 (rules-2026.md, Pinduoduo 店铺综合体验星级): four indicators computed from events, seven read from
 * the backend (`scoreInputs.indicators`), weights, bands, star lines and next-star standards from the
 * parameter table. None of those is published: the table below is a test table, not the platform's, and
 * every number is computed by hand.
 */
const packs = loadRulePacks();
const pdd = packs.get("pdd@2026")!;
const SHOP = "pdd:p1";

const TABLE = ScoreParameters.parse({
  "pdd@2026": {
    test_goods: {
      points: [0, 50, 100],
      bands: {
        platform_help_rate: { lines: [0.01, 0.03] }, // 0.02 → 50
        human_reply_3min_rate: { lines: [0.9, 0.75] }, // 0.8 → 50
        in_transit_refund_hours: { lines: [12, 24] }, // 9 → 100
        refund_after_return_hours: { lines: [24, 48] }, // 30 → 50
        review_score_rank: { lines: [0.6, 0.3] }, // 0.45 → 50
        positive_review_rate: { lines: [0.94, 0.9] }, // 0.95 → 100
        serious_defect_rate: { lines: [0.002, 0.005] }, // 0.001 → 100
        group_to_sign_hours: { lines: [72, 96] }, // 70 → 100
        logistics_violation_rate: { lines: [0.005, 0.02] }, // 0.01 → 50
        shop_activity: { lines: [0.4, 0.2] }, // 0.5 → 100
        experience_plan: { lines: [1, 0.5] }, // 1 → 100
      },
      weights: {
        aftersale: { platform_help_rate: 25, human_reply_3min_rate: 25, in_transit_refund_hours: 25, refund_after_return_hours: 25 },
        goods: { review_score_rank: 50, positive_review_rate: 25, serious_defect_rate: 25 },
        logistics: { group_to_sign_hours: 50, logistics_violation_rate: 50 },
      },
      dimensionWeights: { aftersale: 40, goods: 30, logistics: 20, activity: 5, special: 5 },
      stars: [
        { min: 60, stars: 4.5 },
        { min: 70, stars: 4.6 },
        { min: 80, stars: 4.8 },
      ],
      nextStar: {
        stars: 4.8,
        standards: {
          human_reply_3min_rate: 0.75,
          positive_review_rate: 0.9423,
          review_score_rank: 0.4,
          shop_activity: 0.4,
          in_transit_refund_hours: 8,
        },
      },
    },
  },
});

const METRICS: Record<string, MetricReading> = {
  platform_help_rate: { value: 0.02, numerator: 2, denominator: 100 },
  human_reply_3min_rate: { value: 0.8, numerator: 80, denominator: 100 },
  in_transit_refund_hours: { value: 9, numerator: 18, denominator: 2 },
  refund_after_return_hours: { value: 30, numerator: 60, denominator: 2 },
};
const OBSERVED = {
  review_score_rank: 0.45,
  positive_review_rate: 0.95,
  serious_defect_rate: 0.001,
  group_to_sign_hours: 70,
  logistics_violation_rate: 0.01,
  shop_activity: 0.5,
  experience_plan: 1,
};
const context = (over: Partial<ScoreContext> = {}): ScoreContext => ({
  industry: "test_goods",
  parameters: TABLE,
  inputs: { indicators: OBSERVED },
  ...over,
});

describe("pdd@2026's score", () => {
  it("weighs computed and observed indicators through the configured table, and reports the next star's standards", () => {
    const s = computeScores({ pack: pdd, shopKey: SHOP, metrics: METRICS, context: context() })!;
    // 售后服务 (50 + 50 + 100 + 50) / 4 = 62.5; 商品品质 50×.5 + 100×.25 + 100×.25 = 75; 物流服务 (100 + 50) / 2 = 75;
    // total 62.5×.4 + 75×.3 + 75×.2 + 100×.05 + 100×.05 = 25 + 22.5 + 15 + 5 + 5 = 72.5 → 4.6★ (≥ 70, < 80).
    expect(s).toMatchObject({ status: "complete", total: 72.5, stars: 4.6, missing: [] });
    expect(s.dimensions).toEqual({
      aftersale: { score: 62.5, weight: 40 },
      goods: { score: 75, weight: 30 },
      logistics: { score: 75, weight: 20 },
      activity: { score: 100, weight: 5 },
      special: { score: 100, weight: 5 },
    });
    expect(s.indicators.review_score_rank).toMatchObject({ value: 0.45, points: 50, band: 2 });
    expect(s.indicators.in_transit_refund_hours).toMatchObject({ value: 9, points: 100, band: 1 });
    // 0.8 ≥ 0.75, 0.95 ≥ 0.9423, 0.45 ≥ 0.4, 0.5 ≥ 0.4 meet; 9 h > 8 h (a max indicator) does not.
    expect(s.nextStar).toEqual({
      stars: 4.8,
      met: 4,
      of: 5,
      indicators: {
        human_reply_3min_rate: { value: 0.8, standard: 0.75, meets: true },
        positive_review_rate: { value: 0.95, standard: 0.9423, meets: true },
        review_score_rank: { value: 0.45, standard: 0.4, meets: true },
        shop_activity: { value: 0.5, standard: 0.4, meets: true },
        in_transit_refund_hours: { value: 9, standard: 8, meets: false },
      },
    });
  });

  it("an observed input not given makes the score incomplete, naming the configuration path; the standards still report", () => {
    const { review_score_rank: _, ...rest } = OBSERVED;
    const s = computeScores({ pack: pdd, shopKey: SHOP, metrics: METRICS, context: context({ inputs: { indicators: rest } }) })!;
    expect(s).toMatchObject({ status: "incomplete", total: null, stars: null });
    expect(s.missing).toEqual(['shops["pdd:p1"].scoreInputs.indicators.review_score_rank']);
    expect(s.nextStar?.indicators.review_score_rank).toEqual({ value: null, standard: 0.4, meets: null });
    expect(s.nextStar?.met).toBe(3);
  });

  it("without next-star standards the total stands, and the score names the missing table entry", () => {
    const { nextStar: _, ...rest } = TABLE["pdd@2026"]!.test_goods!;
    const s = computeScores({
      pack: pdd,
      shopKey: SHOP,
      metrics: METRICS,
      context: context({ parameters: { "pdd@2026": { test_goods: rest } } }),
    })!;
    expect(s).toMatchObject({ status: "incomplete", total: 72.5, missing: ['scoreParameters["pdd@2026"].test_goods.nextStar'] });
    expect(s.nextStar).toBeUndefined();
  });

  it("without an industry nothing unpublished is assumed: every weight, band and the standards are named missing", () => {
    const s = computeScores({ pack: pdd, shopKey: SHOP, metrics: METRICS, context: { inputs: { indicators: OBSERVED } } })!;
    expect(s).toMatchObject({ status: "incomplete", total: null });
    expect(s.missing).toEqual(['shops["pdd:p1"].industry']);
  });
});

describe("pdd@2026's configuration is checked against the pack, naming the path", () => {
  it("observed inputs must be the pack's observed indicators; standards only for a pack that shows them, of its indicators", () => {
    const issues = scoreConfigIssues({
      packs: { pdd: "pdd@2026" },
      shops: { "pdd:p1": { industry: "test_goods", scoreInputs: { indicators: { review_score_rank: 0.4, platform_help_rate: 0.1 } } } },
      scoreParameters: {
        "pdd@2026": { test_goods: { nextStar: { standards: { shop_activity: 0.4, no_such: 1 } } } },
        "douyin@2023-06": { tea: { nextStar: { standards: {} } } },
      },
    });
    expect(issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["scoreParameters.pdd@2026.test_goods.nextStar.standards.no_such", "unknown indicator of pdd@2026"],
      ["scoreParameters.douyin@2023-06.tea.nextStar", "rule pack douyin@2023-06 shows no next-star standards"],
      [
        "shops.pdd:p1.scoreInputs.indicators.platform_help_rate",
        expect.stringMatching(/^not one of the indicators of pdd@2026 \(review_score_rank, positive_review_rate, /),
      ],
    ]);
  });
});
