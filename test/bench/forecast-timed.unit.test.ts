import { describe, expect, it } from "vitest";
import { forecastMoments, projectEntity } from "../../services/processor/src/engine/forecast/index.js";
import { computeDelta } from "../../services/processor/src/engine/incremental/delta.js";
import { applyEvents, emptyShopState, evaluateState, packsOf } from "../../services/processor/src/engine/incremental/shop-state.js";
import { shopMonth } from "./history.js";

/**
 * The forecast's timed projections (engine/forecast/timed.ts) recompute an entity at a point only when its
 * timer after the last recomputation has come. Checked against recomputing it from its stored record at every
 * point its original timer has passed (the forecast's first form), entity by entity, on a month of the bench's
 * realistic history. (Neither this history nor the model streams hold many entities that pass a second timer
 * within the horizon; the count is printed. The reference comparison, forecast-reference.unit.test.ts, judges
 * the values.)
 */
describe("timed projections", () => {
  it("equal recomputing every timed entity at every point, on a month of bench history", () => {
    const now = Date.parse("2026-03-31T15:00:00+08:00");
    const shop = { platform: "douyin" as const, shopId: "busy" };
    const events = shopMonth({ ...shop, days: 30, perDay: 300, nowMs: now }).map((event) => ({ event, atMs: Number(event.at) }));
    const packs = packsOf({ ...shop, now });
    const acc = { pack: packs.store, chatKeepDays: packs.chatKeepDays, closedKeepMs: packs.closedKeepMs };
    const applied = applyEvents(packs.store, emptyShopState(), events, now, Infinity, acc.chatKeepDays, acc.closedKeepMs).state;
    const { state } = evaluateState(applied, { ...shop, now });
    const moments = forecastMoments(now);
    let entities = 0;
    let chained = 0;
    for (const [key, timer] of state.timers) {
      if (timer > moments.at(-1)!) continue;
      const stored = state.records.get(key)!;
      const proj = projectEntity(acc, key, stored, timer, moments);
      const brute = moments.map((asOf) => {
        if (timer > asOf) return undefined;
        const d = computeDelta(acc.pack, new Map([[key, stored]]), [], asOf, [key], acc.chatKeepDays, acc.closedKeepMs);
        return { agg: d.agg, cur: d.cur, pendDel: d.pendDel, pendAdd: d.pendAdd };
      });
      expect(proj, key).toEqual(brute);
      entities++;
      if (new Set(proj.filter(Boolean)).size > 1) chained++;
    }
    console.log(`timed entities compared: ${entities}, recomputed at more than one point: ${chained}`);
    expect(entities).toBeGreaterThan(20);
  });
});
