import type { ShopScores, StoredSnapshot } from "@sg/events";
import { describe, expect, it } from "vitest";
import { diffSnapshots, isEmptyChange } from "./snapshot-diff.js";
import { scoreWords } from "./static/i18n.js";
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
      missing: null,
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
