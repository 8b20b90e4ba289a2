import { afterAll, describe, expect, it } from "vitest";
import { snapshotKeys, StoredSnapshot, type MetricForecast, type ShopSnapshot } from "@sg/events";
import { createRedis } from "@sg/redis";
import { testInfra, uniqueName } from "@sg/test";
import { ProjectionWriter } from "./projection.js";

/**
 * The snapshot projection with its forecasts sent only when they change (writeSnapshot.lua): whatever was sent,
 * the stored snapshot is the snapshot the processor evaluated, whole, or (when the kept pieces are gone) the same
 * without forecasts, never a placeholder.
 */
const redis = createRedis(testInfra().redisUrl);
afterAll(() => redis.disconnect());

function forecast(v: number): MetricForecast {
  const points = Array.from({ length: 7 }, (_, i) => ({
    day: `2026-12-${String(8 + i).padStart(2, "0")}`,
    value: v + i / 3,
    status: "ok" as const,
  }));
  return { rollOff: { points, crosses: null }, atPace: { points, crosses: { line: "threshold", day: "2026-12-10" } }, toRecover: null };
}

function snapshot(shopId: string, f: { a: MetricForecast; b: MetricForecast; s: MetricForecast } | undefined): ShopSnapshot {
  return {
    platform: "douyin",
    shopId,
    rulePack: "douyin@2026-09",
    metrics: {
      a_rate: { value: 0.9, numerator: 9, denominator: 10, status: "ok", ...(f ? { forecast: f.a } : {}) },
      no_forecast: { value: null, status: "no_data" },
      b_rate: { value: 0.5, status: "breach", ...(f ? { forecast: f.b } : {}) },
    },
    alerts: [],
    scores: {
      title: "商家体验分",
      pack: "douyin@2026-09",
      effective: "2026-09-08",
      status: "complete",
      total: 87.5,
      dimensions: {},
      indicators: {},
      bonuses: 0,
      deductions: 0,
      missing: [],
      ...(f ? { forecast: f.s } : {}),
    },
  };
}

describe("ProjectionWriter: forecasts stored apart, put back by writeSnapshot.lua", () => {
  it("stores the whole snapshot whether its forecasts were sent or only named", async () => {
    const prefix = uniqueName("proj");
    const writer = new ProjectionWriter(redis, prefix);
    // A tenant's text that looks like a placeholder stays as it is (inside a JSON string every '"' is escaped).
    const shopId = 'x,"forecast":"@@sgf:m0"';
    const key = snapshotKeys(prefix).snapshot({ platform: "douyin", shopId });
    const f = { a: forecast(0.9), b: forecast(0.4), s: forecast(80) };
    const read = async () => StoredSnapshot.parse(JSON.parse((await redis.get(key))!));
    const expected = (snap: ShopSnapshot, asOfMs: number, version: number) => ({
      ...snap,
      asOf: expect.any(String),
      asOfMs,
      due: [],
      version,
    });

    // First write: the pieces go with it. Second: the same objects, so only placeholders; the stored JSON is whole.
    await writer.write([{ snapshot: snapshot(shopId, f), asOfMs: 1000, due: [] }]);
    expect(await read()).toEqual(expected(snapshot(shopId, f), 1000, 1));
    await writer.write([{ snapshot: snapshot(shopId, f), asOfMs: 2000, due: [] }]);
    expect(await read()).toEqual(expected(snapshot(shopId, f), 2000, 2));
    expect(await redis.get(key)).not.toContain('"forecast":"@@sgf');

    // New forecast objects (a recomputed forecast): new pieces.
    const g = { a: forecast(0.8), b: forecast(0.3), s: forecast(70) };
    await writer.write([{ snapshot: snapshot(shopId, g), asOfMs: 3000, due: [] }]);
    expect(await read()).toEqual(expected(snapshot(shopId, g), 3000, 3));

    // The kept pieces are lost (expired, or another process sent others): the snapshot is stored without its
    // forecasts (still the contract's JSON), and the next write sends them again.
    await redis.del(`${prefix}:{douyin:${shopId}}:snapshot-forecasts`);
    await writer.write([{ snapshot: snapshot(shopId, g), asOfMs: 4000, due: [] }]);
    expect(await read()).toEqual(expected(snapshot(shopId, undefined), 4000, 4));
    await writer.write([{ snapshot: snapshot(shopId, g), asOfMs: 5000, due: [] }]);
    expect(await read()).toEqual(expected(snapshot(shopId, g), 5000, 5));

    // Another writer (another process) sends its own pieces; the first one's placeholders no longer match them.
    const other = new ProjectionWriter(redis, prefix);
    const h = { a: forecast(0.7), b: forecast(0.2), s: forecast(60) };
    await other.write([{ snapshot: snapshot(shopId, h), asOfMs: 6000, due: [] }]);
    await writer.write([{ snapshot: snapshot(shopId, g), asOfMs: 7000, due: [] }]);
    expect(await read()).toEqual(expected(snapshot(shopId, undefined), 7000, 7));
    await writer.write([{ snapshot: snapshot(shopId, g), asOfMs: 8000, due: [] }]);
    expect(await read()).toEqual(expected(snapshot(shopId, g), 8000, 8));

    // A snapshot without forecasts is stored as it is.
    await writer.write([{ snapshot: snapshot(shopId, undefined), asOfMs: 9000, due: [] }]);
    expect(await read()).toEqual(expected(snapshot(shopId, undefined), 9000, 9));
  });
});
