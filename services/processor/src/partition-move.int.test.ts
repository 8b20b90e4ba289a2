import { describe, expect, it } from "vitest";
import { AlertRecord, topicNames } from "@sg/events";
import { createKafka, createProducer, logLevel } from "@sg/kafka";
import { createRedis } from "@sg/redis";
import { holdsFor, pollUntil, testInfra, uniqueName } from "@sg/test";
import { silentLog } from "./log.js";
import { createProcessor } from "./processor.js";
import { ensurePipelineTopics } from "@sg/events/runtime";

/**
 * Timers survive a partition moving to another instance. Two processors share the group; one
 * stops; the other takes its partitions and fires the deadlines the first one had scheduled.
 */
describe("partition move", () => {
  it("the new owner fires the deadlines of the partitions it takes over", async () => {
    const { brokers, redisUrl } = testInfra();
    const run = uniqueName("move");
    const topics = topicNames(`${run}.`);
    const kafka = createKafka({ brokers, clientId: run, logLevel: logLevel.NOTHING });
    const redis = createRedis(redisUrl);
    await ensurePipelineTopics(kafka, topics, 4);
    const shops = Array.from({ length: 8 }, (_, i) => `m${i}`);
    const producer = createProducer(kafka);
    await producer.connect();
    let clock = Date.parse("2026-03-02T10:00:30+08:00");
    const opts = {
      kafka,
      redis,
      topics,
      keyPrefix: run,
      groupId: run,
      clock: () => clock,
      config: {},
      log: silentLog,
      evalIntervalMs: 50,
      tickMs: 50,
    };
    const a = createProcessor(opts);
    const b = createProcessor(opts);
    const firing = new Set<string>();
    const reader = kafka.consumer({ groupId: `${run}-reader` });
    await reader.connect();
    await reader.subscribe({ topic: topics.alerts, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        const r = AlertRecord.parse(JSON.parse(message.value!.toString()));
        if (r.kind === "threshold" && r.status === "firing") firing.add(r.shopId);
      },
    });
    try {
      await a.start();
      await b.start();
      // Produce only once both instances own partitions, so that both take part.
      await pollUntil(
        () =>
          a.assignedPartitions.length > 0 &&
          b.assignedPartitions.length > 0 &&
          a.assignedPartitions.length + b.assignedPartitions.length === 4,
        { timeoutMs: 60_000, message: "both instances assigned" },
      );
      await producer.send({
        topic: topics.events,
        messages: shops.flatMap((shopId) =>
          [
            { id: `${shopId}-t`, type: "chat.transferred", at: "2026-03-02T10:00:00+08:00" },
            { id: `${shopId}-m`, type: "chat.message", at: "2026-03-02T10:00:10+08:00", sender: "consumer" },
          ].map((e) => ({ key: `kuaishou:${shopId}`, value: JSON.stringify({ ...e, platform: "kuaishou", shopId, consumerId: "u" }) })),
        ),
      });
      await pollUntil(() => a.handled + b.handled >= shops.length * 2, { timeoutMs: 60_000, message: "all events applied" });
      // Both instances took part; each has scheduled the deadlines of its own shops (10:03:10).
      expect(a.handled).toBeGreaterThan(0);
      expect(b.handled).toBeGreaterThan(0);
      await a.flush();
      await b.flush();
      expect(firing.size).toBe(0);
      await holdsFor(() => firing.size === 0, { message: "nothing firing before the deadline" });

      await a.stop();
      clock = Date.parse("2026-03-02T10:05:00+08:00");
      await pollUntil(() => firing.size === shops.length, { timeoutMs: 60_000, message: "every shop's deadline fired" });
      expect([...firing].sort()).toEqual([...shops].sort());
    } finally {
      await a.stop();
      await b.stop();
      await reader.disconnect();
      await producer.disconnect();
      redis.disconnect();
    }
  });
});
