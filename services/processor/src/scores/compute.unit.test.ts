import { parseScoreguardConfig, type IndustryParams } from "@sg/config";
import { loadRulePacks, parseRulePack, type RulePack } from "@sg/rules";
import { describe, expect, it } from "vitest";
import { computeScores, type MetricReading } from "./compute.js";
import { TEA } from "../testing/score-params.js";
import { shopOverridesFor } from "./context.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a pack file as parsed JSON, changed freely by the tests
type Json = Record<string, any>;

/**
 * Scores computed by hand from the rules (rules-2026.md) and the seed's composite (douyin@2023-06:
 * 商品体验 40%, 物流体验 20%, 服务体验 40%). Cut-offs, point scales and in-dimension weights are not
 * published: the tables below are test parameters, not the platform's.
 */
const packs = loadRulePacks();
const seed = packs.get("douyin@2023-06")!;
const SHOP = "douyin:d1";

const r = (value: number | null, numerator?: number, denominator?: number): MetricReading => ({ value, numerator, denominator });
const METRICS: Record<string, MetricReading> = {
  bad_review_rate: r(0.012, 6, 500), // ≤ 0.015: band 3 → 80
  quality_return_rate: r(0.001, 1, 1000), // ≤ 0.002: band 1 → 100
  pickup_24h_rate: r(0.93, 93, 100), // ≥ 0.92 (not 0.94): band 4 → 70
  delivery_hours: r(50), // ≤ 60: band 4 → 70
  shipping_negative_feedback_rate: r(0.006, 6, 1000), // worse than every line: band 6 → 50
  refund_only_completion_hours: r(10), // 100
  return_refund_completion_hours: r(30), // ≤ 48: 90
  aftersale_rejection_rate: r(0, 0, 50), // 100
  platform_help_rate: r(0.0005, 1, 2000), // 100
  avg_response_seconds: r(150), // ≤ 180: band 5 → 60
  session_unsatisfied_rate: r(0.03, 3, 100), // ≤ 0.04: 90
};

const withTable = (t: IndustryParams, pack = "douyin@2023-06") => ({ industry: "tea", parameters: { [pack]: { tea: t } } });

