import { describe, expect, it } from "vitest";
import { holdsFor, pollUntil } from "@sg/test";
import { testPipeline } from "./testing/test-processor.js";

/**
 * Timers survive a partition moving to another instance. Two processors share the group; one
 * stops; the other takes its partitions and fires the deadlines the first one had scheduled.
 */
describe("partition move", () => {
  it("the new owner fires the deadlines of the partitions it takes over", async () => {
    const pipe = await testPipeline("move", { partitions: 4 });
    const shops = Array.from({ length: 8 }, (_, i) => `m${i}`);
    let clock = Date.parse("2026-03-02T10:00:30+08:00");
    const alerts = await pipe.readAlerts();
    const firing = () => new Set(alerts.records.filter((r) => r.kind === "threshold" && r.status === "firing").map((r) => r.shopId));
    try {
      const a = await pipe.startTestProcessor({ clock: () => clock });
      const b = await pipe.startTestProcessor({ clock: () => clock });
      // Produce only once both instances own partitions, so that both take part.
      await pollUntil(
        () =>
          a.assignedPartitions.length > 0 &&
          b.assignedPartitions.length > 0 &&
          a.assignedPartitions.length + b.assignedPartitions.length === 4,
        { timeoutMs: 60_000, message: "both instances assigned" },
      );
      await pipe.send(
        shops.flatMap((shopId) =>
          [
            { id: `${shopId}-t`, type: "chat.transferred", at: "2026-03-02T10:00:00+08:00" },
            { id: `${shopId}-m`, type: "chat.message", at: "2026-03-02T10:00:10+08:00", sender: "consumer" },
          ].map((e) => ({ ...e, platform: "kuaishou", shopId, consumerId: "u" })),
        ),
      );
      await pipe.untilHandled([a, b], { message: "all events applied" });
      // Both instances took part; each has scheduled the deadlines of its own shops (10:03:10).
      expect(a.handled).toBeGreaterThan(0);
      expect(b.handled).toBeGreaterThan(0);
      await a.flush();
      await b.flush();
      expect(firing().size).toBe(0);
      await holdsFor(() => firing().size === 0, { message: "nothing firing before the deadline" });

      await a.stop();
      clock = Date.parse("2026-03-02T10:05:00+08:00");
      await pollUntil(() => firing().size === shops.length, { timeoutMs: 60_000, message: "every shop's deadline fired" });
      expect([...firing()].sort()).toEqual([...shops].sort());
    } finally {
      await pipe.close();
    }
  });
});
