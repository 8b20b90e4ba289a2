import { parseScoreguardConfig } from "@sg/config";
import { StoredSnapshot, snapshotKeys, topicNames, type CanonicalEvent, type PlatformFigures } from "@sg/events";
import { createDayEndReader, ensurePipelineTopics } from "@sg/events/runtime";
import { storeImportedFigures } from "@sg/figures";
import { createKafka, createProducer, logLevel, recordsInTopic } from "@sg/kafka";
import { createRedis } from "@sg/redis";
import { pollUntil, testInfra, uniqueName } from "@sg/test";
import { describe, expect, it } from "vitest";
import { silentLog } from "../log.js";
import { createProcessor } from "../processor.js";
import { EntityStore } from "../state/entity-store.js";
import { shopOverridesFor } from "./context.js";

/**
 * The calibration hook through the real pipeline: the platform's figures of D0 stored as a pull or an import
 * stores them (the figures HASH and its version), ScoreGuard's own end-of-day value of D0 taken by the
 * processor, events of the next day; the snapshot carries the D0 figures as of D0, the indicator changes
 * since D0 beside them, and names D0. douyin@2026-09 declares no mapping, so no change is turned into points.
 */
const config = parseScoreguardConfig({
  packs: { douyin: "douyin@2026-09" },
  scoreCalibration: { douyin: true },
  shops: { "douyin:c1": { industry: "tea" } },
  // Test parameters, not the platform's: Douyin does not publish its dimension weights.
  scoreParameters: { "douyin@2026-09": { tea: { sample: true, dimensionWeights: { goods: 40, logistics: 20, service: 40 } } } },
});

