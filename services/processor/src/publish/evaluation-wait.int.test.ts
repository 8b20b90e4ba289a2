import { describe, expect, it } from "vitest";
import type { CanonicalEvent } from "@sg/events";
import { createRegistry } from "@sg/telemetry";
import { histogramTotals, pollUntil } from "@sg/test";
import { testPipeline } from "../testing/test-processor.js";
import { processorMetrics } from "./telemetry.js";

/** sg_processor_evaluation_wait_seconds: how long a changed shop waits for its evaluation (the queue of shops). */
describe("the evaluation's wait", () => {
  it("is observed once per changed shop, from its first change to the start of its evaluation", async () => {
    const pipe = await testPipeline("evalwait", { partitions: 1 });
    try {
      const registry = createRegistry();
      const metrics = processorMetrics(registry);
      const now = Date.parse("2026-03-02T12:00:00+08:00");
      // Every pass that has shops to evaluate waits 400 ms first: each change waits at least that long.
      const p = await pipe.startTestProcessor({ clock: () => now, metrics, pauseBeforeEvalMs: 400 });
      const paid = (shopId: string, orderId: string) =>
        ({
          id: `${shopId}-${orderId}`,
          type: "order.paid",
          platform: "douyin",
          shopId,
          at: "2026-03-02T09:00:00+08:00",
          orderId,
        }) as unknown as CanonicalEvent;
      await pipe.send([paid("w1", "A"), paid("w1", "B"), paid("w2", "A")]);
      await pipe.untilHandled(p);
      const wait = () => histogramTotals(registry, "sg_processor_evaluation_wait_seconds");
      const seen = await pollUntil(async () => ((await wait()).count >= 2 ? wait() : undefined), { message: "two evaluations' waits" });
      // Two shops changed, each waited once (the two events of w1 are one wait), at least the pass's pause each.
      expect(seen.count).toBe(2);
      expect(seen.sum).toBeGreaterThanOrEqual(0.8);
    } finally {
      await pipe.close();
    }
  });
});
