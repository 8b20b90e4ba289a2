// Builders for the engine's unit tests (services/processor/src/engine/kinds/*.unit.test.ts): canonical events
// of one shop, and one metric of the shop's rule pack evaluated at a moment. Test code only.
import type { CanonicalEvent, Platform } from "@sg/events";
import { evaluateShop, type MetricOutput, type ShopOverrides } from "../../services/processor/src/engine/index.js";

/** Events of one shop, with fresh ids: `shop.ev("order.paid", "2026-03-02T10:00:00+08:00", { orderId: "o1" })`. */
export function shopEvents(platform: Platform, shopId = "s1") {
  let n = 0;
  const events: CanonicalEvent[] = [];
  return {
    events,
    ev(type: CanonicalEvent["type"], at: string, fields: Record<string, unknown> = {}): void {
      n += 1;
      events.push({ id: `${type}-${n}`, type, platform, shopId, at, ...fields } as CanonicalEvent);
    },
    /** One metric of the platform's rule pack at `asOf` (ISO-8601). */
    metric(name: string, asOf: string, shop: ShopOverrides = {}): MetricOutput {
      const out = evaluateShop({ platform, shopId, events, asOf: Date.parse(asOf), shop }).snapshot.metrics[name];
      if (out === undefined) throw new Error(`${platform}'s pack has no metric ${name}`);
      return out;
    },
    alerts(asOf: string, shop: ShopOverrides = {}) {
      return evaluateShop({ platform, shopId, events, asOf: Date.parse(asOf), shop }).snapshot.alerts;
    },
  };
}
