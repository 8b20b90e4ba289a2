import { describe, expect, it } from "vitest";
import type { CanonicalEvent } from "@sg/events";
import { createRegistry } from "@sg/telemetry";
import { histogramTotals, pollUntil } from "@sg/test";
import { testPipeline } from "../testing/test-processor.js";
import { processorMetrics } from "../publish/telemetry.js";

/** sg_processor_batch_delay_seconds: from a batch's oldest record's Kafka timestamp to the batch applied. */
describe("the batch's delay", () => {
  it("is the wall time since the record was produced, whatever the processor's clock says", async () => {
    const pipe = await testPipeline("batchdelay", { partitions: 1 });
    try {
      const registry = createRegistry();
      const metrics = processorMetrics(registry);
      // A test clock months behind the wall clock: the delay must not come from it.
      const now = Date.parse("2026-03-02T12:00:00+08:00");
      const paid = (orderId: string) =>
        ({
          id: `bd-${orderId}`,
          type: "order.paid",
          platform: "douyin",
          shopId: "bd1",
          at: "2026-03-02T09:00:00+08:00",
          orderId,
        }) as unknown as CanonicalEvent;
      const sentAt = Date.now();
      await pipe.send([paid("A"), paid("B")]);
      // The records wait 1.5 s in Kafka before any processor runs.
      await new Promise((r) => setTimeout(r, 1500));
      const p = await pipe.startTestProcessor({ clock: () => now, metrics });
      await pipe.untilHandled(p);
      const delay = () => histogramTotals(registry, "sg_processor_batch_delay_seconds");
      const seen = await pollUntil(async () => ((await delay()).count >= 1 ? delay() : undefined), { message: "a batch's delay" });
      const elapsed = (Date.now() - sentAt) / 1000;
      // Each batch's delay lies between the 1.5 s the records waited and the time since they were sent.
      expect(seen.count).toBeGreaterThanOrEqual(1);
      expect(seen.sum / seen.count).toBeGreaterThanOrEqual(1.5);
      expect(seen.sum / seen.count).toBeLessThanOrEqual(elapsed);
    } finally {
      await pipe.close();
    }
  });
});
