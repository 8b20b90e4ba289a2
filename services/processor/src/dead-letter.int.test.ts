import { describe, expect, it } from "vitest";
import { topicNames } from "@sg/events";
import { createKafka, createProducer, logLevel } from "@sg/kafka";
import { createRedis } from "@sg/redis";
import { pollUntil, testInfra, uniqueName } from "@sg/test";
import { silentLog } from "./log.js";
import { createProcessor } from "./processor.js";
import { createSnapshotReader } from "./snapshot.js";
import { ensurePipelineTopics } from "@sg/events/runtime";

/** Bad input never loses good data: invalid records go to the DLQ with a reason, the rest is applied. */
describe("dead letters", () => {
  it("routes invalid, too-old and future records to sg.events.dlq and applies every valid one around them", async () => {
    const { brokers, redisUrl } = testInfra();
    const run = uniqueName("dlq");
    const topics = topicNames(`${run}.`);
    const kafka = createKafka({ brokers, clientId: run, logLevel: logLevel.NOTHING });
    const redis = createRedis(redisUrl);
    await ensurePipelineTopics(kafka, topics, 2);
    const now = Date.parse("2026-03-02T12:00:00+08:00");
    const paid = (id: string, orderId: string, at: string) =>
      JSON.stringify({ id, type: "order.paid", platform: "douyin", shopId: "s", at, orderId });
    const producer = createProducer(kafka);
    await producer.connect();
    await producer.send({
      topic: topics.events,
      messages: [
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
      ],
    });
    const p = createProcessor({
      kafka,
      redis,
      topics,
      keyPrefix: run,
      groupId: run,
      clock: () => now,
      config: {},
      log: silentLog,
      tickMs: 0,
    });
    const dead: { reason: string }[] = [];
    const consumer = kafka.consumer({ groupId: `${run}-dlq-reader` });
    try {
      await p.start();
      await consumer.connect();
      await consumer.subscribe({ topic: topics.dlq, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => void dead.push(JSON.parse(message.value!.toString()) as { reason: string }),
      });
      await pollUntil(() => dead.length === 5, { timeoutMs: 30_000, message: "5 dead letters" });
      const reasons = dead.map((d) => d.reason).join("\n");
      expect(reasons).toContain("malformed JSON");
      expect(reasons).toContain("orderId");
      expect(reasons).toContain("expired");
      expect(reasons).toContain("future");
      expect(reasons).toContain("unknown event type");
      await pollUntil(() => p.handled >= 7, { timeoutMs: 30_000 });
      const snap = await createSnapshotReader({ redis, keyPrefix: run, config: {} }).shop("douyin", "s", now);
      // A and F are in-stock orders paid within 24 h: both pending pickup.
      expect(snap?.metrics.pickup_24h_rate?.pending).toBe(2);
      expect(snap?.metrics.shipping_negative_feedback_rate?.denominator).toBe(2);
    } finally {
      await consumer.disconnect();
      await p.stop();
      await producer.disconnect();
      redis.disconnect();
    }
  });
});
