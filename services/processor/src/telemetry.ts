import { shopKey } from "@sg/events";
import { Counter, Gauge, type Registry } from "prom-client";
import type { ShopSnapshot } from "./engine/index.js";

const STATUS_CODE = { no_data: -1, ok: 0, warning: 1, breach: 2 } as const;

/**
 * Service metrics carry no shop label (architecture.md "Bounded Prometheus labels"). Per-shop metric gauges
 * are exported for at most `shopLimit` shops (EXPORT_SHOP_LIMIT, default 1000): the first shops seen.
 */
export function processorMetrics(registry: Registry, shopLimit = 1000) {
  const shopValue = new Gauge({
    name: "sg_shop_metric_value",
    help: "A shop's metric value (ratios as fractions, hours, seconds, counts, points); absent with no data",
    labelNames: ["platform", "shop", "shop_key", "metric"] as const,
    registers: [registry],
  });
  const shopStatus = new Gauge({
    name: "sg_shop_metric_status",
    help: "A shop's metric status: -1 no_data, 0 ok, 1 warning, 2 breach",
    labelNames: ["platform", "shop", "shop_key", "metric"] as const,
    registers: [registry],
  });
  const exported = new Set<string>();
  return {
    eventsApplied: new Counter({ name: "sg_processor_events_applied_total", help: "New events applied to Redis", registers: [registry] }),
    duplicates: new Counter({ name: "sg_processor_duplicate_events_total", help: "Events whose id was already applied", registers: [registry] }),
    deadLettered: new Counter({ name: "sg_processor_dead_lettered_total", help: "Records sent to the dead-letter topic", registers: [registry] }),
    evaluations: new Counter({ name: "sg_processor_shop_evaluations_total", help: "Shop metric evaluations", registers: [registry] }),
    exportedShops: new Gauge({ name: "sg_processor_exported_shops", help: "Shops whose metrics are exported as gauges", registers: [registry], collect() { this.set(exported.size); } }),
    /** Exports a shop's metrics, unless the shop limit is reached by other shops. */
    exportShop(s: ShopSnapshot) {
      const key = shopKey(s);
      if (!exported.has(key)) {
        if (exported.size >= shopLimit) return;
        exported.add(key);
      }
      for (const [metric, m] of Object.entries(s.metrics)) {
        // shop_key = "platform:shopId", the form alert links use (var-shop=platform:shopId); same cardinality.
        const labels = { platform: s.platform, shop: s.shopId, shop_key: key, metric };
        if (m.value === null) shopValue.remove(labels);
        else shopValue.set(labels, m.value);
        shopStatus.set(labels, STATUS_CODE[m.status]);
      }
    },
  };
}
export type ProcessorMetrics = ReturnType<typeof processorMetrics>;
