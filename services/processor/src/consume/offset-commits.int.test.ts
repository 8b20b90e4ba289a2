// The processor commits sg.events offsets once a second from what it applied (applied-offsets.ts), and once more
// when it stops, not kafkajs after every batch: an idle partition's last batch is committed all the same, and a
// stop leaves nothing applied uncommitted.
import { describe, expect, it } from "vitest";
import type { CanonicalEvent } from "@sg/events";
import { pollUntil } from "@sg/test";
import { testPipeline, type TestPipeline } from "../testing/test-processor.js";

/** The group's committed offsets of sg.events, summed over partitions (-1, none yet, counts as 0). */
async function committed(pipe: TestPipeline): Promise<number> {
  const admin = pipe.kafka.admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId: pipe.run, topics: [pipe.topics.events] });
    return (t?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

const paid = (shopId: string, orderId: string) =>
  ({
    id: `oc-${shopId}-${orderId}`,
    type: "order.paid",
    platform: "douyin",
    shopId,
    at: new Date(Date.now() - 60_000).toISOString(),
    orderId,
  }) as unknown as CanonicalEvent;

describe("sg.events offsets", () => {
  it("are committed within about a second of the last batch, with nothing more to fetch", async () => {
    const pipe = await testPipeline("offsetcommit", { partitions: 3 });
    try {
      const events = Array.from({ length: 60 }, (_, i) => paid(`s${i % 6}`, `o${i}`));
      await pipe.send(events);
      const p = await pipe.startTestProcessor();
      await pipe.untilHandled(p);
      // No record follows: only the supervisor's timer can commit the last batches.
      const t0 = Date.now();
      await pollUntil(async () => (await committed(pipe)) === 60, { timeoutMs: 10_000, message: "all 60 offsets committed" });
      expect(Date.now() - t0).toBeLessThan(5_000);
    } finally {
      await pipe.close();
    }
  });

  it("are all committed by a stop, the batch in hand included", async () => {
    const pipe = await testPipeline("offsetstop", { partitions: 2 });
    try {
      // A commit interval far longer than the test: only the stop can commit.
      const p = await pipe.startTestProcessor({ offsetCommitMs: 600_000 });
      await pipe.send(Array.from({ length: 40 }, (_, i) => paid(`t${i % 4}`, `o${i}`)));
      await pipe.untilHandled(p);
      expect(await committed(pipe)).toBe(0);
      await p.stop();
      expect(await committed(pipe)).toBe(40);
    } finally {
      await pipe.close();
    }
  });
});
