import { describe, expect, it } from "vitest";
import { snapshotKeys } from "@sg/events";
import { disputeBreach, DISPUTE_METRIC, pollUntil } from "@sg/test";
import { createKeys } from "./state/keys.js";
import { killHard, spawnProcessor, testPipeline } from "./testing/test-processor.js";

/**
 * architecture.md "No evaluation is lost": the processor applies a batch (marking each shop
 * due in the same step), commits its offsets, and is SIGKILLed before it evaluates. Kafka will not deliver
 * that batch again, so only the due mark in Redis can bring the evaluation back: after a restart the
 * breached deadline's alert must still reach sg.alerts. A second shop, whose due mark the test removes while
 * the processor is dead, shows the mark is what does it: that shop's alert never comes.
 *
 * The window between the commit and the evaluation is held open by the test-only knob
 * SG_TEST_PAUSE_BEFORE_EVAL_MS (env.ts); the restarted processor runs without it.
 */
const PARTITIONS = 2;
/**
 * The restarted processor's evaluation interval, and how many passes it gets to (wrongly) evaluate the shop
 * that lost its due mark: 40 passes of 50 ms, more than the 32 of the default 250 ms in the 8 s this used to
 * wait, in a quarter of the time. A pass starts EVAL_MS after the previous one ends, so a slow machine makes
 * fewer passes in that time, as it did before.
 */
const EVAL_MS = 50;
const LATER_PASSES = 40;

describe("no evaluation lost", () => {
  it(
    "a processor SIGKILLed after the offset commit and before the evaluation still fires the alert after a restart",
    { timeout: 240_000 },
    async () => {
      const pipe = await testPipeline("noevallost", { partitions: PARTITIONS });
      const { run, kafka, redis } = pipe;
      const keys = createKeys(run);
      const snaps = snapshotKeys(run);
      const admin = kafka.admin();
      await admin.connect();

      // The processor runs on the wall clock: four refunds completed in the last hours, each ruled against the
      // merchant, breach merchant_dispute_rate at any hour (chat metrics count nothing at night), so the
      // shop's first evaluation fires the alert.
      const t = Date.now();
      const breach = (shopId: string) => disputeBreach(shopId, t);
      const kept = "kept";
      const unmarked = "unmarked";

      const { records } = await pipe.readAlerts();
      const firingFor = (shopId: string) =>
        records.find((r) => r.shopId === shopId && r.metric === DISPUTE_METRIC && r.kind === "threshold" && r.status === "firing");

      const env = pipe.processEnv();
      let child = spawnProcessor({ ...env, SG_TEST_PAUSE_BEFORE_EVAL_MS: "120000" });
      try {
        for (const shopId of [kept, unmarked]) {
          await pipe.send(breach(shopId));
        }
        // Both shops applied (their entity records exist) and marked due in their partition's index.
        const dueScore = async (shopId: string) => {
          for (let p = 0; p < PARTITIONS; p++) {
            const s = await redis.zscore(keys.due(p), `kuaishou:${shopId}`);
            if (s !== null) return { partition: p, score: Number(s) };
          }
          return undefined;
        };
        for (const shopId of [kept, unmarked]) {
          await pollUntil(async () => (await redis.hlen(keys.entities({ platform: "kuaishou", shopId }))) > 0, {
            timeoutMs: 60_000,
            message: `${shopId} applied`,
          });
          expect(await dueScore(shopId)).toBeDefined();
        }
        // The offsets are committed up to the end of the topic: Kafka will not deliver these events again.
        const ends = await admin.fetchTopicOffsets(pipe.topics.events);
        await pollUntil(
          async () => {
            const [committed] = await admin.fetchOffsets({ groupId: run, topics: [pipe.topics.events] });
            // An empty partition has nothing to commit (its committed offset stays -1).
            return ends.every(
              (e) => e.offset === "0" || committed!.partitions.find((c) => c.partition === e.partition)?.offset === e.offset,
            );
          },
          { timeoutMs: 30_000, message: "offsets committed" },
        );
        // ...and nothing was evaluated yet: no snapshot, no alert state, no alert record.
        for (const shopId of [kept, unmarked]) {
          expect(await redis.exists(snaps.snapshot({ platform: "kuaishou", shopId }))).toBe(0);
          expect(await redis.exists(keys.shopAlerts({ platform: "kuaishou", shopId }))).toBe(0);
        }
        expect(records).toEqual([]);

        await killHard(child);
        // The control: this shop loses its due mark while the processor is dead, as if the apply step had not set it.
        const mark = (await dueScore(unmarked))!;
        await redis.zrem(keys.due(mark.partition), `kuaishou:${unmarked}`);

        child = spawnProcessor({ ...env, EVAL_INTERVAL_MS: String(EVAL_MS) });
        const firing = await pollUntil(() => firingFor(kept), { timeoutMs: 90_000, message: "alert of the marked shop after the restart" });
        expect(firing).toMatchObject({ platform: "kuaishou", shopId: kept, severity: "critical", value: 1 });
        // The unmarked shop's evaluation is lost for good: give the restarted processor many more passes (it
        // evaluates due shops every EVAL_MS) and its alert still does not come, and no snapshot is written.
        const settled = Date.now();
        await pollUntil(
          async () =>
            (await redis.exists(snaps.snapshot({ platform: "kuaishou", shopId: kept }))) === 1 &&
            Date.now() - settled > LATER_PASSES * EVAL_MS,
          { timeoutMs: 60_000 },
        );
        expect(firingFor(unmarked)).toBeUndefined();
        expect(await redis.exists(snaps.snapshot({ platform: "kuaishou", shopId: unmarked }))).toBe(0);
      } finally {
        child.kill("SIGTERM");
        await admin.disconnect();
        await pipe.close();
      }
    },
  );
});
