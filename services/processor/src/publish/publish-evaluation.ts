import { alertKey, parseShopKey, type AlertRecord } from "@sg/events";
import type { Producer } from "@sg/kafka";
import { dayStart } from "../engine/calendar.js";
import type { ShopEvaluation } from "../engine/index.js";
import { shopOverridesFor } from "../scores/context.js";
import type { ShopConfigSource } from "../shop-config.js";
import { alertTransitions } from "./alert-transitions.js";
import type { ProjectionWriter } from "./projection.js";
import type { EntityStore } from "../state/entity-store.js";
import type { DailyHistory } from "./day-end/daily-history.js";
import { withForecast } from "../engine/forecast/index.js";
import { forecastFromStore, forecastPrefetch, ForecastThrottle, type EvaluationInputs } from "../state/forecast-reader.js";

/** The forecast costs about 14 evaluations (docs/forecast.md "Cost"): a shop's is recomputed at most once a minute. */
const forecasts = new ForecastThrottle();
import type { EvidenceProjection } from "./evidence-projection.js";
import { packInForce } from "../state/entity-store.js";

/**
 * Evaluates one shop from its state at `nowMs`, publishes alert state changes to `sg.alerts`
 * (before recording them, so a crash in between re-publishes the same `seq`, which the notifier ignores),
 * and schedules the shop's next deadline.
 */
export async function evaluateAndPublish(deps: {
  store: EntityStore;
  projection: ProjectionWriter;
  producer: Producer;
  alertsTopic: string;
  config: ShopConfigSource;
  shopKey: string;
  /** The shop's partition of sg.events, whose due index holds its next deadline. */
  partition: number;
  nowMs: number;
  /** Told about each alert record published (telemetry.ts `alertPublished`). */
  metrics?: { alertPublished(record: AlertRecord): void };
  /** End-of-day values: taken before the evaluation at `nowMs`, so late timers after the cut-off do not leak in. */
  history?: DailyHistory;
  /** The evidence projection (docs/evidence.md), listed after the snapshot at most once per refresh. */
  evidence?: EvidenceProjection;
}): Promise<ShopEvaluation | undefined> {
  const { store, shopKey, nowMs } = deps;
  const shop = parseShopKey(shopKey);
  if (shop === null) throw new Error(`not a shop key: ${shopKey}`);
  const overrides = shopOverridesFor(deps.config, shopKey);
  await deps.history?.takeDue(shop, nowMs, async (asOfMs) => (await store.evaluate(shop, asOfMs, overrides))?.snapshot);
  let used: EvaluationInputs | undefined;
  // The alert states' read, and the forecast's when it is due (forecastPrefetch), ride in the evaluation's
  // round trips: an evaluation is two round trips in all, its read and its writes.
  const rider = store.alertStatesRider(
    shop,
    forecasts.due(shopKey, nowMs) ? forecastPrefetch(store, shop, nowMs, packInForce(shop, overrides, nowMs), overrides) : undefined,
  );
  const evaluated = await store.evaluate(shop, nowMs, overrides, (u) => (used = u), rider);
  if (evaluated === undefined) {
    await store.clearDue(shopKey, deps.partition);
    return undefined;
  }
  const { records, states } = alertTransitions(evaluated, rider.states() ?? (await store.alertStates(shop)), nowMs);
  if (records.length > 0) {
    await deps.producer.send({
      topic: deps.alertsTopic,
      messages: records.map((r) => ({ key: alertKey(r), value: JSON.stringify(r) })),
    });
    for (const r of records) deps.metrics?.alertPublished(r);
  }
  // The forecast rides on the snapshot (docs/forecast.md); the alerts and the wake-up do not depend on it, so
  // it is computed after the alerts went out: its cost never delays one.
  const forecast = used && (await forecasts.get(shopKey, nowMs, () => forecastFromStore(store, shop, nowMs, evaluated, used!)));
  const ev = forecast ? withForecast(evaluated, forecast) : evaluated;
  const wake = Math.min(spreadRollover(shopKey, ev.nextWake), deps.history?.nextWake(shop, nowMs) ?? Infinity);
  // One round trip: the alert states (recorded only once their records are on sg.alerts, so a crash before
  // re-publishes the same seq), the snapshot, then the wake-up (a failed write leaves the shop due).
  await deps.projection.writeWith(
    [{ snapshot: ev.snapshot, asOfMs: nowMs, due: ev.due }],
    records.length > 0 ? store.alertStatesCalls(shop, states) : [],
    [store.setDueCall(shopKey, deps.partition, wake, nowMs)],
  );
  deps.evidence?.listIfWanted({ snapshot: ev.snapshot, pack: packInForce(shop, overrides, nowMs), shop: overrides, nowMs });
  return ev;
}

/** Day and month rollovers are spread over this long after midnight, so shops do not all wake at once. */
export const ROLLOVER_SPREAD_MS = 60_000;

/**
 * A wake-up at midnight (the day's windows roll over) is moved to a moment within ROLLOVER_SPREAD_MS after
 * it, fixed per shop (architecture.md "Bounded state, bounded work": midnight must not evaluate every shop at
 * the same instant). Deadlines are never moved.
 */
export function spreadRollover(shopKey: string, wake: number): number {
  if (wake !== dayStart(wake)) return wake;
  let h = 2166136261;
  for (let i = 0; i < shopKey.length; i++) h = Math.imul(h ^ shopKey.charCodeAt(i), 16777619);
  return wake + ((h >>> 0) % ROLLOVER_SPREAD_MS);
}
