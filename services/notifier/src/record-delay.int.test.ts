// sg_notifier_record_delay_seconds: from an sg.alerts record's Kafka timestamp (the processor's send) to the
// record ingested into its groups, in wall time whatever the notifier's clock says.
import { describe, expect, it } from "vitest";
import { histogramTotals, pollUntil } from "../../../test/src/index.js";
import { alert, FAST_TIMERS, harnessWithHook } from "../testing/harness.js";

describe("an alert record's delay to the notifier", () => {
  const ctx = harnessWithHook();

  it("is the wall time since the record was produced, whatever the notifier's clock says", async () => {
    const { h, hook } = ctx;
    const sentAt = Date.now();
    await h.publish([alert({ shopId: "rd1" }), alert({ shopId: "rd2" })]);
    // The records wait 1.5 s in Kafka before any notifier runs.
    await new Promise((r) => setTimeout(r, 1500));
    // A test clock months behind the wall clock: the delay must not come from it.
    const now = Date.parse("2026-03-02T12:00:00+08:00");
    const n = await h.notifier(
      {
        receivers: { hook: { type: "webhook", url: hook.url } },
        routes: [{ match: { shop: ["rd1", "rd2"] }, receivers: ["hook"], ...FAST_TIMERS }],
      },
      { now: () => now },
    );
    const delay = () => histogramTotals(n.registry, "sg_notifier_record_delay_seconds");
    const seen = await pollUntil(async () => ((await delay()).count >= 2 ? delay() : undefined), {
      timeoutMs: 60_000,
      message: "both records' delays observed",
    });
    const elapsed = (Date.now() - sentAt) / 1000;
    expect(seen.count).toBe(2);
    // Each record's delay lies between the 1.5 s it waited and the time since it was sent.
    expect(seen.sum / seen.count).toBeGreaterThanOrEqual(1.5);
    expect(seen.sum / seen.count).toBeLessThanOrEqual(elapsed);
  });
});
