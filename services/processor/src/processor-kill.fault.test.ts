import { describe, expect, it } from "vitest";
import { shopKey, topicNames, type CanonicalEvent, type Platform } from "@sg/events";
import { createKafka, createProducer, logLevel } from "@sg/kafka";
import { createRedis } from "@sg/redis";
import { pollUntil, testInfra, uniqueName } from "@sg/test";
import { recordFaults } from "../../../test/src/faults/summary.js";
import { startService, type ServiceProcess } from "../../../test/src/faults/processes.js";
import { evaluateShop } from "./engine/index.js";
import { createSnapshotReader } from "./snapshot.js";
import { randomStream } from "./testing/random-events.js";
import { ensurePipelineTopics } from "@sg/events/runtime";

/**
 * Issue 9: the processor process SIGKILLed at random points while the stream arrives (mid-batch, between the
 * apply and the commit, after the commit), restarted each time. Every acknowledged event (acks=-1 on
 * sg.events) ends up applied exactly once and every shop's state equals the pure engine over its stream.
 */
const PLATFORMS: Platform[] = ["kuaishou", "douyin", "jd", "pdd"];

describe("processor SIGKILL at random points", () => {
  it("loses no acknowledged event across repeated kills and restarts", async () => {
    const { brokers, redisUrl } = testInfra();
    const run = uniqueName("pkill");
    const topics = topicNames(`${run}.`);
    const kafka = createKafka({ brokers, clientId: run, logLevel: logLevel.NOTHING });
    await ensurePipelineTopics(kafka, topics, 4);
    const startMs = Date.now() - 20 * 86_400_000;
    const events: CanonicalEvent[] = [];
    for (let s = 0; s < 6; s++)
      events.push(...randomStream({ seed: 900 + s, platform: PLATFORMS[s % 4]!, shopId: `k${s}`, startMs, consumers: 40, orders: 40 }));
    const producer = createProducer(kafka);
    await producer.connect();
    const env = {
      KAFKA_BROKERS: brokers.join(","),
      REDIS_URL: redisUrl,
      TOPIC_PREFIX: `${run}.`,
      KEY_PREFIX: run,
      PROCESSOR_GROUP: run,
      PROCESSOR_PORT: "0",
      EVENTS_PARTITIONS: "4",
      LOG_LEVEL: "warn",
    };
    const redis = createRedis(redisUrl);
    const shops = [...new Set(events.map((e) => shopKey(e)))];
    const split = (k: string) => ({ platform: k.slice(0, k.indexOf(":")), shopId: k.slice(k.indexOf(":") + 1) });
    // Offsets are committed only after Redis applied their batch: the group's committed offsets count the
    // events applied (engine v2 keeps no per-event index to count them by).
    const admin = kafka.admin();
    await admin.connect();
    const applied = async () => {
      const [t] = await admin.fetchOffsets({ groupId: run, topics: [topics.events] });
      return (t?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    };
    let child: ServiceProcess = startService("services/processor/src/main.ts", env);
    let kills = 0;
    let crashes = 0;
    try {
      const chunks = 8;
      const size = Math.ceil(events.length / chunks);
      let acknowledged = 0;
      for (let c = 0; c < chunks; c++) {
        const part = events.slice(c * size, (c + 1) * size);
        await producer.send({ topic: topics.events, messages: part.map((e) => ({ key: shopKey(e), value: JSON.stringify(e) })) });
        acknowledged += part.length;
        if (c % 2 === 1) {
          // A random moment while the processor works through what was just sent.
          await new Promise((r) => setTimeout(r, 200 + Math.floor(Math.random() * 2500)));
          if (child.exitedOnItsOwn) crashes++;
          await child.kill("SIGKILL");
          kills++;
          child = startService("services/processor/src/main.ts", env);
        }
      }
      expect(acknowledged).toBe(events.length);
      await pollUntil(async () => (await applied()) === events.length, { timeoutMs: 120_000, message: "every acknowledged event applied" });
      const asOf = Date.now();
      const reader = createSnapshotReader({ redis, keyPrefix: run, config: {} });
      for (const k of shops) {
        const { platform, shopId } = split(k) as { platform: Platform; shopId: string };
        const want = evaluateShop({ platform, shopId, events: events.filter((e) => shopKey(e) === k), asOf }).snapshot;
        expect(await reader.shop(platform, shopId, asOf)).toEqual(want);
      }
      if (child.exitedOnItsOwn) crashes++;
      expect(crashes).toBe(0);
      recordFaults("processor-sigkill", {
        faultsInjected: kills,
        eventsAcknowledged: acknowledged,
        eventsApplied: await applied(),
        alertsExpected: 0,
        alertsDelivered: 0,
        crashes,
      });
    } finally {
      await child.kill("SIGTERM");
      await admin.disconnect();
      await producer.disconnect();
      redis.disconnect();
    }
  });
});
