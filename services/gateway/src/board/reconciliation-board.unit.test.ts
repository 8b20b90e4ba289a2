import type { ReconciliationLine, ReconciliationReport, StoredSnapshot } from "@sg/events";
import { describe, expect, it } from "vitest";
import { metricMeta } from "./metric-meta.js";
import { boardReconciliation, MAX_DRIFT_ITEMS, type BoardReconciliation } from "./reconciliation-tile.js";
import { reconciliationWords, shanghaiDay } from "./static/i18n.js";
import { applyReconciliation, applySnapshot, createModel } from "./static/model.js";

// 2026-12-06 09:30 in Shanghai (01:30 UTC): "yesterday" is 2026-12-05 there.
const NOW = Date.parse("2026-12-06T09:30:00+08:00");
const meta = metricMeta("douyin@2023-06", "douyin:d1", {});
const metaOf = (name: string) => meta[name];

const line = (item: string, status: ReconciliationLine["status"], extra: Partial<ReconciliationLine> = {}): ReconciliationLine => ({
  item,
  kind: "metric",
  compared: "value",
  platform: 0.5,
  ours: 0.5,
  tolerance: 0.00005,
  status,
  ...extra,
});

const report = (lines: ReconciliationLine[], over: Partial<ReconciliationReport> = {}): ReconciliationReport => {
  const count = (s: string) => lines.filter((l) => l.status === s).length;
  return {
    platform: "douyin",
    shopId: "d1",
    day: "2026-12-05",
    comparedAtMs: NOW,
    figures: { status: "received", source: "import", attempts: 1 },
    packs: { platform: null, ours: "douyin@2023-06" },
    ours: { takenAtMs: NOW - 3_600_000, take: "settled" },
    lines,
    summary: {
      compared: count("match") + count("drift"),
      match: count("match"),
      drift: count("drift"),
      missing: count("missing"),
      unknown: count("unknown"),
    },
    causes: [],
    ...over,
  };
};

const elevenOfTwelve = report([
  ...Array.from({ length: 10 }, (_, i) => line(`m${i}`, "match")),
  line("score.total", "match", { kind: "total", compared: "points", platform: 90, ours: 90 }),
  line("quality_return_rate", "drift", { platform: 0.0125, ours: 0.01 }),
  line("some_unknown", "unknown", { ours: null }),
]);

