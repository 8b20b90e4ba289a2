import { describe, expect, it } from "vitest";
import type { CanonicalEvent } from "@sg/events";
import { deleteByPrefix } from "@sg/redis";
import { pollUntil } from "@sg/test";
import { silentLog } from "../log.js";
import { createSnapshotReader } from "../publish/snapshot-reader.js";
import { testPipeline } from "../testing/test-processor.js";
import { rebuild } from "./rebuild.js";

/**
 * Redis loses every key (shop state and alert states); `rebuild` replays sg.events into the
 * empty state, the shop's metrics are back, and the alert that fires again has a seq above the one issued
 * before the loss, so no two different records of one identity share a seq.
 */
describe("rebuild after Redis lost its state", () => {
  it("restores the shop's state from sg.events and never reuses an alert seq", { timeout: 180_000 }, async () => {
    const pipe = await testPipeline("rebuild");
    const { run, kafka, redis } = pipe;
    const ev = (id: string, type: string, at: string, extra: Record<string, unknown>) =>
      ({ id, type, platform: "kuaishou", shopId: "r1", at, consumerId: "u", ...extra }) as unknown as CanonicalEvent;
    const { records } = await pipe.readAlerts();
    const firings = () => records.filter((r) => r.metric === "human_reply_3min_rate" && r.kind === "threshold" && r.status === "firing");
    const snapshots = createSnapshotReader({ redis, keyPrefix: run, config: {} });

    const before = Date.parse("2026-03-02T10:05:00+08:00");
    try {
      const p = await pipe.startTestProcessor({ clock: () => before });
      await pipe.send([
        ev("t", "chat.transferred", "2026-03-02T10:00:00+08:00", {}),
        ev("m", "chat.message", "2026-03-02T10:00:10+08:00", { sender: "consumer" }),
        ev("o", "order.paid", "2026-03-02T09:00:00+08:00", { orderId: "A" }),
      ]);
      const first = await pollUntil(() => firings()[0], { timeoutMs: 60_000, message: "alert fires before the loss" });
      const want = await snapshots.shop("kuaishou", "r1", before);
      await p.stop();

      // Redis loses everything under the run's prefix: events, dedup index, deadlines, alert states.
      expect(await deleteByPrefix(redis, run)).toBeGreaterThan(0);
      expect((await snapshots.shop("kuaishou", "r1", before))?.metrics).not.toEqual(want?.metrics);

      const progress: number[] = [];
      const after = before + 60_000;
      const done = await rebuild({
        brokers: pipe.brokers,
        redisUrl: pipe.redisUrl,
        topicPrefix: `${run}.`,
        keyPrefix: run,
        groupId: `${run}-rebuild`,
        config: {},
        log: silentLog,
        clock: () => after,
        progressMs: 200,
        progress: (x) => progress.push(x.done),
      });
      expect(done).toMatchObject({ done: 3, total: 3 });
      expect(await snapshots.shop("kuaishou", "r1", before)).toEqual(want);

      const again = await pollUntil(() => firings()[1], { timeoutMs: 30_000, message: "alert fires again after the rebuild" });
      expect(first.seq).toBe(before);
      expect(again.seq).toBe(after);
      expect(again.seq).toBeGreaterThan(first.seq);
      // The rebuild's consumer group is gone once it is done.
      const admin = kafka.admin();
      await admin.connect();
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
      await admin.disconnect();
      expect(groups).not.toContain(`${run}-rebuild`);
    } finally {
      await pipe.close();
    }
  });
});
