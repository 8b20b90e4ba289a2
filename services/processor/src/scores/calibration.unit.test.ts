import { ConfigError, parseScoreguardConfig, type IndustryParams } from "@sg/config";
import type { CalibrationInput, DayEnd, PlatformFigures } from "@sg/events";
import { loadRulePacks, parseRulePack, type RulePack } from "@sg/rules";
import { describe, expect, it } from "vitest";
import { computeScores, type MetricReading, type ScoreContext } from "./compute.js";
import { calibrationOptedIn, shopOverridesFor } from "./context.js";
import { checkScoreConfig } from "./startup.js";
import { scoreTotal } from "./total.js";

/**
 * The calibration hook, computed by hand. The band tables and dimension weights below are test parameters,
 * not the platform's (Douyin does not publish them); the "mapping" variant declares in-dimension weights
 * for an observed dimension, which no shipped pack does.
 */
const packs = loadRulePacks();
const sept = packs.get("douyin@2026-09")!;
const SHOP = "douyin:c1";
const TABLE: IndustryParams = {
  sample: true,
  dimensionWeights: { goods: 40, logistics: 20, service: 40 },
  // product_rating: higher is better; 4.85 → 100, 4.7 → 85. quality_return_rate: lower is better; 0.003 → 85, 0.001 → 100.
  bands: {
    product_rating: { lines: [4.8, 4.6], points: [70, 85, 100] },
    quality_return_rate: { lines: [0.002, 0.005], points: [70, 85, 100] },
  },
};

const FIGURES: PlatformFigures = {
  platform: "douyin",
  shopId: "c1",
  day: "2026-09-20",
  source: "douyin_api",
  receivedAtMs: Date.parse("2026-09-21T09:00:00+08:00"),
  total: 85.5,
  dimensions: { goods: 90, logistics: 80, service: 85 },
  items: {},
};
const D0_END: DayEnd = {
  day: "2026-09-20",
  asOfMs: Date.parse("2026-09-21T00:00:00+08:00") - 1,
  takenAtMs: Date.parse("2026-09-21T00:00:05+08:00"),
  take: "close",
  rulePack: "douyin@2026-09",
  metrics: {
    product_rating: { v: 4.85, n: 4850, d: 1000, s: "ok" },
    quality_return_rate: { v: 0.003, n: 3, d: 1000, s: "ok" },
    valid_paid_orders: { v: 400, s: "ok" },
  },
};
const r = (value: number | null, numerator?: number, denominator?: number): MetricReading => ({ value, numerator, denominator });
/** A day after D0: the rating fell from 4.85 to 4.7, the quality returns from 3 to 1 in 1000. */
const NOW: Record<string, MetricReading> = {
  product_rating: r(4.7, 4700, 1000),
  quality_return_rate: r(0.001, 1, 1000),
  valid_paid_orders: r(420),
};

function score(pack: RulePack, context: Partial<ScoreContext>, calibration: CalibrationInput | null = { figures: FIGURES, d0End: D0_END }) {
  const ctx: ScoreContext = { industry: "tea", parameters: { [pack.id]: { tea: TABLE } }, calibrate: true, ...context };
  if (calibration) ctx.calibration = calibration;
  return computeScores({ pack, shopKey: SHOP, metrics: NOW, context: ctx })!;
}

/** douyin@2026-09 with the goods dimension's in-dimension weights declared (60/40): a published mapping. */
function withMapping(): RulePack {
  const json = structuredClone(sept) as unknown as { score: { dimensions: Record<string, { weights?: Record<string, number> }> } };
  json.score.dimensions.goods!.weights = { product_rating: 60, quality_return_rate: 40 };
  return parseRulePack(json, "douyin@2026-09 (test variant with a goods mapping)");
}

