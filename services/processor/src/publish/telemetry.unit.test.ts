import { intake } from "../consume/intake.js";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { evaluateShop } from "../engine/index.js";
import { processorMetrics, shopLimitsOf } from "./telemetry.js";
import type { CanonicalEvent } from "@sg/events";
import { evaluateEventsV2 } from "../engine/incremental/shop-state.js";

describe("per-shop gauges", () => {
  it("export at most the shop limit, with the metric's value and status", async () => {
    const registry = new Registry();
    const m = processorMetrics(registry, 2);
    const asOf = Date.parse("2026-03-02T12:00:00+08:00");
    for (const shopId of ["a", "b", "c"]) {
      const events = [
        {
          id: `${shopId}1`,
          type: "order.paid" as const,
          platform: "douyin" as const,
          shopId,
          at: "2026-03-02T09:00:00+08:00",
          orderId: "o",
        },
      ];
      m.exportShop(evaluateShop({ platform: "douyin", shopId, events, asOf }).snapshot);
    }
    const text = await registry.metrics();
    expect(text).toContain(
      'sg_shop_metric_value{platform="douyin",shop="a",shop_key="douyin:a",metric="shipping_negative_feedback_rate"} 0',
    );
    expect(text).toContain('sg_shop_metric_status{platform="douyin",shop="b",shop_key="douyin:b",metric="pickup_24h_rate"} -1');
    expect(text).not.toContain('shop="c"');
    expect(text).toContain("sg_processor_exported_shops 2");
  });
});

describe("processor metrics", () => {
  it("export threshold, target, pending, due and firing alerts, and remove an alert once resolved", async () => {
    const registry = new Registry();
    const m = processorMetrics(registry);
    const asOf = Date.parse("2026-03-02T12:00:00+08:00");
    const t = Date.parse("2026-03-02T11:40:00+08:00");
    const events = [
      {
        id: "t",
        type: "chat.transferred" as const,
        platform: "kuaishou" as const,
        shopId: "s1",
        at: new Date(t).toISOString(),
        consumerId: "c1",
      },
      {
        id: "m",
        type: "chat.message" as const,
        platform: "kuaishou" as const,
        shopId: "s1",
        at: new Date(t + 1000).toISOString(),
        consumerId: "c1",
        sender: "consumer" as const,
      },
    ];
    const ev = evaluateShop({ platform: "kuaishou", shopId: "s1", events, asOf });
    expect(ev.snapshot.alerts.length).toBeGreaterThan(0);
    m.exportShop(ev.snapshot, shopLimitsOf(ev));
    let text = await registry.metrics();
    const labels = 'platform="kuaishou",shop="s1",shop_key="kuaishou:s1",metric="human_reply_3min_rate"';
    const limits = ev.states.find((s) => s.name === "human_reply_3min_rate")!.limits;
    expect(text).toContain(`sg_shop_metric_threshold{${labels}} ${limits.threshold}`);
    expect(text).toContain(`sg_shop_metric_target{${labels}} ${limits.target}`);
    expect(text).toContain(`sg_shop_metric_status{${labels}} 2`);
    expect(text).toMatch(/sg_shop_metric_pending\{[^}]*metric="human_reply_3min_rate"\} \d+/);
    expect(text).toMatch(/sg_shop_alert_firing\{[^}]*metric="human_reply_3min_rate",kind="threshold",severity="critical"\} 1/);
    // Resolved: a human reply within 3 minutes; the alert's series goes away.
    const replied = [
      ...events,
      {
        id: "r",
        type: "chat.message" as const,
        platform: "kuaishou" as const,
        shopId: "s1",
        at: new Date(t + 60_000).toISOString(),
        consumerId: "c1",
        sender: "agent" as const,
      },
    ];
    const ev2 = evaluateShop({ platform: "kuaishou", shopId: "s1", events: replied, asOf });
    m.exportShop(ev2.snapshot, shopLimitsOf(ev2));
    text = await registry.metrics();
    expect(text).not.toMatch(/sg_shop_alert_firing\{[^}]*metric="human_reply_3min_rate"/);
  });

  it("counts dead letters by intake's typed kind (never the reason's text), and forgets the lag of partitions moved away", async () => {
    const registry = new Registry();
    const m = processorMetrics(registry);
    const now = Date.parse("2026-03-02T12:00:00+08:00");
    const refused = [
      intake(Buffer.from("{not json"), now),
      intake(
        Buffer.from(JSON.stringify({ id: "x", type: "order.paid", platform: "douyin", at: "2026-03-02T09:00:00+08:00", orderId: "A" })),
        now,
      ),
      // The intake's text says "over 90 days old"; a classifier reading text looked for "older than" and said "other".
      intake(
        Buffer.from(
          JSON.stringify({ id: "y", type: "order.paid", platform: "douyin", shopId: "s", at: "2020-01-01T09:00:00+08:00", orderId: "A" }),
        ),
        now,
      ),
    ];
    for (const r of refused) {
      if (r.ok) throw new Error("expected a refusal");
      m.deadLetter(r.kind);
    }
    m.consumerLag(0, 5);
    m.consumerLag(1, 2);
    m.partitionsAssigned([1]);
    const text = await registry.metrics();
    expect(text).toContain('sg_processor_dead_lettered_total{reason="malformed_json"} 1');
    expect(text).toContain('sg_processor_dead_lettered_total{reason="invalid_event"} 1');
    expect(text).toContain('sg_processor_dead_lettered_total{reason="too_old"} 1');
    expect(text).not.toContain('reason="other"');
    expect(text).not.toContain('sg_processor_consumer_lag_records{partition="0"}');
    expect(text).toContain('sg_processor_consumer_lag_records{partition="1"} 2');
  });
});

