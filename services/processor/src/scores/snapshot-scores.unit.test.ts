import { readFileSync } from "node:fs";
import { parseScoreguardConfig } from "@sg/config";
import { CanonicalEvent, ShopSnapshot } from "@sg/events";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { evaluateShop } from "../engine/index.js";
import { processorMetrics } from "../publish/telemetry.js";
import { TEA } from "../testing/score-params.js";
import { shopOverridesFor } from "./context.js";

/** The conformance case dy-bad-review-first: 5 orders signed, 2 first reviews bad (bad_review_rate 0.4). */
const events = readFileSync(new URL("../../../../test/conformance/cases/dy-bad-review-first.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => CanonicalEvent.parse(JSON.parse(l)));
const asOf = Date.parse("2026-03-20T12:00:00+08:00");
const config = parseScoreguardConfig({
  shops: { "douyin:d1": { industry: "tea" } },
  scoreParameters: { "douyin@2023-06": { tea: TEA } },
});

describe("scores in the evaluation output", () => {
  it("the snapshot carries scores beside unchanged metrics", () => {
    const plain = evaluateShop({ platform: "douyin", shopId: "d1", events, asOf }).snapshot;
    const scored = evaluateShop({ platform: "douyin", shopId: "d1", events, asOf, shop: shopOverridesFor(config, "douyin:d1") }).snapshot;
    expect(scored.metrics).toEqual(plain.metrics);
    expect(scored.alerts).toEqual(plain.alerts);
    const s = scored.scores!;
    // bad_review_rate 0.4: worse than every line → 50; quality_return_rate 0/5 → 100; goods (50 + 100)/2 = 75.
    expect(s.indicators.bad_review_rate).toEqual({ value: 0.4, points: 50, band: 6, rule: "band", lost: 10 });
    expect(s.indicators.quality_return_rate).toEqual({ value: 0, points: 100, band: 1, rule: "band", lost: 0 });
    expect(s.dimensions.goods).toEqual({ score: 75, weight: 40 });
    // No pickups, no chats: the other dimensions have no data, so no total.
    expect(s).toMatchObject({ status: "incomplete", total: null, pack: "douyin@2023-06", effective: "2023-06-01", sample: true });
    expect(s.missing).toContain("indicator pickup_24h_rate: no data");
    // Without configuration the score names the missing industry.
    expect(plain.scores!.missing[0]).toBe('shops["douyin:d1"].industry');
    // The snapshot contract (read API, replay) keeps the field.
    expect(ShopSnapshot.parse(JSON.parse(JSON.stringify(scored))).scores).toEqual(s);
  });

  it("a pack without a score model adds no field", () => {
    const ks = evaluateShop({ platform: "kuaishou", shopId: "k1", events: [], asOf }).snapshot;
    expect("scores" in ks).toBe(false);
  });

  it("/metrics exports the score's dimensions and completeness", async () => {
    const registry = new Registry();
    const m = processorMetrics(registry);
    m.exportShop(evaluateShop({ platform: "douyin", shopId: "d1", events, asOf, shop: shopOverridesFor(config, "douyin:d1") }).snapshot);
    const text = await registry.metrics();
    expect(text).toContain('sg_shop_score_dimension{platform="douyin",shop="d1",shop_key="douyin:d1",dimension="goods"} 75');
    expect(text).toContain('sg_shop_score_complete{platform="douyin",shop="d1",shop_key="douyin:d1"} 0');
    expect(text).not.toContain("sg_shop_score_total{");
    expect(text).not.toContain('dimension="logistics"');
  });
});