describe("score calibration from the platform's figures", () => {
  it("the forecast's totals (scoreTotal) of a calibrating shop are computeScores', which the calibration changes", () => {
    for (const pack of [sept, withMapping()]) {
      const ctx: ScoreContext = {
        industry: "tea",
        parameters: { [pack.id]: { tea: TABLE } },
        calibrate: true,
        calibration: { figures: FIGURES, d0End: D0_END },
      };
      const full = computeScores({ pack, shopKey: SHOP, metrics: NOW, context: ctx })!.total;
      // The calibration matters here: the same shop without it has another total (a fast path that ignored it would fail).
      expect(full, pack.id).not.toBe(computeScores({ pack, shopKey: SHOP, metrics: NOW, context: { ...ctx, calibrate: false } })!.total);
      expect(scoreTotal(pack, SHOP, NOW, ctx), pack.id).toBe(full);
    }
  });

  it("without a published mapping: the D0 figures unchanged, labelled, with the indicator changes beside them", () => {
    const s = score(sept, {});
    expect(s.dimensions).toEqual({
      goods: { score: 90, weight: 40, source: "as_of_d0" },
      logistics: { score: 80, weight: 20, source: "as_of_d0" },
      service: { score: 85, weight: 40, source: "as_of_d0" },
    });
    // 90×0.4 + 80×0.2 + 85×0.4 = 36 + 16 + 34 = 86 (ScoreGuard's total from the dimensions, not the platform's 85.5).
    expect(s.total).toBe(86);
    expect(s.calibration).toMatchObject({
      label: "calibrated from platform figures of 2026-09-20",
      d0: "2026-09-20",
      taken: { total: 85.5, dimensions: { goods: 90, logistics: 80, service: 85 } },
      d0Values: true,
    });
    const goods = s.calibration!.changes.filter((c) => c.dimension === "goods");
    // No mapping: the changes are listed, never turned into points.
    expect(goods).toEqual([
      { indicator: "product_rating", dimension: "goods", d0: 4.85, now: 4.7, change: -0.15 },
      { indicator: "quality_return_rate", dimension: "goods", d0: 0.003, now: 0.001, change: -0.002 },
    ]);
    // An indicator without data now or at D0: its change is unknown.
    expect(s.calibration!.changes.find((c) => c.indicator === "avg_pickup_hours")).toEqual({
      indicator: "avg_pickup_hours",
      dimension: "logistics",
      d0: null,
      now: null,
      change: null,
    });
  });

  it("through the pack's published mapping: D0 figure + Σ weight × (points now − points at D0) / 100", () => {
    const s = score(withMapping(), {});
    // product_rating 100 → 85 (−15, weight 60), quality_return_rate 85 → 100 (+15, weight 40):
    // (−15×60 + 15×40)/100 = −3; goods 90 − 3 = 87.
    expect(s.dimensions.goods).toEqual({ score: 87, weight: 40, source: "calibrated" });
    expect(s.dimensions.logistics).toEqual({ score: 80, weight: 20, source: "as_of_d0" });
    // 87×0.4 + 80×0.2 + 85×0.4 = 34.8 + 16 + 34 = 84.8.
    expect(s.total).toBe(84.8);
    expect(s.calibration!.changes.filter((c) => c.dimension === "goods")).toEqual([
      { indicator: "product_rating", dimension: "goods", d0: 4.85, now: 4.7, change: -0.15, points: -15 },
      { indicator: "quality_return_rate", dimension: "goods", d0: 0.003, now: 0.001, change: -0.002, points: 15 },
    ]);
  });

  it("a calibrated dimension stays within 0–100", () => {
    const high = { ...FIGURES, dimensions: { ...FIGURES.dimensions, goods: 99 } };
    // 85 → 100 on product_rating (+15 × 60) with quality 85 → 100 (+15 × 40): +15, capped at 100.
    const d0End: DayEnd = { ...D0_END, metrics: { ...D0_END.metrics, product_rating: { v: 4.7, s: "ok" } } };
    const s = score(withMapping(), {}, { figures: high, d0End });
    expect(s.dimensions.goods).toEqual({ score: 100, weight: 40, source: "calibrated" });
  });

  it("without ScoreGuard's D0 values, or with D0 taken under another pack, the mapping is not applied", () => {
    const none = score(withMapping(), {}, { figures: FIGURES, d0End: null });
    expect(none.dimensions.goods).toEqual({ score: 90, weight: 40, source: "as_of_d0" });
    expect(none.calibration!.d0Values).toBe(false);
    expect(none.calibration!.changes[0]).toEqual({
      indicator: "product_rating",
      dimension: "goods",
      d0: null,
      now: 4.7,
      change: null,
      points: null,
    });
    const other = score(withMapping(), {}, { figures: FIGURES, d0End: { ...D0_END, rulePack: "douyin@2026-07" } });
    expect(other.dimensions.goods).toEqual({ score: 90, weight: 40, source: "as_of_d0" });
  });

  it("the platform's figures win over configured inputs; configured inputs fill a dimension the figures lack", () => {
    const figures = { ...FIGURES, dimensions: { goods: 90, logistics: 80 } };
    const s = score(sept, { inputs: { dimensions: { goods: 70, logistics: 70, service: 88 } } }, { figures, d0End: D0_END });
    expect(s.dimensions).toEqual({
      goods: { score: 90, weight: 40, source: "as_of_d0" },
      logistics: { score: 80, weight: 20, source: "as_of_d0" },
      service: { score: 88, weight: 40, source: "configured" },
    });
    // 36 + 16 + 88×0.4 = 87.2.
    expect(s.total).toBe(87.2);
  });

  it("not opted in, or no figures: configured inputs only, and no calibration block", () => {
    const inputs = { dimensions: { goods: 70, logistics: 70, service: 70 } };
    const off = score(sept, { calibrate: false, inputs });
    expect(off.dimensions.goods).toEqual({ score: 70, weight: 40, source: "configured" });
    expect(off.calibration).toBeUndefined();
    expect(off.total).toBe(70);
    const noFigures = score(sept, { inputs }, null);
    expect(noFigures.calibration).toBeUndefined();
    expect(noFigures.total).toBe(70);
  });
});

