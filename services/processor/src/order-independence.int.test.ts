import { describe, expect, it } from "vitest";
import { shopKey, type CanonicalEvent, type Platform } from "@sg/events";
import { testInfra } from "@sg/test";
import { evaluateShop } from "./engine/index.js";
import { runReplay } from "./replay/run-replay.js";
import type { ReadEvents } from "./replay/read-events.js";
import { randomStream, shuffleWithDuplicates } from "./testing/random-events.js";
import { forecastCount, withoutForecast } from "./testing/without-forecast.js";

/**
 * Property (architecture.md "Event time, any order"): through the real pipeline (Kafka in, processor, Redis),
 * a random stream delivered shuffled and with duplicates gives exactly the output of in-order delivery,
 * and both equal the pure engine's result.
 */
const asRead = (events: CanonicalEvent[]): ReadEvents => ({
  lines: events.map((event) => ({ raw: JSON.stringify(event), event })),
  errors: [],
  latestAtMs: undefined,
});

const PLATFORMS: Platform[] = ["kuaishou", "douyin", "jd", "pdd"];

describe("arrival order and duplicates do not change results", () => {
  it.each([1, 2, 3])("seed %i, all four platforms in one stream", async (seed) => {
    const { brokers, redisUrl } = testInfra();
    const asOfMs = Date.parse("2026-03-03T12:00:00+08:00");
    const startMs = Date.parse("2026-03-01T08:00:00+08:00");
    const events = PLATFORMS.flatMap((platform, i) =>
      randomStream({ seed: seed * 10 + i, platform, shopId: `p${seed}`, startMs, consumers: 25, orders: 25 }),
    );
    const inOrder = [...events].sort((a, b) => Number(a.at) - Number(b.at));
    const shuffled = shuffleWithDuplicates(events, seed, 0.3);
    expect(shuffled.length).toBeGreaterThan(inOrder.length);

    const a = await runReplay({ read: asRead(inOrder), asOfMs, config: {}, brokers, redisUrl });
    const b = await runReplay({ read: asRead(shuffled), asOfMs, config: {}, brokers, redisUrl });
    expect(b).toEqual(a);
    for (const platform of PLATFORMS) {
      const key = shopKey({ platform, shopId: `p${seed}` });
      const pure = evaluateShop({ platform, shopId: `p${seed}`, events: inOrder.filter((e) => shopKey(e) === key), asOf: asOfMs }).snapshot;
      // replay's snapshot also carries each metric's forecast, which the full-history engine does not compute.
      expect(forecastCount(a.shops[key])).toBeGreaterThan(0);
      expect(withoutForecast(a.shops[key])).toEqual(pure);
    }
    // The streams are rich enough to exercise the rules: some metric of every shop has data.
    for (const s of Object.values(a.shops)) {
      expect(Object.values(s.metrics).some((m) => m.status !== "no_data")).toBe(true);
    }
  });
});
