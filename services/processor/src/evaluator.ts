import { alertKey, type Platform } from "@sg/events";
import type { Producer } from "@sg/kafka";
import { evaluateShop, type ShopEvaluation, type ShopOverrides } from "./engine/index.js";
import { alertTransitions } from "./alert-transitions.js";
import type { ShopStore } from "./state/shop-store.js";

export interface ShopConfigSource {
  shops?: Record<string, ShopOverrides | undefined>;
}

export function parseShopKey(key: string): { platform: Platform; shopId: string } {
  const i = key.indexOf(":");
  return { platform: key.slice(0, i) as Platform, shopId: key.slice(i + 1) };
}

/**
 * Evaluates one shop from its stored events at `nowMs`, publishes alert state changes to `sg.alerts`
 * (before recording them, so a crash in between re-publishes the same `seq`, which the notifier ignores),
 * and schedules the shop's next deadline.
 */
export async function evaluateAndPublish(deps: {
  store: ShopStore;
  producer: Producer;
  alertsTopic: string;
  config: ShopConfigSource;
  shopKey: string;
  /** The shop's partition of sg.events, whose due index holds its next deadline. */
  partition: number;
  nowMs: number;
  /** Told about each alert record published (telemetry.ts `alertPublished`). */
  metrics?: { alertPublished(record: { status: string; severity: string }): void };
}): Promise<ShopEvaluation | undefined> {
  const { store, shopKey, nowMs } = deps;
  const shop = parseShopKey(shopKey);
  await store.compactChat(shop, nowMs);
  const events = await store.loadEvents(shop, nowMs);
  if (events.length === 0) {
    await store.clearDue(shopKey, deps.partition);
    return undefined;
  }
  const ev = evaluateShop({ ...shop, events, asOf: nowMs, shop: deps.config.shops?.[shopKey] ?? {} });
  const { records, states } = alertTransitions(ev, await store.alertStates(shop), nowMs);
  if (records.length > 0) {
    await deps.producer.send({
      topic: deps.alertsTopic,
      messages: records.map((r) => ({ key: alertKey(r), value: JSON.stringify(r) })),
    });
    for (const r of records) deps.metrics?.alertPublished(r);
    await store.saveAlertStates(shop, states);
  }
  await store.setDue(shopKey, deps.partition, ev.nextWake);
  return ev;
}
