import { describe, expect, it } from "vitest";
import { createRegistry } from "@sg/telemetry";
import { createGatewayMetrics } from "../../services/gateway/src/http/gateway-metrics.js";
import { createNotifierMetrics } from "../../services/notifier/src/metrics.js";
import { processorMetrics } from "../../services/processor/src/publish/telemetry.js";
import { promtool } from "../../infra/src/observability/promtool.js";

/**
 * What each service serves on /metrics when run alone (its own registry: default process metrics plus its
 * own), linted by `promtool check metrics`. The all-in-one's combined /metrics is checked with real traffic by
 * test/observability/prometheus.obs.test.ts.
 */
describe("each service's /metrics passes promtool check metrics", () => {
  const services = {
    gateway: () => {
      const r = createRegistry();
      const m = createGatewayMetrics(r);
      m.requestSeconds.observe({ route: "/v1/events", status: "202" }, 0.01);
      m.refusals.inc({ route: "/v1/events", reason: "unknown_token" });
      return r;
    },
    processor: () => {
      const r = createRegistry();
      const m = processorMetrics(r);
      m.deadLetter("malformed_json");
      m.consumerLag(0, 3);
      m.observeEventAge(2);
      m.evaluationSeconds.observe(0.01);
      m.evaluationWait.observe(0.3);
      m.alertPublished({ status: "firing", severity: "critical" });
      return r;
    },
    notifier: () => {
      const r = createRegistry();
      const m = createNotifierMetrics(r, async () => ({ ops: 2 }));
      m.notificationDeliveries.inc({ channel: "dingtalk", result: "permanent" });
      m.deliverySeconds.observe({ channel: "dingtalk" }, 0.2);
      return r;
    },
  };
  for (const [name, build] of Object.entries(services)) {
    it(name, async () => {
      const text = await build().metrics();
      expect(text).toContain(`sg_${name}_`);
      await promtool(["check", "metrics"], { input: text });
    });
  }
});
