import { describe, expect, it } from "vitest";
import { shopKey, type CanonicalEvent, type Platform } from "@sg/events";
import { pollUntil } from "@sg/test";
import { evaluateShop } from "./engine/index.js";
import { createSnapshotReader } from "./publish/snapshot-reader.js";
import { randomStream } from "./testing/random-events.js";
import { killHard, spawnProcessor, testPipeline } from "./testing/test-processor.js";

/**
 * Crash test: SIGKILL the processor process halfway through a stream, start it again, and the
 * final state equals an uninterrupted run's (here: the pure engine over the whole stream).
 */
const PLATFORMS: Platform[] = ["kuaishou", "douyin", "jd", "pdd"];

describe("crash and restart", () => {
  it("a SIGKILLed processor, restarted, ends with exactly the uninterrupted result", { timeout: 300_000 }, async () => {
    const pipe = await testPipeline("crash", { partitions: 4 });
    const { run, kafka, redis, topics } = pipe;
    // The processor runs on the wall clock, so the stream lies in the last few days.
    const startMs = Date.now() - 20 * 86_400_000;
    const events: CanonicalEvent[] = [];
    for (let s = 0; s < 8; s++) {
      const platform = PLATFORMS[s % 4]!;
      events.push(...randomStream({ seed: 100 + s, platform, shopId: `c${s}`, startMs, consumers: 60, orders: 60 }));
    }
    // Every event must be within retention and not in the future of the processor's wall clock.
    expect(events.every((e) => Number(e.at) < Date.now())).toBe(true);
    const half = Math.floor(events.length / 2);
    const send = (xs: CanonicalEvent[]) => pipe.send(xs);
    const env = pipe.processEnv();
    const shops = [...new Set(events.map((e) => shopKey(e)))];
    // Offsets are committed only after Redis applied their batch: the group's committed offsets count the
    // events applied (engine v2 keeps no per-event index to count them by).
    const admin = kafka.admin();
    await admin.connect();
    const applied = async () => {
      const [t] = await admin.fetchOffsets({ groupId: run, topics: [topics.events] });
      return (t?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    };
    let child = spawnProcessor(env);
    try {
      const t0 = Date.now();
      const mark = (what: string) => process.env.CRASH_LOG && console.error(`crash test: ${what} at +${Date.now() - t0} ms`);
      await send(events.slice(0, half));
      mark("first half sent");
      await pollUntil(async () => (await applied()) >= half, { timeoutMs: 60_000, message: "first half applied" });
      // Mid-stream: the second half is arriving when the process is killed without any chance to clean up.
      const sending = send(events.slice(half));
      mark("first half applied");
      const killed = killHard(child);
      await sending;
      await killed;
      expect(await applied()).toBeLessThan(events.length);

      child = spawnProcessor(env);
      mark("restarted");
      await pollUntil(async () => (await applied()) === events.length, { timeoutMs: 90_000, message: "all events applied after restart" });
      mark("all applied");
      const asOf = Date.now();
      const reader = createSnapshotReader({ redis, keyPrefix: run, config: {} });
      for (const k of shops) {
        const i = k.indexOf(":");
        const platform = k.slice(0, i) as Platform;
        const shopId = k.slice(i + 1);
        const got = await reader.shop(platform, shopId, asOf);
        const want = evaluateShop({ platform, shopId, events: events.filter((e) => shopKey(e) === k), asOf }).snapshot;
        expect(got).toEqual(want);
      }
      mark("compared");
    } finally {
      child.kill("SIGTERM");
      await admin.disconnect();
      await pipe.close();
    }
  });
});
