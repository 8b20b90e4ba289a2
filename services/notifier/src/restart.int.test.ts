// A notifier stopped mid-group and replaced by a new instance on the same Redis and topic sends the group
// once, with everything it held plus what arrived while no notifier ran (no duplicate, nothing lost).
import { describe, expect, it } from "vitest";
import { pollUntil } from "../../../test/src/index.js";
import { startWebhookReceiver } from "../../../test/robots/index.js";
import { createKeys } from "./keys.js";
import type { GroupState } from "./model/group.js";
import { alert, harnessWithHook } from "../testing/harness.js";

describe("notifier restart", () => {
  const ctx = harnessWithHook();

  it("keeps a pending group across a restart and sends it exactly once", async () => {
    const { h, hook } = ctx;
    const config = {
      receivers: { hook: { type: "webhook" as const, url: hook.url } },
      // group_wait long enough for the replacement to join the consumer group before the flush.
      routes: [{ match: { shop: ["rst"] }, receivers: ["hook"], groupWait: "10s", groupInterval: "2s", resolveAfter: "1s" }],
    };
    const first = await h.notifier(config);
    await pollUntil(() => first.ready(), { timeoutMs: 60_000, message: "first notifier ready" });

    const a = alert({ shopId: "rst", metric: "human_reply_3min_rate" });
    const b = alert({ shopId: "rst", metric: "human_good_review_rate", severity: "warning" });
    await h.publish([a, b]);
    const groupKey = createKeys(h.keyPrefix).group("r0|shop=kuaishou%3Arst");
    await pollUntil(
      async () => {
        const json = await h.redis.hget(groupKey, "state");
        return json !== null && Object.keys((JSON.parse(json) as GroupState).alerts).length === 2;
      },
      { timeoutMs: 20_000, message: "both alerts grouped in Redis" },
    );
    await first.stop();
    expect(hook.bodies).toEqual([]); // stopped inside group_wait

    // Arrives while no notifier runs.
    const c = alert({ shopId: "rst", metric: "pickup_24h_rate", platform: "kuaishou", value: 0.85, threshold: 0.9, target: 0.95 });
    await h.publish([c]);

    const second = await h.notifier(config);
    const body = await pollUntil(() => hook.bodies[0], { timeoutMs: 30_000, message: "the group was flushed after the restart" });
    expect(body.alerts.map((x) => x.labels.metric).sort()).toEqual(["human_good_review_rate", "human_reply_3min_rate", "pickup_24h_rate"]);
    // Nothing else follows: not a second copy, not an update (nothing changed).
    await new Promise((r) => setTimeout(r, 3_000));
    expect(hook.bodies).toHaveLength(1);
    expect(hook.received).toHaveLength(1);
    await second.stop();
  });

  it("takes over delivery when a crashed instance left its receiver lease behind", async () => {
    const { h } = ctx;
    const hook2 = await startWebhookReceiver({ path: "/api/hook2" });
    try {
      const config = {
        receivers: { hook2: { type: "webhook" as const, url: hook2.url } },
        routes: [{ match: { shop: ["crash"] }, receivers: ["hook2"], groupWait: "1s" }],
      };
      // What a killed instance leaves: a lease nobody will release.
      const leaseKey = createKeys(h.keyPrefix).lock("hook2");
      await h.redis.set(leaseKey, "dead-instance", "PX", 6_000);
      const leaseEnds = Date.now() + 6_000;
      const n = await h.notifier(config);
      await pollUntil(() => n.ready(), { timeoutMs: 60_000, message: "notifier ready" });
      await h.publish([alert({ shopId: "crash" })]);
      await pollUntil(() => hook2.bodies.length === 1, { timeoutMs: 20_000, message: "delivered after the lease expired" });
      // Not before the dead instance's lease ran out, and soon after.
      expect(hook2.received[0]!.at).toBeGreaterThanOrEqual(leaseEnds - 50);
      expect(hook2.received).toHaveLength(1);
      await n.stop();
    } finally {
      await hook2.close();
    }
  });
});