describe("computeScores, douyin@2023-06 (40/20/40)", () => {
  it("weighs bands into dimensions and dimensions into the total, as computed by hand", () => {
    const s = computeScores({ pack: seed, shopKey: SHOP, metrics: METRICS, context: withTable(TEA) })!;
    expect(s.missing).toEqual([]);
    expect(s.status).toBe("complete");
    // 20 points short of the best band, weighing 50% of goods, which weighs 40%: 20 × 0.5 × 0.4 = 4 points of the total.
    expect(s.indicators.bad_review_rate).toEqual({ value: 0.012, points: 80, band: 3, rule: "band", lost: 4 });
    // avg_response_seconds 40 short × 15% × 40% = 2.4; shipping feedback 50 short × 30% × 20% = 3.
    expect(s.indicators.avg_response_seconds!.lost).toBe(2.4);
    expect(s.indicators.shipping_negative_feedback_rate!.lost).toBe(3);
    expect(s.indicators.pickup_24h_rate).toMatchObject({ points: 70, band: 4 });
    expect(s.indicators.shipping_negative_feedback_rate).toMatchObject({ points: 50, band: 6 });
    expect(s.indicators.avg_response_seconds).toMatchObject({ points: 60, band: 5 });
    // goods (80×50 + 100×50)/100 = 90; logistics (70×40 + 70×30 + 50×30)/100 = 64;
    // service (100×20 + 90×20 + 100×15 + 100×15 + 60×15 + 90×15)/100 = 90.5.
    expect(s.dimensions).toEqual({
      goods: { score: 90, weight: 40 },
      logistics: { score: 64, weight: 20 },
      service: { score: 90.5, weight: 40 },
    });
    // 90×0.4 + 64×0.2 + 90.5×0.4 = 36 + 12.8 + 36.2 = 85.
    expect(s.total).toBe(85);
    expect(s).toMatchObject({ pack: "douyin@2023-06", effective: "2023-06-01", title: "商家体验分", sample: true });
  });

  it("a value exactly on a line earns that line's points", () => {
    const s = computeScores({ pack: seed, shopKey: SHOP, metrics: { ...METRICS, bad_review_rate: r(0.005) }, context: withTable(TEA) })!;
    expect(s.indicators.bad_review_rate).toMatchObject({ points: 100, band: 1 });
  });

  it("without an industry the score is incomplete and names the missing key; the metrics are untouched", () => {
    const metrics = structuredClone(METRICS);
    const s = computeScores({ pack: seed, shopKey: SHOP, metrics })!;
    expect(s.status).toBe("incomplete");
    expect(s.total).toBeNull();
    expect(s.missing).toEqual(['shops["douyin:d1"].industry']);
    expect(s.indicators.bad_review_rate).toEqual({ value: 0.012, points: null, band: null });
    expect(metrics).toEqual(METRICS);
  });

  it("a band table or weight table missing from the industry is named by its path", () => {
    const { delivery_hours: _d, ...bands } = TEA.bands!;
    const { service: _s, ...weights } = TEA.weights!;
    const s = computeScores({ pack: seed, shopKey: SHOP, metrics: METRICS, context: withTable({ ...TEA, bands, weights }) })!;
    expect(s.status).toBe("incomplete");
    expect(s.total).toBeNull();
    expect(s.missing).toEqual([
      'scoreParameters["douyin@2023-06"].tea.bands.delivery_hours',
      'scoreParameters["douyin@2023-06"].tea.weights.service',
    ]);
    expect(s.dimensions.goods).toEqual({ score: 90, weight: 40 });
    expect(s.dimensions.logistics!.score).toBeNull();
  });

  it("an industry with no table names the table; an indicator with no data is named", () => {
    const none = computeScores({ pack: seed, shopKey: SHOP, metrics: METRICS, context: { industry: "toys", parameters: {} } })!;
    expect(none.missing).toEqual(['scoreParameters["douyin@2023-06"].toys']);
    const noData = computeScores({ pack: seed, shopKey: SHOP, metrics: { ...METRICS, delivery_hours: r(null) }, context: withTable(TEA) })!;
    expect(noData.missing).toEqual(["indicator delivery_hours: no data"]);
    expect(noData.total).toBeNull();
  });

  it("flagship shops use the flagship cut-offs; an unknown shop class is missing", () => {
    const t: IndustryParams = { ...TEA, flagship: { bands: { bad_review_rate: { lines: [0.002, 0.004, 0.006, 0.008, 0.01] } } } };
    const flag = computeScores({ pack: seed, shopKey: SHOP, metrics: METRICS, context: { ...withTable(t), flagship: true } })!;
    // 0.012 is worse than every flagship line: 50; goods (50 + 100)/2 = 75; total 30 + 12.8 + 36.2 = 79.
    expect(flag.indicators.bad_review_rate).toMatchObject({ points: 50, band: 6 });
    expect(flag.total).toBe(79);
    const plain = computeScores({ pack: seed, shopKey: SHOP, metrics: METRICS, context: { ...withTable(t), flagship: false } })!;
    expect(plain.total).toBe(85);
    const unknown = computeScores({ pack: seed, shopKey: SHOP, metrics: METRICS, context: withTable(t) })!;
    expect(unknown.missing).toEqual(['shops["douyin:d1"].flagship']);
    expect(unknown.total).toBeNull();
  });

  it("reads its context from the configuration file's shape", () => {
    const config = parseScoreguardConfig({
      shops: { [SHOP]: { industry: "tea" } },
      scoreParameters: { "douyin@2023-06": { tea: TEA } },
    });
    const s = computeScores({ pack: seed, shopKey: SHOP, metrics: METRICS, context: shopOverridesFor(config, SHOP).score })!;
    expect(s.total).toBe(85);
  });
});

