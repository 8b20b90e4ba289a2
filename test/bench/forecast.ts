/**
 * The forecast's cost (docs/forecast.md): what computing a shop's forecast adds to one evaluation of the bench's
 * busy shop (a month at BENCH_BUSY_PER_DAY events a day, default 4000, evaluated at 15:00 with its live pending
 * items), over engine v2's pure part (the same forecastShop the processor runs; its one extra Redis call is not
 * in this number). Goal: at most 1 ms (issue 18).
 */
import { performance } from "node:perf_hooks";
import { shopMonth } from "./history.js";
import { evaluateStateWithForecast, forecastShop, forecastSourceOfState } from "../../services/processor/src/engine/forecast/index.js";
import { applyEvents, emptyShopState, evaluateState, packsOf } from "../../services/processor/src/engine/incremental/shop-state.js";
import { median } from "./measure.js";

export async function forecastBench(line: (s: string) => void, runs = Number(process.env.BENCH_FORECAST_RUNS ?? 20)): Promise<void> {
  const perDay = Number(process.env.BENCH_BUSY_PER_DAY ?? 4000);
  const now = Date.parse("2026-03-31T15:00:00+08:00");
  const shop = { platform: "douyin" as const, shopId: "busy" };
  const events = shopMonth({ ...shop, days: 30, perDay, nowMs: now }).map((event) => ({ event, atMs: Number(event.at) }));
  const packs = packsOf({ ...shop, now });
  const { state: applied } = applyEvents(packs.store, emptyShopState(), events, now, Infinity, packs.chatKeepDays, packs.closedKeepMs);
  const { state, evaluation } = evaluateState(applied, { ...shop, now });
  const input = {
    ...shop,
    now,
    shop: {},
    pack: packs.evaluate,
    slots: packs.slots,
    store: { pack: packs.store, chatKeepDays: packs.chatKeepDays, closedKeepMs: packs.closedKeepMs },
  };
  const evalMs: number[] = [];
  const forecastMs: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    let t0 = performance.now();
    evaluateState(state, { ...shop, now });
    const e = performance.now() - t0;
    t0 = performance.now();
    forecastShop(input, evaluation!, forecastSourceOfState(state, packs.evaluate, now));
    const f = performance.now() - t0;
    if (i < 3) continue;
    evalMs.push(e);
    forecastMs.push(f);
  }
  const src = forecastSourceOfState(state, packs.evaluate, now);
  const added = median(forecastMs);
  line(
    `   busy shop (${events.length} events, ${state.records.size} records, ${src.timed.size} timed before the last point, ${src.pending.length} pending): ` +
      `evaluation ${median(evalMs).toFixed(2)} ms, forecast adds ${added.toFixed(2)} ms (median of ${runs}; goal ≤ 1 ms: ${added <= 1 ? "met" : "NOT met"})`,
  );
  // The whole path once, as a check that it runs end to end on this shop.
  if (evaluateStateWithForecast(state, { ...shop, now }).evaluation?.snapshot.metrics.pickup_24h_rate?.forecast === undefined)
    throw new Error("forecast bench: the busy shop's evaluation has no forecast");
}

// Run alone: `npx tsx test/bench/forecast.ts`.
if (import.meta.url === `file://${process.argv[1]}`) await forecastBench((s) => console.log(s));
