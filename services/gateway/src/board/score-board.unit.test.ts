import type { ShopScores, StoredSnapshot } from "@sg/events";
import { describe, expect, it } from "vitest";
import { diffSnapshots, isEmptyChange } from "./snapshot-diff.js";
import { metricTitle, scoreWords, strings } from "./static/i18n.js";
import { applyChange, applySnapshot, createModel } from "./static/model.js";

const scores: ShopScores = {
  title: "商家体验分",
  pack: "douyin@2023-06",
  effective: "2023-06-01",
  status: "complete",
  total: 85,
  dimensions: { goods: { score: 90, weight: 40 }, logistics: { score: 64, weight: 20 }, service: { score: 90.5, weight: 40 } },
  indicators: {
    bad_review_rate: { value: 0.012, points: 80, band: 3, rule: "band", lost: 4 },
    avg_response_seconds: { value: 150, points: 60, band: 5, rule: "band", lost: 2.4 },
  },
  bonuses: 0,
  deductions: 0,
  missing: [],
  sample: true,
};

const base: StoredSnapshot = {
  platform: "douyin",
  shopId: "d1",
  rulePack: "douyin@2023-06",
  asOf: "2026-03-02T10:00:00+08:00",
  asOfMs: 1_000,
  version: 1,
  metrics: { bad_review_rate: { value: 0.012, numerator: 6, denominator: 500, status: "ok" } },
  alerts: [],
  due: [],
  scores,
};

describe("the board's score", () => {
  it("in words, in Chinese and English: total, dimensions, the costliest indicator, the sample label", () => {
    const meta = (name: string) => (name === "bad_review_rate" ? { title: "商品差评率" } : undefined);
    expect(scoreWords("zh-CN", scores, meta)).toEqual({
      headline: "商家体验分 85 · 样例参数",
      dimensions: ["商品体验 90 ×40%", "物流体验 64 ×20%", "服务体验 90.5 ×40%"],
      cost: "失分最多：商品差评率（−4）",
      headroom: [],
      missing: null,
      nextStar: null,
    });
    expect(scoreWords("en", scores)).toMatchObject({
      headline: "Experience score 85 · SAMPLE parameters",
      cost: "costs the most: Bad review rate (−4)",
    });
    const incomplete = {
      ...scores,
      status: "incomplete" as const,
      total: null,
      missing: ['shops["douyin:d1"].industry'],
      sample: undefined,
    };
    expect(scoreWords("en", incomplete)).toMatchObject({
      headline: "Experience score: incomplete",
      missing: 'missing (1): shops["douyin:d1"].industry',
    });
    expect(scoreWords("zh-CN", undefined)).toBeNull();
  });

  it("the next-star report (pdd@2026): met of all, each indicator's value against its standard, in both languages", () => {
    const pdd: ShopScores = {
      ...scores,
      title: "店铺综合体验星级",
      pack: "pdd@2026",
      status: "incomplete",
      total: null,
      sample: undefined,
      nextStar: {
        stars: 4.6,
        met: 1,
        of: 3,
        indicators: {
          in_transit_refund_hours: { value: 20, standard: 12, meets: false },
          platform_help_rate: { value: 0, standard: 0.05, meets: true },
          review_score_rank: { value: null, standard: 0.4, meets: null },
        },
      },
    };
    const meta = (name: string) =>
      ({
        in_transit_refund_hours: { title: "在途订单退款时长", unit: "hours", direction: "max" as const },
        platform_help_rate: { title: "平台求助率", unit: "ratio", direction: "max" as const },
      })[name];
    expect(scoreWords("zh-CN", pdd, meta)!.nextStar).toBe(
      "下一星级 4.6★：达标 1/3 · 在途订单退款时长 20.0 小时 ✗（标准 ≤ 12.0 小时） · 平台求助率 0% ✓（标准 ≤ 5%） · review_score_rank — —（标准 0.4）",
    );
    expect(scoreWords("en", pdd, meta)!.nextStar).toBe(
      "Next star 4.6★: 1 of 3 met · In-transit refund time 20.0 h ✗ (standard ≤ 12.0 h) · Platform help rate 0% ✓ (standard ≤ 5%) · review score rank — — (standard 0.4)",
    );
  });

  it("a calibrated score says so and names D0: never shown as the platform's figure", () => {
    const calibrated: ShopScores = {
      ...scores,
      sample: undefined,
      dimensions: {
        goods: { score: 87, weight: 40, source: "calibrated" },
        logistics: { score: 80, weight: 20, source: "as_of_d0" },
        service: { score: 88, weight: 40, source: "configured" },
      },
      calibration: {
        label: "calibrated from platform figures of 2026-09-20",
        d0: "2026-09-20",
        taken: { total: 85.5, dimensions: {} },
        d0Values: true,
        changes: [],
      },
    };
    expect(scoreWords("en", calibrated)).toMatchObject({
      headline: "Experience score 85 · calibrated from platform figures of 2026-09-20",
      dimensions: ["Goods 87 (est.) ×40%", "Logistics 80 (as of 2026-09-20) ×20%", "Service 88 ×40%"],
    });
    expect(scoreWords("zh-CN", calibrated)).toMatchObject({
      headline: "商家体验分 85 · 由平台 2026-09-20 数据校准",
      dimensions: ["商品体验 87（估算） ×40%", "物流体验 80（截至 2026-09-20） ×20%", "服务体验 88 ×40%"],
    });
  });

  it("a score change reaches the page's model; an unchanged score sends nothing", () => {
    const next: StoredSnapshot = { ...base, version: 2, asOfMs: 2_000, scores: { ...scores, total: 84 } };
    const change = diffSnapshots("douyin:d1", base, next);
    expect(change.scores?.total).toBe(84);
    expect(isEmptyChange(change)).toBe(false);
    const model = createModel();
    applySnapshot(model, { shop: "douyin:d1", snapshot: base });
    expect(applyChange(model, change)).toBe(true);
    expect(model.shops.get("douyin:d1")!.snapshot.scores?.total).toBe(84);
    expect(isEmptyChange(diffSnapshots("douyin:d1", base, { ...base, version: 2 }))).toBe(true);
  });
});

