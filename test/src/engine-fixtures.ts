// Builders for the engine's unit tests (services/processor/src/engine/kinds/*.unit.test.ts): canonical events
// of one shop, and one metric of the shop's rule pack evaluated at a moment by both shipping engines: the
// full-history `evaluateShop` and engine v2's pure part (engine/incremental/shop-state.ts, the steps the
// processor runs over Redis); a difference between them fails the test. Test code only.
import type { CanonicalEvent, Platform } from "@sg/events";
import { evaluateShop, type MetricOutput, type ShopOverrides } from "../../services/processor/src/engine/index.js";
import { evaluateEventsV2 } from "../../services/processor/src/engine/incremental/shop-state.js";

/** Both engines' snapshot at `asOf`; throws, naming what differs, when engine v2 disagrees with evaluateShop. */
function snapshotOf(platform: Platform, shopId: string, events: CanonicalEvent[], asOf: number, shop: ShopOverrides) {
  const full = evaluateShop({ platform, shopId, events, asOf, shop }).snapshot;
  const v2 = evaluateEventsV2({ platform, shopId, events, asOf, shop })?.snapshot;
  for (const [name, out] of Object.entries(full.metrics))
    if (JSON.stringify(v2?.metrics[name]) !== JSON.stringify(out))
      throw new Error(`${name}: engine v2 gives ${JSON.stringify(v2?.metrics[name])}, evaluateShop ${JSON.stringify(out)}`);
  if (JSON.stringify(v2?.alerts) !== JSON.stringify(full.alerts))
    throw new Error(`alerts: engine v2 gives ${JSON.stringify(v2?.alerts)}, evaluateShop ${JSON.stringify(full.alerts)}`);
  return full;
}

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
      const out = snapshotOf(platform, shopId, events, Date.parse(asOf), shop).metrics[name];
      if (out === undefined) throw new Error(`${platform}'s pack has no metric ${name}`);
      return out;
    },
    alerts(asOf: string, shop: ShopOverrides = {}) {
      return snapshotOf(platform, shopId, events, Date.parse(asOf), shop).alerts;
    },
  };
}
