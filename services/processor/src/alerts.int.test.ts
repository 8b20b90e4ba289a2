import { describe, expect, it } from "vitest";
import type { CanonicalEvent } from "@sg/events";
import { holdsFor, pollUntil } from "@sg/test";
import { testPipeline } from "./testing/test-processor.js";

/**
 * metrics.md "Alerts": state changes go to sg.alerts keyed by identity. A deadline fires from the
 * processor's clock with no new event, also after a restart; a late reply that arrives afterwards
 * corrects the miss and resolves the alert.
 */
describe("metric alerts on sg.alerts", () => {
  it("fires on a missed deadline after a restart, and resolves when a late reply corrects it", async () => {
    const pipe = await testPipeline("alerts");
    const ev = (id: string, type: string, at: string, extra: Record<string, unknown>) =>
      ({ id, type, platform: "kuaishou", shopId: "a1", at, consumerId: "u", ...extra }) as unknown as CanonicalEvent;
    const send = (xs: CanonicalEvent[]) => pipe.send(xs);

    let clock = Date.parse("2026-03-02T10:00:30+08:00");
    const { records } = await pipe.readAlerts();
    const opts = { clock: () => clock };

    try {
      let p = await pipe.startTestProcessor(opts);
      await send([
        ev("t", "chat.transferred", "2026-03-02T10:00:00+08:00", {}),
        ev("m", "chat.message", "2026-03-02T10:00:10+08:00", { sender: "consumer" }),
      ]);
      await pipe.untilHandled(p);
      await p.flush();
      // One consumer, wait pending until 10:03:10: 1/1, nothing firing yet.
      expect(records.filter((r) => r.metric === "human_reply_3min_rate")).toEqual([]);
      await holdsFor(() => !records.some((r) => r.metric === "human_reply_3min_rate"), { message: "no human_reply_3min_rate record" });
      await p.stop();

      // Restart with the clock past the deadline and no new event: the stored deadline fires.
      clock = Date.parse("2026-03-02T10:05:00+08:00");
      p = await pipe.startTestProcessor(opts);
      const firing = await pollUntil(
        () => records.find((r) => r.metric === "human_reply_3min_rate" && r.kind === "threshold" && r.status === "firing"),
        { timeoutMs: 30_000, message: "threshold alert firing" },
      );
      expect(firing).toMatchObject({ platform: "kuaishou", shopId: "a1", severity: "critical", value: 0, threshold: 0.7 });
      // seq is the evaluation clock (never reused, even after Redis lost the stored states).
      expect(firing.seq).toBe(clock);

      // A late reply, timestamped inside the 3 minutes, arrives now: the miss is corrected.
      await send([ev("r", "chat.message", "2026-03-02T10:02:00+08:00", { sender: "agent" })]);
      const resolved = await pollUntil(
        () => records.find((r) => r.metric === "human_reply_3min_rate" && r.kind === "threshold" && r.status === "resolved"),
        { timeoutMs: 30_000, message: "alert resolved" },
      );
      expect(resolved).toMatchObject({ value: 1, seq: firing.seq + 1 });
      // Re-sending the same events changes nothing: no third record.
      await send([ev("r", "chat.message", "2026-03-02T10:02:00+08:00", { sender: "agent" })]);
      await p.flush();
      expect(records.filter((r) => r.metric === "human_reply_3min_rate" && r.kind === "threshold")).toHaveLength(2);
      await holdsFor(() => records.filter((r) => r.metric === "human_reply_3min_rate" && r.kind === "threshold").length === 2, {
        message: "exactly two threshold records",
      });
    } finally {
      await pipe.close();
    }
  });
});
