import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CanonicalEvent, type MetricForecast } from "@sg/events";
import { deliveryPlan, modelStream } from "../../testing/model-streams.js";
import { applyEvents, emptyShopState, packsOf, type ShopState } from "../incremental/shop-state.js";
import { referenceRollOff } from "../reference/index.js";
import { evaluateStateWithForecast } from "./from-state.js";
import { ForecastProjections } from "./timed.js";
import { smallModelSpec } from "../../testing/small-model-spec.js";

/**
 * Engine v2's forecast (engine/forecast: the timed entities projected incrementally, timed.ts) against the
 * reference's roll-off (engine/reference/roll-off.ts: the known facts evaluated by the full-history reference
 * at each coming day-end), on random model streams delivered shuffled with duplicates, at every evaluation.
 * The same run checks that the forecast with the shop's kept projections (updated by the entities changed
 * since the last forecast, as the processor keeps them) equals the one computed afresh, both paths whole.
 */

const DAY = 86_400_000;
const FIRST_DAY = Date.parse("2026-01-25T00:00:00+08:00");
const RUNS = Number(process.env.SG_FORECAST_RUNS ?? 40);

const spec = smallModelSpec;

type Forecasts = Record<string, MetricForecast | undefined>;

describe("engine v2's forecast", () => {
  it(`equals the reference's roll-off, and kept projections equal fresh ones, on ${RUNS} model streams`, { timeout: 300_000 }, () => {
    let points = 0;
    let reused = 0;
    fc.assert(
      fc.property(spec, (s) => {
        const shop = { platform: s.platform, shopId: "m1" };
        const stream = modelStream({ ...s, shopId: "m1", dayStartMs: FIRST_DAY + s.day * DAY });
        const kept = new ForecastProjections();
        let state: ShopState = emptyShopState();
        const delivered = new Map<string, CanonicalEvent>();
        const apply = (events: CanonicalEvent[], now: number) => {
          for (const e of events) if (!delivered.has(e.id)) delivered.set(e.id, e);
          const packs = packsOf({ ...shop, now });
          const atMs = events.map((event) => ({ event, atMs: Number(event.at) }));
          state = applyEvents(packs.store, state, atMs, now, Infinity, packs.chatKeepDays, packs.closedKeepMs).state;
        };
        const check = (now: number) => {
          const incremental = evaluateStateWithForecast(state, { ...shop, now }, kept);
          const fresh = evaluateStateWithForecast(state, { ...shop, now });
          state = fresh.state;
          if (fresh.evaluation === undefined) return;
          const forecasts = (e: typeof incremental.evaluation): Forecasts =>
            Object.fromEntries(Object.entries(e!.snapshot.metrics).map(([name, m]) => [name, m.forecast]));
          const when = `${s.platform} at ${new Date(now).toISOString()}`;
          expect(forecasts(incremental.evaluation), `kept projections, ${when}`).toEqual(forecasts(fresh.evaluation));
          expect(incremental.evaluation?.snapshot.scores?.forecast, `score, ${when}`).toEqual(fresh.evaluation.snapshot.scores?.forecast);
          const ref = referenceRollOff({ ...shop, events: [...delivered.values()], now });
          for (const [name, f] of Object.entries(forecasts(fresh.evaluation))) {
            expect(f?.rollOff.points, `${name} roll-off, ${when}`).toEqual(ref[name]);
            points += f?.rollOff.points.length ?? 0;
          }
        };
        for (const step of deliveryPlan(stream, s.delivery, { concurrent: 0, race: 0, reuse: 0.05 })) {
          if (step.kind === "apply" || step.kind === "race") apply(step.events, step.now);
          else if (step.kind === "concurrent") for (const part of step.parts) apply(part, step.now);
          else if (step.kind === "evaluate") check(step.now);
        }
        check(stream.asOf);
        reused += kept.size;
      }),
      { numRuns: RUNS, seed: 20_261_206 },
    );
    console.log(`forecast points compared with the reference: ${points}; shops with kept projections: ${reused}`);
    expect(points).toBeGreaterThan(0);
  });
});
