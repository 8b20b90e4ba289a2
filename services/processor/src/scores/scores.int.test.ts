import { parseScoreguardConfig } from "@sg/config";
import { shopKey } from "@sg/events";
import { testInfra } from "@sg/test";
import { describe, expect, it } from "vitest";
import { evaluateShop } from "../engine/index.js";
import { readEventsFile } from "../replay/read-events.js";
import { runReplay } from "../replay/run-replay.js";
import { randomStream } from "../testing/random-events.js";
import { TEA } from "../testing/score-params.js";
import { forecastCount, withoutForecast } from "../testing/without-forecast.js";
import { shopOverridesFor } from "./context.js";

/**
 * Scores through the real pipeline (Kafka in, processor, Redis state, the snapshot projection the read API
 * serves, `replay`'s output): the same as the pure engine's, the metrics unchanged by the score config.
 */
const config = parseScoreguardConfig({
  shops: { "douyin:d1": { industry: "tea" }, "douyin:r1": { industry: "tea" } },
  scoreParameters: { "douyin@2023-06": { tea: TEA } },
});

describe("scores end to end", () => {
  it("replay carries the scores of the projection, computed by hand for the bad-review case", async () => {
    const { brokers, redisUrl } = testInfra();
    const read = readEventsFile(new URL("../../../../test/conformance/cases/dy-bad-review-first.jsonl", import.meta.url).pathname);
    const asOfMs = Date.parse("2026-03-20T12:00:00+08:00");
    const scored = await runReplay({ read, asOfMs, config, brokers, redisUrl });
    const plain = await runReplay({ read, asOfMs, config: {}, brokers, redisUrl });
    const s = scored.shops["douyin:d1"]!;
    expect(s.metrics).toEqual(plain.shops["douyin:d1"]!.metrics);
    // bad_review_rate 2/5 → 50, quality_return_rate 0/5 → 100: goods 75.
    expect(s.scores!.indicators.bad_review_rate).toMatchObject({ value: 0.4, points: 50, band: 6 });
    expect(s.scores!.dimensions.goods).toEqual({ score: 75, weight: 40 });
    expect(s.scores).toMatchObject({ status: "incomplete", total: null, pack: "douyin@2023-06", sample: true });
    expect(plain.shops["douyin:d1"]!.scores!.missing[0]).toBe('shops["douyin:d1"].industry');
  });

  it("a random douyin stream: replay's scores equal the pure engine's", async () => {
    const { brokers, redisUrl } = testInfra();
    const asOfMs = Date.parse("2026-03-03T12:00:00+08:00");
    const events = randomStream({
      seed: 7,
      platform: "douyin",
      shopId: "r1",
      startMs: Date.parse("2026-03-01T08:00:00+08:00"),
      consumers: 40,
      orders: 60,
    });
    const out = await runReplay({
      read: { lines: events.map((event) => ({ raw: JSON.stringify(event), event })), errors: [], latestAtMs: undefined },
      asOfMs,
      config,
      brokers,
      redisUrl,
    });
    const key = shopKey({ platform: "douyin", shopId: "r1" });
    const pure = evaluateShop({ platform: "douyin", shopId: "r1", events, asOf: asOfMs, shop: shopOverridesFor(config, key) }).snapshot;
    // replay's snapshot also carries each metric's forecast, which the full-history engine does not compute.
    expect(forecastCount(out.shops[key])).toBeGreaterThan(0);
    expect(withoutForecast(out.shops[key])).toEqual(pure);
    const points = Object.values(pure.scores!.indicators).filter((i) => i.points !== null);
    expect(points.length).toBeGreaterThan(3);
  });
});
