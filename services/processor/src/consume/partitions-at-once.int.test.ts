import { describe, expect, it } from "vitest";
import type { Platform } from "@sg/events";
import { evaluateShop } from "../engine/index.js";
import type { Log } from "../log.js";
import { createSnapshotReader } from "../publish/snapshot-reader.js";
import { randomStream, shuffleWithDuplicates } from "../testing/random-events.js";
import { testPipeline } from "../testing/test-processor.js";

const PLATFORMS: Platform[] = ["kuaishou", "douyin", "jd", "pdd"];
const PAUSE_MS = 1500;

/**
 * PROCESSOR_PARTITIONS_AT_ONCE (ProcessorDeps.partitionsConcurrently): batches of several partitions are applied
 * at once, and the results stay exact. Each batch is held PAUSE_MS after its apply (the test-only pause that
 * logs "test pause: batch applied…"), so batches of different partitions applied at once start their pauses
 * well within PAUSE_MS of each other, which one partition at a time cannot do.
 */
describe("partitions applied at once", () => {
  it("overlaps batches of different partitions, and every shop equals the pure engine", { timeout: 120_000 }, async () => {
    const asOfMs = Date.parse("2026-03-03T12:00:00+08:00");
    const startMs = Date.parse("2026-03-01T08:00:00+08:00");
    const shops = PLATFORMS.flatMap((platform, i) => [0, 1].map((k) => ({ platform, shopId: `at${k}`, seed: 70 + i * 2 + k })));
    const streams = shops.map((s) =>
      randomStream({ seed: s.seed, platform: s.platform, shopId: s.shopId, startMs, consumers: 10, orders: 10 }),
    );
    const pipe = await testPipeline("at-once", { partitions: 6 });
    try {
      await pipe.send(shuffleWithDuplicates(streams.flat(), 5, 0.2));
      const pauses: { at: number; partition: number }[] = [];
      const log: Log = {
        debug() {},
        info() {},
        error() {},
        warn(o: unknown, msg?: string) {
          if (msg?.startsWith("test pause")) pauses.push({ at: performance.now(), partition: (o as { partition: number }).partition });
        },
      };
      const p = await pipe.startTestProcessor({
        clock: () => asOfMs,
        tickMs: 0,
        partitionsConcurrently: 4,
        pauseBeforeCommitMs: PAUSE_MS,
        log,
      });
      await pipe.untilHandled(p, { timeoutMs: 90_000 });
      await p.flush();

      const partitions = new Set(pauses.map((x) => x.partition));
      expect(partitions.size).toBeGreaterThan(1);
      const overlapping = pauses.some((a, i) =>
        pauses.some((b, j) => j > i && a.partition !== b.partition && Math.abs(a.at - b.at) < PAUSE_MS * 0.6),
      );
      expect(overlapping, `pauses (ms, partition): ${JSON.stringify(pauses.map((x) => [Math.round(x.at), x.partition]))}`).toBe(true);

      const reader = createSnapshotReader({ redis: pipe.redis, keyPrefix: pipe.run, config: {} });
      for (const [i, s] of shops.entries()) {
        const pure = evaluateShop({ platform: s.platform, shopId: s.shopId, events: streams[i]!, asOf: asOfMs }).snapshot;
        const got = await reader.shop(s.platform, s.shopId, asOfMs);
        expect(got?.metrics, `${s.platform}:${s.shopId}`).toEqual(pure.metrics);
      }
    } finally {
      await pipe.close();
    }
  });
});