describe("score calibration end to end", () => {
  it("the snapshot carries the platform's D0 figures, the changes since D0 and D0; figures are read once per version", async () => {
    const { brokers, redisUrl } = testInfra();
    const run = uniqueName("calib");
    const topics = topicNames(`${run}.`);
    const kafka = createKafka({ brokers, clientId: run, logLevel: logLevel.NOTHING });
    const redis = createRedis(redisUrl);
    await ensurePipelineTopics(kafka, topics, 1);
    const shop = { platform: "douyin" as const, shopId: "c1" };
    const ev = (id: string, type: string, at: string, extra: object) =>
      ({ id, type, platform: "douyin", shopId: "c1", at, ...extra }) as unknown as CanonicalEvent;
    const producer = createProducer(kafka);
    await producer.connect();
    const send = (xs: CanonicalEvent[]) =>
      producer.send({ topic: topics.events, messages: xs.map((e) => ({ key: "douyin:c1", value: JSON.stringify(e) })) });
    const snapshot = async () => {
      const raw = await redis.get(snapshotKeys(run).snapshot(shop));
      return raw === null ? undefined : StoredSnapshot.parse(JSON.parse(raw));
    };

    let clock = Date.parse("2026-09-20T20:00:00+08:00");
    const p = createProcessor({
      kafka,
      redis,
      topics,
      keyPrefix: run,
      groupId: run,
      clock: () => clock,
      config,
      log: silentLog,
      evalIntervalMs: 50,
      tickMs: 50,
    });
    try {
      await p.start();
      // D0 = 2026-09-20: 30 paid orders (eligibility), two signed with reviews of 5 and 4 stars: rating 4.5.
      const d0: CanonicalEvent[] = [];
      for (let i = 0; i < 30; i++) d0.push(ev(`p${i}`, "order.paid", "2026-09-20T09:00:00+08:00", { orderId: `o${i}` }));
      d0.push(ev("s0", "logistics.signed", "2026-09-20T12:00:00+08:00", { orderId: "o0" }));
      d0.push(ev("s1", "logistics.signed", "2026-09-20T12:00:00+08:00", { orderId: "o1" }));
      d0.push(ev("r0", "review.posted", "2026-09-20T15:00:00+08:00", { orderId: "o0", rating: "good", score: 5 }));
      d0.push(ev("r1", "review.posted", "2026-09-20T15:00:00+08:00", { orderId: "o1", rating: "good", score: 4 }));
      await send(d0);
      const inD0 = await recordsInTopic(kafka, topics.events);
      await pollUntil(() => p.handled >= inD0, { timeoutMs: 30_000 });
      await p.flush();
      // No figures yet: no calibration block.
      expect((await snapshot())?.scores?.calibration).toBeUndefined();

      // The next morning the platform's figures of D0 arrive (as the reconciler's pull or an import stores them).
      clock = Date.parse("2026-09-21T10:00:00+08:00");
      const figures: PlatformFigures = {
        platform: "douyin",
        shopId: "c1",
        day: "2026-09-20",
        source: "douyin_api",
        receivedAtMs: clock,
        total: 85.5,
        dimensions: { goods: 90, logistics: 80, service: 85 },
        items: {},
      };
      await storeImportedFigures(redis, run, figures, clock);
      // D+1: a third signed order reviewed at 3 stars: rating (5 + 4 + 3) / 3 = 4 over the 30-day window.
      const d1 = [
        ev("s2", "logistics.signed", "2026-09-21T08:00:00+08:00", { orderId: "o2" }),
        ev("r2", "review.posted", "2026-09-21T09:00:00+08:00", { orderId: "o2", rating: "neutral", score: 3 }),
      ];
      await send(d1);
      const inD1 = await recordsInTopic(kafka, topics.events);
      await pollUntil(() => p.handled >= inD1, { timeoutMs: 30_000 });
      await p.flush();
      const s = await pollUntil(
        async () => {
          const x = await snapshot();
          return x?.scores?.calibration?.changes.find((c) => c.indicator === "product_rating")?.now === 4 ? x : undefined;
        },
        { message: "a calibrated snapshot with the day's rating" },
      );
      // ScoreGuard's own end-of-day value of D0, taken by the processor at the first evaluation after the cut-off.
      expect((await createDayEndReader(redis, run).day(shop, "2026-09-20"))?.metrics.product_rating?.v).toBe(4.5);
      const scores = s.scores!;
      expect(scores.dimensions).toEqual({
        goods: { score: 90, weight: 40, source: "as_of_d0" },
        logistics: { score: 80, weight: 20, source: "as_of_d0" },
        service: { score: 85, weight: 40, source: "as_of_d0" },
      });
      // 90×0.4 + 80×0.2 + 85×0.4 = 86.
      expect(scores.total).toBe(86);
      expect(scores.calibration).toMatchObject({
        label: "calibrated from platform figures of 2026-09-20",
        d0: "2026-09-20",
        taken: { total: 85.5, dimensions: { goods: 90, logistics: 80, service: 85 } },
        d0Values: true,
      });
      expect(scores.calibration!.changes.find((c) => c.indicator === "product_rating")).toEqual({
        indicator: "product_rating",
        dimension: "goods",
        d0: 4.5,
        now: 4,
        change: -0.5,
      });

      // Cost: the figures are read once per version; each evaluation reads only their version and D0's value
      // with the shop's aggregates (one pipeline). A new import moves the version: read again.
      const store = new EntityStore(redis, run);
      const overrides = shopOverridesFor(config, "douyin:c1");
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const e = await store.evaluate(shop, clock, overrides);
        times.push(performance.now() - t0);
        expect(e?.snapshot.scores?.dimensions.goods?.score).toBe(90);
      }
      expect(store.calibration.figureReads).toBe(1);
      const plain = new EntityStore(redis, run);
      const plainTimes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await plain.evaluate(shop, clock, shopOverridesFor({ ...config, scoreCalibration: {} }, "douyin:c1"));
        plainTimes.push(performance.now() - t0);
      }
      console.log(
        `one evaluation (ms), calibrated: ${times.map((t) => t.toFixed(2)).join(" ")}; not: ${plainTimes.map((t) => t.toFixed(2)).join(" ")}`,
      );
      await storeImportedFigures(
        redis,
        run,
        { ...figures, dimensions: { ...figures.dimensions, goods: 91 }, receivedAtMs: clock + 1 },
        clock,
      );
      expect((await store.evaluate(shop, clock, overrides))?.snapshot.scores?.dimensions.goods?.score).toBe(91);
      expect(store.calibration.figureReads).toBe(2);
    } finally {
      await p.stop();
      await producer.disconnect();
      redis.disconnect();
    }
  });
});