describe("pending exclusion gauges", () => {
  const asOf = Date.parse("2026-03-10T12:00:00+08:00");
  /** `n` pending order exclusions of a douyin shop (orders that never arrived: kept and pending all the same). */
  const requests = (shopId: string, n: number, decided = 0) => [
    ...Array.from({ length: n }, (_, i) => ({
      id: `${shopId}-r${i}`,
      type: "exclusion.requested" as const,
      platform: "douyin" as const,
      shopId,
      at: `2026-03-09T10:${String(i).padStart(2, "0")}:00+08:00`,
      scope: "order" as const,
      itemId: `O${i}`,
      reason: "appeal" as const,
    })),
    ...Array.from({ length: decided }, (_, i) => ({
      id: `${shopId}-d${i}`,
      type: "exclusion.decided" as const,
      platform: "douyin" as const,
      shopId,
      at: "2026-03-10T09:00:00+08:00",
      scope: "order" as const,
      itemId: `O${i}`,
      reason: "appeal" as const,
      decision: "rejected" as const,
    })),
  ];
  const v2 = (shopId: string, events: CanonicalEvent[]) => evaluateEventsV2({ platform: "douyin", shopId, events, asOf })!;

  it("count every pending exclusion per platform (beyond the 20 listed) and the shops with any, without a shop label", async () => {
    const registry = new Registry();
    const m = processorMetrics(registry);
    const a = v2("a", requests("a", 25));
    expect(a.snapshot.pendingExclusions).toHaveLength(20);
    m.pendingExclusions(a, 0);
    m.pendingExclusions(v2("b", requests("b", 2)), 1);
    m.pendingExclusions(evaluateShop({ platform: "jd", shopId: "j", events: [], asOf }), 1);
    let text = await registry.metrics();
    expect(text).toContain('sg_processor_pending_exclusions{platform="douyin"} 27');
    expect(text).toContain('sg_processor_shops_with_pending_exclusions{platform="douyin"} 2');
    expect(text).not.toContain('sg_processor_pending_exclusions{platform="jd"}');
    expect(text).not.toMatch(/sg_processor_(shops_with_)?pending_exclusions\{[^}]*shop/);
    // Decided ones leave the count; a shop with none left leaves both gauges.
    m.pendingExclusions(v2("a", requests("a", 25, 10)), 0);
    m.pendingExclusions(v2("b", requests("b", 2, 2)), 1);
    text = await registry.metrics();
    expect(text).toContain('sg_processor_pending_exclusions{platform="douyin"} 15');
    expect(text).toContain('sg_processor_shops_with_pending_exclusions{platform="douyin"} 1');
    // The full-history engine counts them the same way.
    expect(evaluateShop({ platform: "douyin", shopId: "a", events: requests("a", 25, 10), asOf }).pendingExclusionCount).toBe(15);
  });

  it("forget the shops of a partition this instance no longer owns", async () => {
    const registry = new Registry();
    const m = processorMetrics(registry);
    m.partitionsAssigned([0, 1]);
    m.pendingExclusions(v2("a", requests("a", 3)), 0);
    m.pendingExclusions(v2("b", requests("b", 4)), 1);
    expect(await registry.metrics()).toContain('sg_processor_pending_exclusions{platform="douyin"} 7');
    m.partitionsAssigned([0]);
    const text = await registry.metrics();
    expect(text).toContain('sg_processor_pending_exclusions{platform="douyin"} 3');
    expect(text).toContain('sg_processor_shops_with_pending_exclusions{platform="douyin"} 1');
  });
});