describe("the board's score headroom and score alerts", () => {
  const withHeadroom: ShopScores = {
    ...scores,
    lines: { total: 84 },
    headroom: {
      band: { indicator: "pickup_24h_rate", metric: "pickup_24h_rate", items: 2, points: 60, total: 84.2 },
      line: { line: 84, indicator: "bad_review_rate", metric: "bad_review_rate", items: 2, points: 70, total: 83 },
    },
  };
  const meta = (name: string) =>
    ({
      pickup_24h_rate: { title: "24小时揽收率", kind: "pickup_rate" },
      bad_review_rate: { title: "商品差评率", kind: "first_review_rate" },
    })[name];

  it("says how many further bad items drop an indicator a band, and take the total below the line", () => {
    expect(scoreWords("zh-CN", withHeadroom, meta)!.headroom).toEqual([
      "余量：再有 2 单揽收超时，24小时揽收率即降档（总分 84.2）",
      "预警线 84：再有 2 个差评（商品差评率），总分即低于（83）",
    ]);
    expect(scoreWords("en", withHeadroom, meta)!.headroom).toEqual([
      "headroom: 2 more late pickups lower Pickup within 24 h's band (total 84.2)",
      "line 84: 2 more bad reviews (Bad review rate) take the total below it (83)",
    ]);
    const below = {
      ...withHeadroom,
      headroom: { band: null, line: { line: 86, indicator: null, metric: null, items: 0, points: null, total: 85 } },
    };
    expect(scoreWords("zh-CN", below, meta)!.headroom).toEqual(["已低于预警线 86"]);
    expect(scoreWords("en", below, meta)!.headroom).toEqual(["below the line 86"]);
    expect(scoreWords("en", scores)!.headroom).toEqual([]);
  });

  it("names score alerts in both languages", () => {
    expect(metricTitle("zh-CN", "score_total")).toBe("店铺得分");
    expect(metricTitle("en", "score_stars")).toBe("Star level");
    expect(strings("zh-CN").kind).toMatchObject({ score: "分数线" });
    expect(strings("en").kind).toMatchObject({ score: "score line" });
  });
});

describe("the board's bonuses and deductions", () => {
  const adjusted: ShopScores = {
    ...scores,
    pack: "douyin@2026-09",
    bonuses: 7,
    deductions: 10,
    adjustments: {
      bonuses: [
        {
          id: "next_day_delivery",
          title: "明日达占比≥20%",
          points: 5,
          source: "event",
          from: "2026-10-01T00:00:00+08:00",
          until: null,
          share: 0.23,
        },
        { id: "freight_insurance", title: "运费险", points: 2, source: "configuration" },
      ],
      deductions: [{ part: "fake_trades", title: "虚假交易刷体验分", points: 11, count: 2, source: "event" }],
      uncapped: 11,
      cap: 10,
      violations: true,
    },
  };
  it("lists each with its source, and the cap where it bites, in Chinese and English", () => {
    expect(scoreWords("zh-CN", adjusted)!.adjustments).toEqual([
      "加分 明日达占比≥20% +5（平台事件，占比 23%）",
      "加分 运费险 +2（配置）",
      "扣分 虚假交易刷体验分 −11（2 次违规，平台事件）",
      "扣分封顶 10（合计 11）",
    ]);
    expect(scoreWords("en", adjusted)!.adjustments).toEqual([
      "bonus next-day delivery share ≥ 20% +5 (platform event, share 23%)",
      "bonus freight insurance +2 (configuration)",
      "deduction fake transactions −11 (2 violations, platform event)",
      "deductions capped at 10 (of 11)",
    ]);
  });
  it("says so when a bonus's points are not configured (JD's add-ons), and nothing for a score without adjustments", () => {
    const jd: ShopScores = {
      ...scores,
      adjustments: {
        bonuses: [
          {
            id: "gold_agent_share",
            title: "金牌客服认证比例 (last month)",
            points: null,
            source: "event",
            from: "2026-10-01T00:00:00+08:00",
            until: "2026-11-01T00:00:00+08:00",
          },
        ],
        deductions: [],
        uncapped: 0,
        cap: null,
        violations: false,
      },
    };
    expect(scoreWords("en", jd)!.adjustments).toEqual([
      "bonus 金牌客服认证比例 (last month) points not configured (platform event, until 2026-11-01)",
    ]);
    expect(scoreWords("zh-CN", scores)!.adjustments).toBeUndefined();
  });
});
