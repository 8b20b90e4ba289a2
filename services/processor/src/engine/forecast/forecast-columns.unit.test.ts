import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CanonicalEvent } from "@sg/events";
import { selectablePacks } from "@sg/rules";
import { deliveryPlan, modelStream } from "../../testing/model-streams.js";
import { modelCalendar } from "../../testing/model-calendars.js";
import { smallModelSpec } from "../../testing/small-model-spec.js";
import { shopCalendar } from "../calendar-entries.js";
import type { ShopEvaluation } from "../evaluate.js";
import { applyEvents, emptyShopState, evaluateState, packsOf, type ShopState } from "../incremental/shop-state.js";
import { pointsByRecords } from "./by-records.js";
import { forecastShop, forecastWith, pointsByColumns, type ForecastInput } from "./forecast.js";
import { forecastSourceOfState } from "./from-state.js";
import { forecastMoments } from "./horizon.js";
import { todaysPace } from "./source.js";
import { ForecastProjections, projectionDay, TimedProjections } from "./timed.js";

/**
 * The forecast's points from numeric day columns (pointsByColumns, day-columns.ts) against the record path
 * they replaced (pointsByRecords: copies of the day records, the timed changes and the pace added as strings,
 * each point evaluated in full), on random model streams of every platform and selectable pack, half of them
 * with a random calendar, delivered shuffled with duplicates, at every evaluation: every point's metric
 * outputs and measurements and its score, on both paths, and the whole forecast (the columns with the shop's
 * kept projections, the records afresh), equal bit for bit (toEqual compares numbers with Object.is).
 */

const DAY = 86_400_000;
const FIRST_DAY = Date.parse("2026-01-25T00:00:00+08:00");
const RUNS = Number(process.env.SG_FORECAST_RUNS ?? 40);

/** What the forecast reads of a point's evaluation, and the measurements it comes from. */
function pointView(ev: ShopEvaluation) {
  return {
    states: ev.states.map((s) => ({ name: s.name, output: s.output, pastTarget: s.pastTarget, measured: s.measured })),
    scores: ev.snapshot.scores,
  };
}

describe("the forecast's points from day columns", () => {
  it(`equal the record path's, bit for bit, on ${RUNS} model streams`, { timeout: 300_000 }, () => {
    let points = 0;
    let paced = 0;
    let changed = 0;
    let deductions = 0;
    fc.assert(
      fc.property(smallModelSpec, (s) => {
        const packChoices = selectablePacks(s.platform);
        const pack = packChoices[s.pack % packChoices.length]!;
        const dayStartMs = FIRST_DAY + s.day * DAY;
        const stream = modelStream({ ...s, shopId: "m1", dayStartMs });
        const calendar =
          s.delivery % 2 === 0 ? shopCalendar(modelCalendar(s.delivery, s.platform, "m1", dayStartMs), s.platform, "m1") : undefined;
        const shop = { platform: s.platform, shopId: "m1" };
        const overrides = calendar ? { calendar } : {};
        const kept = new ForecastProjections();
        let state: ShopState = emptyShopState();
        const check = (now: number) => {
          const r = evaluateState(state, { ...shop, now, pack, shop: overrides });
          state = r.state;
          if (r.evaluation === undefined) return;
          const packs = packsOf({ ...shop, now, pack, shop: overrides });
          const store = { pack: packs.store, chatKeepDays: packs.chatKeepDays, closedKeepMs: packs.closedKeepMs };
          const input: ForecastInput = { ...shop, now, shop: overrides, pack: packs.evaluate, slots: packs.slots, store };
          const src = forecastSourceOfState(r.state, packs.evaluate, now, r.aggregates);
          const moments = forecastMoments(now);
          const projections = new TimedProjections(projectionDay(now), store, moments, calendar);
          projections.update(src.timed!);
          const pace = todaysPace(src, now);
          const byColumns = pointsByColumns(input, src, projections, pace, moments);
          const byRecords = pointsByRecords(input, src, projections, pace, moments);
          const when = `${pack.id}${calendar ? " with a calendar" : ""} at ${new Date(now).toISOString()}`;
          for (let k = 0; k < moments.length; k++) {
            expect(pointView(byColumns.roll[k]!), `roll-off point ${k}, ${when}`).toEqual(pointView(byRecords.roll[k]!));
            expect(pointView(byColumns.paced[k]!), `paced point ${k}, ${when}`).toEqual(pointView(byRecords.paced[k]!));
            points += 2;
            if (projections.at(k).agg.size > 0 || projections.at(k).pend.size > 0) changed++;
          }
          if (pace.size > 0) paced++;
          if ([...src.days.values()].some((d) => Object.keys(d).some((f) => f.startsWith("S|d|")))) deductions++;
          const withColumns = forecastShop(input, r.evaluation, src, kept.of("m1", now, store, moments, calendar));
          const withRecords = forecastWith(pointsByRecords, input, r.evaluation, src);
          expect(withColumns, `forecast, ${when}`).toEqual(withRecords);
        };
        for (const step of deliveryPlan(stream, s.delivery, { concurrent: 0, race: 0, reuse: 0.05 })) {
          const apply = (events: CanonicalEvent[], now: number) => {
            const packs = packsOf({ ...shop, now, pack, shop: overrides });
            const timed = events.map((event) => ({ event, atMs: Number(event.at) }));
            state = applyEvents(packs.store, state, timed, now, Infinity, packs.chatKeepDays, packs.closedKeepMs, calendar).state;
          };
          if (step.kind === "apply" || step.kind === "race") apply(step.events, step.now);
          else if (step.kind === "concurrent") for (const part of step.parts) apply(part, step.now);
          else if (step.kind === "evaluate") check(step.now);
        }
        check(stream.asOf);
      }),
      { numRuns: RUNS, seed: 20_261_207 },
    );
    console.log(
      `points compared: ${points}; with a timed change: ${changed}; forecasts with a pace: ${paced}; with score deductions in the days: ${deductions}`,
    );
    expect(points).toBeGreaterThan(0);
    expect(changed).toBeGreaterThan(0);
    expect(paced).toBeGreaterThan(0);
    expect(deductions).toBeGreaterThan(0);
  });
});
