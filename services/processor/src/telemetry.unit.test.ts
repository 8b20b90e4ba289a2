import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { evaluateShop } from "./engine/index.js";
import { processorMetrics } from "./telemetry.js";

describe("per-shop gauges", () => {
  it("export at most the shop limit, with the metric's value and status", async () => {
    const registry = new Registry();
    const m = processorMetrics(registry, 2);
    const asOf = Date.parse("2026-03-02T12:00:00+08:00");
    for (const shopId of ["a", "b", "c"]) {
      const events = [{ id: `${shopId}1`, type: "order.paid" as const, platform: "douyin" as const, shopId, at: "2026-03-02T09:00:00+08:00", orderId: "o" }];
      m.exportShop(evaluateShop({ platform: "douyin", shopId, events, asOf }).snapshot);
    }
    const text = await registry.metrics();
    expect(text).toContain('sg_shop_metric_value{platform="douyin",shop="a",shop_key="douyin:a",metric="shipping_negative_feedback_rate"} 0');
    expect(text).toContain('sg_shop_metric_status{platform="douyin",shop="b",shop_key="douyin:b",metric="pickup_24h_rate"} -1');
    expect(text).not.toContain('shop="c"');
    expect(text).toContain("sg_processor_exported_shops 2");
  });
});
