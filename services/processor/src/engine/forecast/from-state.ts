import { toMillis, type CanonicalEvent, type Platform } from "@sg/events";
import type { RulePack } from "@sg/rules";
import type { ShopEvaluation } from "../evaluate.js";
import { evaluateState, packsOf, stateOfEvents, type ShopState } from "../incremental/shop-state.js";
import { parsePending } from "../incremental/step.js";
import type { ShopOverrides } from "../types.js";
import { forecastShop, withForecast } from "./forecast.js";
import { forecastDays, pointAsOf, FORECAST_DAYS } from "./horizon.js";
import type { ForecastSource } from "./source.js";

/** What the forecast reads, from engine v2's state as plain maps (shop-state.ts): what EntityStore reads from Redis. */
export function forecastSourceOfState(s: ShopState, pack: RulePack, now: number): ForecastSource {
  const last = pointAsOf(now, FORECAST_DAYS - 1);
  const record = (m: Map<string, number> | undefined) => Object.fromEntries([...(m ?? [])].map(([f, v]) => [f, String(v)]));
  const timed: ForecastSource["timed"] = new Map();
  for (const [k, timer] of s.timers) {
    const stored = s.records.get(k);
    if (timer <= last && stored) timed.set(k, { stored, timer });
  }
  return {
    days: new Map(forecastDays(pack, now).map((d) => [d, record(s.days.get(d))])),
    cur: record(s.cur),
    pending: [...s.pending].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).map(([m, t]) => parsePending(m, t)),
    timed,
  };
}

/** evaluateState with the forecast: engine v2's pure part, as the processor evaluates and forecasts a shop. */
export function evaluateStateWithForecast(
  s: ShopState,
  input: { platform: Platform; shopId: string; now: number; shop?: ShopOverrides; pack?: RulePack },
): { state: ShopState; evaluation: ShopEvaluation | undefined } {
  const r = evaluateState(s, input);
  if (r.evaluation === undefined) return r;
  const packs = packsOf(input);
  const f = forecastShop(
    {
      platform: input.platform,
      shopId: input.shopId,
      now: input.now,
      shop: input.shop ?? {},
      pack: packs.evaluate,
      slots: packs.slots,
      store: { pack: packs.store, chatKeepDays: packs.chatKeepDays, closedKeepMs: packs.closedKeepMs },
    },
    r.evaluation,
    forecastSourceOfState(r.state, packs.evaluate, input.now),
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