/** A copy of a shipped pack with changes, validated like a pack file. */
function variant(id: string, change: (p: Json) => void): RulePack {
  const json = structuredClone(packs.get(id)!) as Json;
  change(json);
  return parseRulePack(json, `${id} (test variant)`);
}

describe("computeScores, small samples, bonuses, deductions, eligibility, stars", () => {
  it("small-sample rule: fewer than 300 orders and at most 3 bad ones score a fixed 80", () => {
    const pack = variant("douyin@2023-06", (p) => {
      p.score.indicators.bad_review_rate.smallSample = { below: 300, maxBad: 3, points: 80 };
    });
    const at = (n: number, d: number) =>
      computeScores({ pack, shopKey: SHOP, metrics: { ...METRICS, bad_review_rate: r(n / d, n, d) }, context: withTable(TEA) })!;
    expect(at(3, 120).indicators.bad_review_rate).toEqual({ value: 0.025, points: 80, band: null, rule: "small_sample", lost: 4 });
    // 4 bad of 120 = 3.3%: worse than every line → 50.
    expect(at(4, 120).indicators.bad_review_rate).toMatchObject({ points: 50, band: 6, rule: "band" });
    // 3 bad of 300: not a small sample; 1% → band 2 → 90.
    expect(at(3, 300).indicators.bad_review_rate).toMatchObject({ points: 90, band: 2 });
  });

  // douyin@2026-09: its eligibility count is the valid_paid_orders metric's value.
  const sept = packs.get("douyin@2026-09")!;
  const SEPT_TABLE: IndustryParams = { sample: true, dimensionWeights: { goods: 40, logistics: 20, service: 40 } };
  const sept9 = (inputs: object, orders = 100) =>
    computeScores({
      pack: sept,
      shopKey: SHOP,
      metrics: { valid_paid_orders: r(orders) },
      context: { ...withTable(SEPT_TABLE, "douyin@2026-09"), inputs: { dimensions: { goods: 92, logistics: 85, service: 88 }, ...inputs } },
    })!;

  it("from 2026-09-08: observed dimensions, +5 明日达 ≥ 20%, +2 运费险, deductions capped at 10", () => {
    // 92×0.4 + 85×0.2 + 88×0.4 = 36.8 + 17 + 35.2 = 89; +5 +2 = 96; deductions 4 + 8 = 12 → 10; 86.
    const s = sept9({
      bonuses: { next_day_delivery: 0.25, freight_insurance: true, bulky_freight_insurance: false },
      deductions: { fake_trades: 4, consumer_harm: 8 },
    });
    expect(s.bonuses).toBe(7);
    expect(s.deductions).toBe(10);
    expect(s.total).toBe(86);
    expect(s.effective).toBe("2026-09-08");
    // The indicators have no data and no bands here, but the total reads the observed dimensions.
    expect(s.status).toBe("incomplete");
    expect(s.missing).toContain("indicator product_rating: no data");
    // 明日达 under 20% earns nothing: 89 + 2 − 10 = 81.
    expect(
      sept9({ bonuses: { next_day_delivery: 0.19, freight_insurance: true }, deductions: { fake_trades: 4, consumer_harm: 8 } }).total,
    ).toBe(81);
    // Bonuses above the range are capped at 100.
    const high = computeScores({
      pack: sept,
      shopKey: SHOP,
      metrics: { valid_paid_orders: r(100) },
      context: {
        ...withTable(SEPT_TABLE, "douyin@2026-09"),
        inputs: { dimensions: { goods: 98, logistics: 98, service: 98 }, bonuses: { next_day_delivery: 0.5, freight_insurance: true } },
      },
    })!;
    expect(high.total).toBe(100);
  });

  it("eligibility: under 30 valid orders the total is a fixed 70, or 60 with violations", () => {
    expect(sept9({}, 29)).toMatchObject({ status: "fixed", total: 70 });
    expect(sept9({ deductions: { consumer_harm: 2 } }, 29)).toMatchObject({ status: "fixed", total: 60 });
    expect(sept9({}, 30).total).toBe(89);
  });

  it("an observed dimension missing from the shop's inputs is named", () => {
    const s = computeScores({
      pack: sept,
      shopKey: SHOP,
      metrics: { valid_paid_orders: r(100) },
      context: { ...withTable(SEPT_TABLE, "douyin@2026-09"), inputs: { dimensions: { goods: 92, logistics: 85 } } },
    })!;
    expect(s.total).toBeNull();
    expect(s.missing).toContain('shops["douyin:d1"].scoreInputs.dimensions.service');
  });

  it("stars come from the configured lines", () => {
    const starred = variant("douyin@2023-06", (p) => {
      p.score.stars = { source: "test" };
    });
    const stars = [
      { min: 60, stars: 3 },
      { min: 80, stars: 4 },
      { min: 85, stars: 4.5 },
    ];
    const s = computeScores({ pack: starred, shopKey: SHOP, metrics: METRICS, context: withTable({ ...TEA, stars }) })!;
    expect(s).toMatchObject({ total: 85, stars: 4.5, status: "complete" });
    const none = computeScores({ pack: starred, shopKey: SHOP, metrics: METRICS, context: withTable(TEA) })!;
    expect(none).toMatchObject({ total: 85, stars: null, status: "incomplete", missing: ['scoreParameters["douyin@2023-06"].tea.stars'] });
  });
});

