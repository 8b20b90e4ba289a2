import { toMillis, type CanonicalEvent, type Platform } from "@sg/events";
import type { RulePack } from "@sg/rules";
import type { ShopEvaluation } from "../evaluate.js";
import type { ShopAggregates } from "../incremental/measure.js";
import { aggregateRecord, aggregatesOf, evaluateState, packsOf, stateOfEvents, type ShopState } from "../incremental/shop-state.js";
import type { ShopOverrides } from "../types.js";
import { forecastShop, withForecast } from "./forecast.js";
import { forecastDays, forecastMoments, pointAsOf, FORECAST_DAYS } from "./horizon.js";
import type { ForecastSource } from "./source.js";
import { anchorState, lineageOf } from "../incremental/state-lineage.js";
import { noteDerivedTimed, type ForecastProjections, type TimedEntity } from "./timed.js";

/**
 * What the forecast reads, from engine v2's state as plain maps (shop-state.ts): the aggregates the evaluation
 * read, the forecast's other days (as forecast-reader.ts reads them from Redis), and the timed entities.
 */
export function forecastSourceOfState(s: ShopState, pack: RulePack, now: number, read?: ShopAggregates): ForecastSource {
  const used = read ?? aggregatesOf(s, pack, now);
  const last = pointAsOf(now, FORECAST_DAYS - 1);
  const timed = timedOf(s, last);
  const days = new Map(used.days);
  for (const d of forecastDays(pack, now)) if (!days.has(d)) days.set(d, aggregateRecord(s.days.get(d)));
  return { days, cur: used.cur, pending: used.pending, timed };
}

/** The timed entities of a state as last read, for the same last point. */
interface TimedRead {
  last: number;
  timed: ReadonlyMap<string, TimedEntity>;
}

/**
 * The entities whose timer falls at or before `last`, with their records. From the last state read when `s`
 * was made from it (state-lineage.ts), only the entities changed since are read again (as the processor's
 * forecast reader reads only those written since, state/forecast-reader.ts), not every timer of the shop.
 */
function timedOf(s: ShopState, last: number): ReadonlyMap<string, TimedEntity> {
  const entity = (k: string): TimedEntity | undefined => {
    const timer = s.timers.get(k);
    const stored = timer === undefined || timer > last ? undefined : s.records.get(k);
    // A changed record is a new object (commitDelta), so the object is the version.
    return stored && { stored, timer: timer!, version: stored };
  };
  const lineage = lineageOf<TimedRead>(s);
  // Nothing changed since (read twice, or commits that changed no entity): the same entities, the same map.
  if (lineage && lineage.data.last === last && lineage.keys.length === 0) return lineage.data.timed;
  let timed: Map<string, TimedEntity>;
  if (lineage && lineage.data.last === last) {
    timed = new Map(lineage.data.timed);
    for (const k of lineage.keys) {
      const t = entity(k);
      if (t) timed.set(k, t);
      else timed.delete(k);
    }
    noteDerivedTimed(timed, lineage.data.timed, lineage.keys);
  } else {
    timed = new Map();
    // forEach, not for-of over entries: no entry array per timer (a busy shop has hundreds, docs/forecast.md "Cost").
    s.timers.forEach((timer, k) => {
      if (timer > last) return;
      const stored = s.records.get(k);
      if (stored) timed.set(k, { stored, timer, version: stored });
    });
  }
  anchorState<TimedRead>(s, { last, timed });
  return timed;
}

/**
 * evaluateState with the forecast: engine v2's pure part, as the processor evaluates and forecasts a shop.
 * `projections`: the shop's kept timed projections (the processor keeps them per shop, ForecastProjections).
 */
export function evaluateStateWithForecast(
  s: ShopState,
  input: { platform: Platform; shopId: string; now: number; shop?: ShopOverrides; pack?: RulePack },
  projections?: ForecastProjections,
): { state: ShopState; evaluation: ShopEvaluation | undefined } {
  const r = evaluateState(s, input);
  if (r.evaluation === undefined) return r;
  const packs = packsOf(input);
  const store = { pack: packs.store, chatKeepDays: packs.chatKeepDays, closedKeepMs: packs.closedKeepMs };
  const f = forecastShop(
    {
      platform: input.platform,
      shopId: input.shopId,
      now: input.now,
      shop: input.shop ?? {},
      pack: packs.evaluate,
      slots: packs.slots,
      store,
    },
    r.evaluation,
    forecastSourceOfState(r.state, packs.evaluate, input.now, r.aggregates),
    projections?.of(`${input.platform}:${input.shopId}`, input.now, store, forecastMoments(input.now), input.shop?.calendar),
  );
  return { state: r.state, evaluation: withForecast(r.evaluation, f) };
}

/**
 * evaluateEventsV2 with the forecast: every event that happened by `asOf` applied in one step at `asOf`, then
 * evaluated and forecast there (the conformance cases' and the model test's engine v2).
 */
export function evaluateEventsV2WithForecast(input: {
  platform: Platform;
  shopId: string;
  events: readonly CanonicalEvent[];
  asOf: number;
  shop?: ShopOverrides;
  pack?: RulePack;
}): ShopEvaluation | undefined {
  const packs = packsOf({ ...input, now: input.asOf });
  const first = new Map<string, CanonicalEvent>();
  for (const e of input.events) if (!first.has(e.id)) first.set(e.id, e);
  const events = [...first.values()].map((event) => ({ event, atMs: toMillis(event.at) })).filter((e) => e.atMs <= input.asOf);
  const state = stateOfEvents(packs, events, input.asOf, input.shop?.calendar);
  return evaluateStateWithForecast(state, { ...input, now: input.asOf }).evaluation;
}
