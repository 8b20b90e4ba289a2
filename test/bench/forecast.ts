/**
 * The forecast's cost (docs/forecast.md): what computing a shop's forecast adds to one evaluation of the bench's
 * busy shop (a month at BENCH_BUSY_PER_DAY events a day, default 4000, evaluated from 15:00 with its live
 * pending items), over engine v2's pure part (the same forecastShop the processor runs; its one extra Redis
 * call is in the eval section's forecast row, not in this one). Two figures: the day's first forecast of the
 * shop (every timed entity projected, engine/forecast/timed.ts), and the forecast after each of BENCH_EVALS
 * evaluations on a clock moving BENCH_EVAL_STEP_MS with the shop's live events applied between them (the
 * shop's projections kept, as the processor keeps them). Goal: at most 1 ms (issue 18).
 */
import { performance } from "node:perf_hooks";
import { shopMonth } from "./history.js";
import {
  evaluateStateWithForecast,
  ForecastProjections,
  forecastMoments,
  forecastShop,
  forecastSourceOfState,
} from "../../services/processor/src/engine/forecast/index.js";
import { forecastWith } from "../../services/processor/src/engine/forecast/forecast.js";
import { pointsByRecords } from "../../services/processor/src/engine/forecast/by-records.js";
import { applyEvents, emptyShopState, evaluateState, packsOf } from "../../services/processor/src/engine/incremental/shop-state.js";
import { median, pct } from "./measure.js";

/**
 * The bench's busy shop (Douyin): a month of events up to `end` at `perDay` a day, its packs at `start` (with the
 * shop's `overrides`), and `apply`, which applies its events of (from, to] to a state as the engine does.
 */
export function busyShopMonth(o: { perDay: number; start: number; end: number; overrides?: { pack?: string } }) {
  const shop = { platform: "douyin" as const, shopId: "busy" };
  const all = shopMonth({ ...shop, days: 30, perDay: o.perDay, nowMs: o.end }).map((event) => ({ event, atMs: Number(event.at) }));
  const packs = packsOf({ ...shop, now: o.start, ...(o.overrides ? { shop: o.overrides } : {}) });
  const store = { pack: packs.store, chatKeepDays: packs.chatKeepDays, closedKeepMs: packs.closedKeepMs };
  const apply = (s: ReturnType<typeof emptyShopState>, from: number, to: number) =>
    applyEvents(
      packs.store,
      s,
      all.filter((e) => e.atMs > from && e.atMs <= to),
      to,
      Infinity,
      packs.chatKeepDays,
      packs.closedKeepMs,
    ).state;
  return { shop, all, packs, store, apply };
}

export async function forecastBench(line: (s: string) => void): Promise<void> {
  const perDay = Number(process.env.BENCH_BUSY_PER_DAY ?? 4000);
  const evals = Number(process.env.BENCH_EVALS ?? 100);
  const stepMs = Number(process.env.BENCH_EVAL_STEP_MS ?? 36_000);
  const start = Date.parse("2026-03-31T15:00:00+08:00");
  const end = start + evals * stepMs;
  const { shop, all, packs, store, apply } = busyShopMonth({ perDay, start, end });
  let state = apply(emptyShopState(), -Infinity, start);
  const input = (now: number) => ({ ...shop, now, shop: {}, pack: packs.evaluate, slots: packs.slots, store });

  // The day's first forecast: nothing kept, every timed entity projected (median of 5).
  const ev0 = evaluateState(state, { ...shop, now: start });
  const src0 = forecastSourceOfState(ev0.state, packs.evaluate, start, ev0.aggregates);
  const fresh: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    forecastShop(input(start), ev0.evaluation!, src0);
    if (i > 0) fresh.push(performance.now() - t0);
  }

  // Then every evaluation on the moving clock, the live events applied between, the projections kept; beside
  // each forecast, the same one by the record path the columns replaced (by-records.ts, its own kept
  // projections), in alternating order, so both meet the same load.
  const kept = new ForecastProjections();
  const keptBefore = new ForecastProjections();
  const key = `${shop.platform}:${shop.shopId}`;
  forecastShop(input(start), ev0.evaluation!, src0, kept.of(key, start, store, forecastMoments(start)));
  forecastWith(pointsByRecords, input(start), ev0.evaluation!, src0, keptBefore.of(key, start, store, forecastMoments(start)));
  const beforeMs: number[] = [];
  state = ev0.state;
  const evalMs: number[] = [];
  const forecastMs: number[] = [];
  let recomputed = 0;
  for (let i = 1; i <= evals; i++) {
    const now = start + i * stepMs;
    state = apply(state, now - stepMs, now);
    let t0 = performance.now();
    const ev = evaluateState(state, { ...shop, now });
    evalMs.push(performance.now() - t0);
    state = ev.state;
    const before = () => {
      const t = performance.now();
      const src = forecastSourceOfState(state, packs.evaluate, now, ev.aggregates);
      forecastWith(pointsByRecords, input(now), ev.evaluation!, src, keptBefore.of(key, now, store, forecastMoments(now)));
      beforeMs.push(performance.now() - t);
    };
    if (i % 2 === 0) before();
    t0 = performance.now();
    const projections = kept.of(key, now, store, forecastMoments(now));
    forecastShop(input(now), ev.evaluation!, forecastSourceOfState(state, packs.evaluate, now, ev.aggregates), projections);
    forecastMs.push(performance.now() - t0);
    recomputed += projections.recomputed;
    if (i % 2 === 1) before();
  }
  const live = all.filter((e) => e.atMs > start && e.atMs <= end).length;
  const added = median(forecastMs);
  line(
    `   forecast, busy shop (${all.length} events, ${state.records.size} records, ${src0.timed?.size ?? 0} timed before the last point, ${src0.pending.length} pending), pure part, loaded machine:`,
  );
  line(
    `   method: forecastShop after evaluateState (engine v2 over maps); the day's first forecast median of 5; then ${evals} evaluations ${stepMs / 1000} s apart with the shop's ${live} live events applied between, the projections kept (${(recomputed / evals).toFixed(1)} timed entities recomputed per forecast)`,
  );
  line(`   the day's first forecast: ${median(fresh).toFixed(2)} ms`);
  line(
    `   evaluation alone median / p99 ${median(evalMs).toFixed(2)} / ${pct(evalMs, 0.99).toFixed(2)} ms; the forecast adds ${added.toFixed(2)} / ${pct(forecastMs, 0.99).toFixed(2)} ms   goal ≤ 1 ms, median and p99: ${added <= 1 && pct(forecastMs, 0.99) <= 1 ? "met" : "NOT met"}`,
  );
  line(
    `   the same forecasts by the record path the day columns replaced (by-records.ts, alternating with them): ${median(beforeMs).toFixed(2)} / ${pct(beforeMs, 0.99).toFixed(2)} ms`,
  );
  // The whole path once, as a check that it runs end to end on this shop.
  if (evaluateStateWithForecast(state, { ...shop, now: end }).evaluation?.snapshot.metrics.pickup_24h_rate?.forecast === undefined)
    throw new Error("forecast bench: the busy shop's evaluation has no forecast");
}

// Run alone: `npx tsx test/bench/forecast.ts`.
if (import.meta.url === `file://${process.argv[1]}`) await forecastBench((s) => console.log(s));