describe("calibration opt-in in the configuration", () => {
  it("a shop's choice wins over its platform's; default off", () => {
    const config = parseScoreguardConfig({
      scoreCalibration: { douyin: true },
      shops: { "douyin:off": { scoreCalibration: false }, "kuaishou:on": { scoreCalibration: true } },
    });
    expect(calibrationOptedIn(config, "douyin:any")).toBe(true);
    expect(calibrationOptedIn(config, "douyin:off")).toBe(false);
    expect(calibrationOptedIn(config, "kuaishou:on")).toBe(true);
    expect(calibrationOptedIn(config, "jd:1")).toBe(false);
    expect(shopOverridesFor(config, "douyin:any").score?.calibrate).toBe(true);
    expect(shopOverridesFor(config, "douyin:off").score?.calibrate).toBeUndefined();
  });

  it("a value that is not true/false is refused at start-up, naming its path", () => {
    const refused = (input: unknown) => {
      try {
        parseScoreguardConfig(input, "test");
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).problems.map((p) => p.path);
      }
      throw new Error("parsed");
    };
    expect(refused({ scoreCalibration: { douyin: "yes" } })).toEqual(["scoreCalibration.douyin"]);
    expect(refused({ scoreCalibration: { tiktok: true } })).toHaveLength(1);
    expect(refused({ shops: { "douyin:x": { scoreCalibration: 1 } } })).toEqual(['shops["douyin:x"].scoreCalibration']);
  });

  it("opting in where no pack of the platform has an observed dimension is a start-up error naming the path", () => {
    const config = parseScoreguardConfig({
      scoreCalibration: { douyin: true, jd: true },
      shops: { "kuaishou:k1": { scoreCalibration: true }, "jd:j1": { scoreCalibration: false } },
    });
    let err: unknown;
    try {
      checkScoreConfig(config);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      { path: "scoreCalibration.jd", reason: "no rule pack of jd has an observed dimension: nothing to calibrate" },
      { path: 'shops["kuaishou:k1"].scoreCalibration', reason: "no rule pack of kuaishou has an observed dimension: nothing to calibrate" },
    ]);
    expect(() => checkScoreConfig(parseScoreguardConfig({ scoreCalibration: { douyin: true } }))).not.toThrow();
  });
});
