import { describe, expect, it } from "vitest";
import { pollUntil } from "@sg/test";
import { createSnapshotReader } from "./publish/snapshot-reader.js";
import { testPipeline } from "./testing/test-processor.js";

interface DeadLetterRecord {
  reason: string;
  value: string;
  valueTruncated?: boolean;
  valueChars?: number;
}

/**
 * A run of its own: topics with `partitions` partitions of sg.events, `records` produced (in sends of 500),
 * then a processor on a fixed clock and a reader of sg.events.dlq. `stop` ends all of it.
 */
async function deadLetterRun(name: string, partitions: number, now: number, records: { key: string; value: string }[]) {
  const pipe = await testPipeline(name, { partitions });
  await pipe.sendRecords(records);
  const p = await pipe.startTestProcessor({ clock: () => now, tickMs: 0 });
  const { records: dead } = await pipe.readDeadLetters<DeadLetterRecord>();
  const snapshots = createSnapshotReader({ redis: pipe.redis, keyPrefix: pipe.run, config: {} });
  return {
    p,
    dead,
    shop: (platform: Parameters<typeof snapshots.shop>[0], shopId: string) => snapshots.shop(platform, shopId, now),
    untilHandled: (message?: string) => pipe.untilHandled(p, { timeoutMs: 90_000, ...(message === undefined ? {} : { message }) }),
    stop: () => pipe.close(),
  };
}

/** Bad input never loses good data: invalid records go to the DLQ with a reason, the rest is applied. */
describe("dead letters", () => {
  it("routes invalid, too-old and future records to sg.events.dlq and applies every valid one around them", async () => {
    const now = Date.parse("2026-03-02T12:00:00+08:00");
    const paid = (id: string, orderId: string, at: string) =>
      JSON.stringify({ id, type: "order.paid", platform: "douyin", shopId: "s", at, orderId });
    const r = await deadLetterRun("dlq", 2, now, [
      { key: "douyin:s", value: paid("a", "A", "2026-03-02T09:00:00+08:00") },
      { key: "douyin:s", value: "{not json" },
      {
        key: "douyin:s",
        value: JSON.stringify({ id: "b", type: "order.paid", platform: "douyin", shopId: "s", at: "2026-03-02T09:00:00+08:00" }),
      },
      { key: "douyin:s", value: paid("c", "C", "2025-11-01T09:00:00+08:00") },
      { key: "douyin:s", value: paid("d", "D", "2026-03-02T12:06:00+08:00") },
      { key: "douyin:s", value: JSON.stringify({ id: "e", type: "order.exploded", platform: "douyin", shopId: "s", at: now }) },
      { key: "douyin:s", value: paid("f", "F", "2026-03-02T10:00:00+08:00") },
    ]);
    try {
      await pollUntil(() => r.dead.length === 5, { timeoutMs: 30_000, message: "5 dead letters" });
      const reasons = r.dead.map((d) => d.reason).join("\n");
      expect(reasons).toContain("malformed JSON");
      expect(reasons).toContain("orderId");
      expect(reasons).toContain("expired");
      expect(reasons).toContain("future");
      expect(reasons).toContain("unknown event type");
      await r.untilHandled();
      const snap = await r.shop("douyin", "s");
      // A and F are in-stock orders paid within 24 h: both pending pickup.
      expect(snap?.metrics.pickup_24h_rate?.pending).toBe(2);
      expect(snap?.metrics.shipping_negative_feedback_rate?.denominator).toBe(2);
    } finally {
      await r.stop();
    }
  });

  it(
    "keeps moving through a flood of refused records larger than one send, and cuts a huge refused value",
    { timeout: 120_000 },
    async () => {
      const now = Date.parse("2026-03-02T12:00:00+08:00");
      // 3,000 refused records of ~1 KB on one partition: one fetch (1 MB) holds about a thousand, and their dead
      // letters (the value, escaped, plus the reason) are larger than the fetch: more than the broker takes in
      // one request. Then one record of ~900 KB, and a valid order after all of them.
      const pad = "x".repeat(900);
      const bad = Array.from({ length: 3000 }, (_, i) =>
        JSON.stringify({ id: `bad${i}`, type: "order.paid", platform: "douyin", shopId: "s", at: now - 1000.5, orderId: `B${i}`, pad }),
      );
      const huge = JSON.stringify({
        id: "huge",
        type: "order.paid",
        platform: "douyin",
        shopId: "s",
        at: "yesterday",
        pad: "y".repeat(900_000),
      });
      const good = JSON.stringify({ id: "ok", type: "order.paid", platform: "douyin", shopId: "s", at: now - 3_600_000, orderId: "OK" });
      const r = await deadLetterRun(
        "dlqflood",
        1,
        now,
        [...bad, huge, good].map((value) => ({ key: "douyin:s", value })),
      );
      try {
        await r.untilHandled("every record of the flood handled");
        await pollUntil(() => r.dead.length === 3001, { timeoutMs: 30_000, message: "3,001 dead letters" });
        expect(r.dead.filter((d) => d.reason.includes("epoch milliseconds must be an integer"))).toHaveLength(3000);
        const cut = r.dead.find((d) => d.valueTruncated);
        expect(cut?.valueChars).toBe(huge.length);
        expect(cut?.value.length).toBeLessThan(huge.length);
        expect(cut?.reason).toContain("at");
        await r.p.flush();
        expect((await r.shop("douyin", "s"))?.metrics.pickup_24h_rate?.pending).toBe(1);
      } finally {
        await r.stop();
      }
    },
  );
});
