// The harness itself: a message goes through the real broker, and a Lua script loaded from its own file
// runs on the real Redis.
import { createKafka, createProducer, ensureTopics, type Consumer, type Producer } from "@sg/kafka";
import { callLuaScript, createRedis, defineLuaScripts, queueLuaScript, type Redis } from "@sg/redis";
import { afterAll, describe, expect, it } from "vitest";
import { pollUntil, testInfra, uniqueName } from "./index.js";

describe("kafka plumbing", () => {
  const { brokers } = testInfra();
  const kafka = createKafka({ brokers, clientId: uniqueName("plumbing") });
  const producers: Producer[] = [];
  const consumers: Consumer[] = [];
  afterAll(async () => {
    await Promise.all([...consumers.map((c) => c.disconnect()), ...producers.map((p) => p.disconnect())]);
  });

  it("creates topics once", async () => {
    const topic = uniqueName("sg.test.topics");
    expect(await ensureTopics(kafka, [{ topic, numPartitions: 3 }])).toEqual([topic]);
    expect(await ensureTopics(kafka, [{ topic, numPartitions: 3 }])).toEqual([]);
    const admin = kafka.admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(meta.topics[0]?.partitions).toHaveLength(3);
  });

  it("produces and consumes through the broker, keeping per-key order", async () => {
    const topic = uniqueName("sg.test.plumbing");
    await ensureTopics(kafka, [{ topic, numPartitions: 2 }]);
    const producer = createProducer(kafka);
    producers.push(producer);
    await producer.connect();
    const sent = Array.from({ length: 20 }, (_, i) => ({ key: `douyin:s${i % 3}`, value: `m${i}` }));
    await producer.send({ topic, messages: sent });

    // A short fetch wait: disconnect() waits for the in-flight fetch (default 5s).
    const consumer = kafka.consumer({ groupId: uniqueName("sg.test.group"), maxWaitTimeInMs: 200 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const got: { key: string; value: string }[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        got.push({ key: message.key?.toString() ?? "", value: message.value?.toString() ?? "" });
      },
    });
    // At least once: createProducer is not idempotent (docs/operations.md, kafkajs 2.2.4's sequence reuse), so a
    // send retried after a partial failure (a new topic's leader not elected yet) writes the partition that had
    // succeeded again. Every message arrives, and each key's messages first arrive in the order they were sent.
    const distinct = () => new Set(got.map((m) => m.value)).size;
    await pollUntil(() => distinct() >= sent.length, { timeoutMs: 60_000, message: `${sent.length} messages consumed` });
    expect(new Set(got.map((m) => m.value))).toEqual(new Set(sent.map((m) => m.value)));
    for (const key of ["douyin:s0", "douyin:s1", "douyin:s2"]) {
      const firsts = [...new Set(got.filter((m) => m.key === key).map((m) => m.value))];
      expect(firsts).toEqual(sent.filter((m) => m.key === key).map((m) => m.value));
    }
  });
});

describe("redis plumbing", () => {
  const { redisUrl } = testInfra();
  let redis: Redis | undefined;
  afterAll(async () => {
    await redis?.quit();
  });

  it("runs a Lua script from its own file, with the key count from its header", async () => {
    redis = createRedis(redisUrl);
    const scripts = defineLuaScripts(redis, new URL("./fixtures/lua/", import.meta.url));
    expect(scripts.map(({ name, numberOfKeys }) => ({ name, numberOfKeys }))).toEqual([{ name: "addToCounter", numberOfKeys: 1 }]);

    const key = `sg:{test:${uniqueName("shop")}}:counter`;
    expect(await callLuaScript(redis, "addToCounter", [key], [5])).toEqual([5, 5]);
    expect(await callLuaScript(redis, "addToCounter", [key], [2])).toEqual([7, 5]);

    // The same command pipelined (one round trip for many shops, architecture.md).
    const pipeline = redis.pipeline();
    queueLuaScript(pipeline, "addToCounter", [key], [10]);
    queueLuaScript(pipeline, "addToCounter", [key], [1]);
    expect(await pipeline.exec()).toEqual([
      [null, [17, 10]],
      [null, [18, 10]],
    ]);
    // A fresh connection has no cached script: defineCommand falls back from EVALSHA to EVAL.
    await redis.script("FLUSH");
    expect(await callLuaScript(redis, "addToCounter", [key], [1])).toEqual([19, 10]);
    await redis.del(key);
  });
});