describe("the board's reconciliation tile", () => {
  it("summarizes a report: day, counts and the items in drift with both figures, nothing of the explanations", () => {
    const s = boardReconciliation(elevenOfTwelve)!;
    expect(s).toEqual({
      day: "2026-12-05",
      figures: "received",
      compared: 12,
      match: 11,
      drift: [{ item: "quality_return_rate", kind: "metric", compared: "value", platform: 0.0125, ours: 0.01 }],
    });
    expect(boardReconciliation(null)).toBeNull();
    const many = boardReconciliation(report(Array.from({ length: 30 }, (_, i) => line(`m${i}`, "drift", { explanation: "x" }))))!;
    expect(many.drift).toHaveLength(MAX_DRIFT_ITEMS);
    expect(many.compared).toBe(30);
    expect(JSON.stringify(many)).not.toContain("explanation");
  });

  it("says how many items match yesterday, and names the items in drift, in zh-CN and English", () => {
    const s = boardReconciliation(elevenOfTwelve)!;
    expect(reconciliationWords("zh-CN", s, NOW, metaOf)).toEqual({
      state: "drift",
      headline: "与平台一致：昨日 12 项中 11 项",
      drift: "不一致：品质退货率（平台 1.25%，我方 1%）",
    });
    expect(reconciliationWords("en", s, NOW, metaOf)).toEqual({
      state: "drift",
      headline: "matches the platform: 11 of 12 indicators yesterday",
      drift: "differs: Quality return rate (platform 1.25%, ours 1%)",
    });
  });

  it("everything matching has no drift line; an older day is named by its date", () => {
    const all = boardReconciliation(report([line("a", "match"), line("b", "match")], { day: "2026-12-03" }))!;
    expect(reconciliationWords("zh-CN", all, NOW)).toEqual({ state: "match", headline: "与平台一致：2026-12-03 2 项中 2 项", drift: null });
    expect(reconciliationWords("en", all, NOW)).toEqual({
      state: "match",
      headline: "matches the platform: 2 of 2 indicators on 2026-12-03",
      drift: null,
    });
    const one = boardReconciliation(report([line("a", "match")]))!;
    expect(reconciliationWords("en", one, NOW)!.headline).toBe("matches the platform: 1 of 1 indicator yesterday");
  });

  it("names the total and dimensions, points as plain numbers, a figure one side lacks as a dash", () => {
    const s: BoardReconciliation = {
      day: "2026-12-05",
      figures: "received",
      compared: 3,
      match: 0,
      drift: [
        { item: "score.total", kind: "total", compared: "points", platform: 88.456, ours: 87 },
        { item: "score.dimension.logistics", kind: "dimension", compared: "points", platform: 80, ours: 75.5 },
        { item: "bad_review_rate", kind: "indicator", compared: "points", platform: 60, ours: null },
      ],
    };
    const hours: BoardReconciliation = {
      ...s,
      drift: [{ item: "delivery_hours", kind: "metric", compared: "value", platform: 20.1, ours: 19.42 }],
    };
    expect(reconciliationWords("zh-CN", hours, NOW, metaOf)!.drift).toBe("不一致：揽收到签收时长（平台 20.1 小时，我方 19.42 小时）");
    expect(reconciliationWords("en", hours, NOW, metaOf)!.drift).toBe("differs: Pickup-to-delivery time (platform 20.1 h, ours 19.42 h)");
    expect(reconciliationWords("zh-CN", s, NOW, metaOf)!.drift).toBe(
      "不一致：总分（平台 88.46，我方 87）；物流体验（平台 80，我方 75.5）；商品差评率（平台 60，我方 —）",
    );
    expect(reconciliationWords("en", s, NOW, metaOf)!.drift).toBe(
      "differs: Total score (platform 88.46, ours 87); Logistics (platform 80, ours 75.5); Bad review rate (platform 60, ours —)",
    );
  });

  it("says the platform's figures have not arrived: no report at all, figures still missing, nothing comparable", () => {
    expect(reconciliationWords("zh-CN", null, NOW)).toEqual({ state: "missing", headline: "尚无平台数据", drift: null });
    expect(reconciliationWords("en", null, NOW)).toEqual({ state: "missing", headline: "no platform figures yet", drift: null });
    const missing = boardReconciliation(
      report([line("pickup_24h_rate", "missing", { platform: null })], {
        figures: { status: "missing", attempts: 2, nextRetryAtMs: NOW + 60_000, reason: "HTTP 503" },
      }),
    );
    expect(reconciliationWords("zh-CN", missing, NOW)!.headline).toBe("尚无平台数据（昨日）");
    expect(reconciliationWords("en", missing, NOW)!.headline).toBe("no platform figures yet (yesterday)");
    const unknownOnly = boardReconciliation(report([line("x", "unknown", { ours: null })], { day: "2026-12-01" }));
    expect(reconciliationWords("en", unknownOnly, NOW)).toEqual({
      state: "missing",
      headline: "nothing to compare with the platform (2026-12-01)",
      drift: null,
    });
    // A hub that reads no reports sends no field: the board shows no tile.
    expect(reconciliationWords("en", undefined, NOW)).toBeNull();
  });

  it("takes the day in Shanghai, whatever the instant's UTC date", () => {
    expect(shanghaiDay(Date.parse("2026-12-05T16:30:00Z"))).toBe("2026-12-06");
    expect(shanghaiDay(Date.parse("2026-12-05T15:59:59Z"))).toBe("2026-12-05");
    // 00:30 in Shanghai on the 6th: yesterday is the 5th, though UTC is still on the 5th.
    const s = boardReconciliation(elevenOfTwelve)!;
    expect(reconciliationWords("en", s, Date.parse("2026-12-05T16:30:00Z"))!.headline).toContain("yesterday");
    expect(reconciliationWords("en", s, Date.parse("2026-12-05T15:30:00Z"))!.headline).toContain("on 2026-12-05");
  });

  it("the page's model holds the summary from the snapshot and takes a newer one for a shop it holds only", () => {
    const snapshot: StoredSnapshot = {
      platform: "douyin",
      shopId: "d1",
      rulePack: "douyin@2023-06",
      asOf: "2026-12-06T09:30:00+08:00",
      asOfMs: NOW,
      version: 3,
      metrics: {},
      alerts: [],
      due: [],
    };
    const model = createModel();
    applySnapshot(model, { shop: "douyin:d1", snapshot, meta: {}, transitions: [], reconciliation: null });
    expect(model.shops.get("douyin:d1")!.reconciliation).toBeNull();
    const s = boardReconciliation(elevenOfTwelve);
    expect(applyReconciliation(model, { shop: "douyin:d1", reconciliation: s })).toBe(true);
    expect(model.shops.get("douyin:d1")!.reconciliation).toEqual(s);
    // The snapshot's version is untouched: the next change still applies.
    expect(model.shops.get("douyin:d1")!.snapshot.version).toBe(3);
    expect(applyReconciliation(model, { shop: "douyin:other", reconciliation: s })).toBe(false);
    expect(model.shops.has("douyin:other")).toBe(false);
    // A snapshot without the field (a hub that reads no reports): no tile.
    applySnapshot(model, { shop: "douyin:d2", snapshot: { ...snapshot, shopId: "d2" } });
    expect(model.shops.get("douyin:d2")!.reconciliation).toBeUndefined();
  });
});