describe("the 2026 packs", () => {
  it("jd@2024 is selectable: six indicators on metrics, five read from the backend, named missing until given", () => {
    const pack = packs.get("jd@2024")!;
    expect(pack.status).toBe("active");
    const onMetric = Object.entries(pack.score!.indicators).filter(([, i]) => i.metric !== undefined);
    expect(onMetric.map(([n]) => n).sort()).toEqual(
      [
        "aftersale_review_score",
        "intervention_rate",
        "quality_return_rate",
        "ship_logistics_return_rate",
        "shop_review_score",
        "waybill_on_time_rate",
      ].sort(),
    );
    expect(pack.metrics.aftersale_review_score).toMatchObject({ kind: "rating_score_mean", window: "90d" });
    // 3分钟人工回复率 is a metric (消极服务, pass/fail on the shop's threshold), not a scored indicator.
    expect(pack.metrics.human_reply_3min_rate).toMatchObject({ kind: "reply_consumer_day", threshold: null });
    expect(Object.values(pack.score!.indicators).some((i) => i.metric === "human_reply_3min_rate")).toBe(false);
    const s = computeScores({ pack, shopKey: "jd:x", metrics: {} })!;
    expect(s).toMatchObject({ status: "incomplete", total: null });
    for (const ind of ["dongdong_response", "same_day_pickup_rate", "reserved_on_time_ship_rate", "late_ship_48h", "aftersale_duration"])
      expect(s.missing, ind).toContain(`shops["jd:x"].scoreInputs.indicators.${ind}`);
  });

  it("jd@2024 with a (test) table: the out-of-10 points weigh 15/50/20/15, plus configured add-ons", () => {
    const pack = packs.get("jd@2024")!;
    // Test parameters, not JD's: 3 bands worth 6/8/10 per indicator.
    const lines = (best: number, next: number) => ({ lines: [best, next] });
    const table: IndustryParams = {
      sample: false,
      points: [6, 8, 10],
      bands: {
        dongdong_response: lines(30, 60), // 45 s → 8
        same_day_pickup_rate: lines(0.95, 0.9), // 0.96 → 10
        waybill_on_time_rate: lines(0.95, 0.9), // 0.9 → 8
        reserved_on_time_ship_rate: lines(0.95, 0.9), // 1 → 10
        ship_logistics_return_rate: lines(0.001, 0.005), // 0.01 → 6
        late_ship_48h: lines(0, 2), // 0 → 10
        aftersale_duration: lines(24, 48), // 30 h → 8
        intervention_rate: lines(0.01, 0.02), // 0 → 10
        aftersale_review_score: lines(4.8, 4.5), // 4.6 → 8
        shop_review_score: lines(4.8, 4.5), // 4.9 → 10
        quality_return_rate: lines(0.005, 0.01), // 0.008 → 8
      },
      weights: {
        consultation: { dongdong_response: 100 },
        fulfilment: {
          same_day_pickup_rate: 20,
          waybill_on_time_rate: 20,
          reserved_on_time_ship_rate: 20,
          ship_logistics_return_rate: 20,
          late_ship_48h: 20,
        },
        aftersale: { aftersale_duration: 40, intervention_rate: 30, aftersale_review_score: 30 },
        goods: { shop_review_score: 50, quality_return_rate: 50 },
      },
      bonusPoints: { gold_agent_share: 0.1 },
      stars: [
        { min: 8, stars: 4 },
        { min: 8.8, stars: 4.5 },
      ],
    };
    const s = computeScores({
      pack,
      shopKey: "jd:x",
      metrics: {
        waybill_on_time_rate: r(0.9, 90, 100),
        ship_logistics_return_rate: r(0.01, 1, 100),
        intervention_rate: r(0, 0, 20),
        aftersale_review_score: r(4.6, 46, 10),
        shop_review_score: r(4.9, 49, 10),
        quality_return_rate: r(0.008, 8, 1000),
      },
      context: {
        industry: "food",
        parameters: { "jd@2024": { food: table } },
        inputs: {
          indicators: {
            dongdong_response: 45,
            same_day_pickup_rate: 0.96,
            reserved_on_time_ship_rate: 1,
            late_ship_48h: 0,
            aftersale_duration: 30,
          },
          bonuses: { gold_agent_share: true },
        },
      },
    })!;
    // consultation 8; fulfilment (10 + 8 + 10 + 6 + 10) / 5 = 8.8; aftersale 0.4×8 + 0.3×10 + 0.3×8 = 8.6;
    // goods (10 + 8) / 2 = 9. Total 0.15×8 + 0.5×8.8 + 0.2×8.6 + 0.15×9 = 1.2 + 4.4 + 1.72 + 1.35 = 8.67, + 0.1 = 8.77.
    expect(s.missing).toEqual([]);
    expect(s.status).toBe("complete");
    expect(s.dimensions.fulfilment!.score).toBeCloseTo(8.8, 9);
    expect(s.dimensions.aftersale!.score).toBeCloseTo(8.6, 9);
    expect(s.bonuses).toBeCloseTo(0.1, 9);
    expect(s.total).toBeCloseTo(8.77, 9);
    expect(s.stars).toBe(4); // 8.77 is below the 8.8 line
  });

  it("douyin@2026-05 holds the nine indicators, each on a metric, with the 50–100 scale and the eligibility rule", () => {
    const p = packs.get("douyin@2026-05")!;
    expect(p.status).toBe("active");
    expect(Object.keys(p.score!.indicators)).toHaveLength(9);
    for (const ind of Object.values(p.score!.indicators)) expect(ind.metric! in p.metrics).toBe(true);
    expect(p.score!.points).toEqual([50, 60, 70, 80, 90, 100]);
    expect(p.score!.eligibility).toMatchObject({ min: 30, fixed: 70, fixedWithViolations: 60 });
    expect(p.effective).toBe("2026-05-07");
    expect(packs.get("jd@2024")!.score!.dimensions).toMatchObject({
      consultation: { weight: 15 },
      fulfilment: { weight: 50 },
      aftersale: { weight: 20 },
      goods: { weight: 15 },
    });
  });
});
