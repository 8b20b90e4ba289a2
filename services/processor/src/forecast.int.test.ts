import { readFileSync } from "node:fs";
import { parseScoreguardConfig } from "@sg/config";
import { StoredSnapshot, snapshotKeys, toMillis, topicNames, type CanonicalEvent } from "@sg/events";
import { ensurePipelineTopics } from "@sg/events/runtime";
import { createKafka, createProducer, logLevel, recordsInTopic } from "@sg/kafka";
import { createRedis } from "@sg/redis";
import { pollUntil, testInfra, uniqueName } from "@sg/test";
import { describe, expect, it } from "vitest";
import { evaluateEventsV2WithForecast } from "./engine/forecast/index.js";
import { silentLog } from "./log.js";
import { createProcessor } from "./processor.js";
import { forecastReads } from "./state/forecast-reader.js";

/**
 * The forecast through the real pipeline (Kafka in, Redis state, the snapshot projection the read API and
 * `replay` serve): the hand-computed forecast case's events, the processor's clock at the case's moment. The
 * stored snapshot carries the same forecast as engine v2's pure part, and the hand-computed roll-off.
 */
const caseDir = new URL("../../../test/conformance/forecast/", import.meta.url);

describe("forecast end to end", () => {
  it("the snapshot's pickup_24h_rate forecast is the pure engine's, with the hand-computed roll-off", async () => {
    const meta = JSON.parse(readFileSync(new URL("dy-pickup-roll-off.expect.json", caseDir), "utf8")) as { at: string };
    const events = readFileSync(new URL("dy-pickup-roll-off.jsonl", caseDir), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as CanonicalEvent);
    let clock = toMillis(meta.at);
    const { brokers, redisUrl } = testInfra();
    const run = uniqueName("fcst");
    const topics = topicNames(`${run}.`);
    const kafka = createKafka({ brokers, clientId: run, logLevel: logLevel.NOTHING });
    const redis = createRedis(redisUrl);
    await ensurePipelineTopics(kafka, topics, 1);
    const producer = createProducer(kafka);
    await producer.connect();
    const p = createProcessor({
      kafka,
      redis,
      topics,
      keyPrefix: run,
      groupId: run,
      clock: () => clock,
      config: parseScoreguardConfig({}),
      log: silentLog,
      evalIntervalMs: 50,
      tickMs: 50,
    });
    try {
      await p.start();
      await producer.send({ topic: topics.events, messages: events.map((e) => ({ key: "douyin:d1", value: JSON.stringify(e) })) });
      const inTopic = await recordsInTopic(kafka, topics.events);
      await pollUntil(() => p.handled >= inTopic, { timeoutMs: 60_000 });
      await p.flush();
      const shop = { platform: "douyin" as const, shopId: "d1" };
      const s = await pollUntil(
        async () => {
          const raw = await redis.get(snapshotKeys(run).snapshot(shop));
          const x = raw === null ? undefined : StoredSnapshot.parse(JSON.parse(raw));
          return x?.metrics.pickup_24h_rate?.pending === 1 && x.metrics.pickup_24h_rate.forecast ? x : undefined;
        },
        { timeoutMs: 30_000, message: "a snapshot with the forecast" },
      );
      const pure = evaluateEventsV2WithForecast({ ...shop, events, asOf: clock });
      for (const [name, m] of Object.entries(pure!.snapshot.metrics)) expect(s.metrics[name]?.forecast, name).toEqual(m.forecast);
      expect(s.scores?.forecast).toEqual(pure!.snapshot.scores?.forecast);
      const f = s.metrics.pickup_24h_rate!.forecast!;
      expect(f.rollOff.points.map((x) => x.value)).toEqual([9 / 11, 9 / 11, 0.9, 0.9, 0.9, 0.9, 0.9]);
      expect(f.rollOff.crosses).toEqual({ line: "threshold", day: "2026-04-02" });
      expect(f.toRecover).toEqual({ goodItems: 29, line: "target" });

      // Two minutes later (the throttle's minute has passed) one more order is paid: the processor's next forecast
      // reads what that commit wrote in the evaluation's own round trip (forecastPrefetch), and still equals the
      // pure engine's.
      clock += 120_000;
      const paid: CanonicalEvent = {
        id: "f-later",
        type: "order.paid",
        platform: "douyin",
        shopId: "d1",
        at: new Date(clock).toISOString(),
        orderId: "P2",
      };
      const prefetched = forecastReads.prefetched;
      await producer.send({ topic: topics.events, messages: [{ key: "douyin:d1", value: JSON.stringify(paid) }] });
      const s2 = await pollUntil(
        async () => {
          const raw = await redis.get(snapshotKeys(run).snapshot(shop));
          const x = raw === null ? undefined : StoredSnapshot.parse(JSON.parse(raw));
          return x?.metrics.pickup_24h_rate?.pending === 2 ? x : undefined;
        },
        { timeoutMs: 30_000, message: "a snapshot with the later order pending" },
      );
      const pure2 = evaluateEventsV2WithForecast({ ...shop, events: [...events, paid], asOf: clock });
      for (const [name, m] of Object.entries(pure2!.snapshot.metrics)) expect(s2.metrics[name]?.forecast, name).toEqual(m.forecast);
      expect(s2.scores?.forecast).toEqual(pure2!.snapshot.scores?.forecast);
      expect(forecastReads.prefetched).toBeGreaterThan(prefetched);
    } finally {
      await p.stop();
      await producer.disconnect();
      redis.disconnect();
    }
  }, 120_000);
});
