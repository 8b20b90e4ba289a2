import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { shopKey, topicNames, type CanonicalEvent, type Platform } from "@sg/events";
import { createKafka, createProducer, logLevel } from "@sg/kafka";
import { createRedis } from "@sg/redis";
import { pollUntil, testInfra, uniqueName } from "@sg/test";
import { evaluateShop } from "./engine/index.js";
import { createSnapshotReader } from "./publish/snapshot-reader.js";
import { randomStream } from "./testing/random-events.js";
import { ensurePipelineTopics } from "@sg/events/runtime";

/**
 * Crash test: SIGKILL the processor process halfway through a stream, start it again, and the
 * final state equals an uninterrupted run's (here: the pure engine over the whole stream).
 */
const root = fileURLToPath(new URL("../../../", import.meta.url));
const PLATFORMS: Platform[] = ["kuaishou", "douyin", "jd", "pdd"];

function startProcessor(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "services/processor/src/main.ts"], {
    cwd: root,
    env: { ...process.env, ...env, LOG_LEVEL: process.env.CRASH_LOG ?? "warn" },
    stdio: ["ignore", process.env.CRASH_LOG ? "inherit" : "ignore", "inherit"],
  });
}

describe("crash and restart", () => {
  it("a SIGKILLed processor, restarted, ends with exactly the uninterrupted result", { timeout: 300_000 }, async () => {
    const { brokers, redisUrl } = testInfra();
    const run = uniqueName("crash");
    const topics = topicNames(`${run}.`);
    const kafka = createKafka({ brokers, clientId: run, logLevel: logLevel.NOTHING });
    await ensurePipelineTopics(kafka, topics, 4);
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
    const producer = createProducer(kafka);
    await producer.connect();
    const send = (xs: CanonicalEvent[]) =>
      producer.send({ topic: topics.events, messages: xs.map((e) => ({ key: shopKey(e), value: JSON.stringify(e) })) });
    const env = {
      KAFKA_BROKERS: brokers.join(","),
      REDIS_URL: redisUrl,
      TOPIC_PREFIX: `${run}.`,
      KEY_PREFIX: run,
      PROCESSOR_GROUP: run,
      PROCESSOR_PORT: "0",
      EVENTS_PARTITIONS: "4",
    };
    const redis = createRedis(redisUrl);
    const shops = [...new Set(events.map((e) => shopKey(e)))];
    // Offsets are committed only after Redis applied their batch: the group's committed offsets count the
    // events applied (engine v2 keeps no per-event index to count them by).
    const admin = kafka.admin();
    await admin.connect();
    const applied = async () => {
      const [t] = await admin.fetchOffsets({ groupId: run, topics: [topics.events] });
      return (t?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    };
    let child = startProcessor(env);
    try {
      const t0 = Date.now();
      const mark = (what: string) => process.env.CRASH_LOG && console.error(`crash test: ${what} at +${Date.now() - t0} ms`);
      await send(events.slice(0, half));
      mark("first half sent");
      await pollUntil(async () => (await applied()) >= half, { timeoutMs: 60_000, message: "first half applied" });
      // Mid-stream: the second half is arriving when the process is killed without any chance to clean up.
      const sending = send(events.slice(half));
      mark("first half applied");
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await sending;
      await exited;
      expect(await applied()).toBeLessThan(events.length);

      child = startProcessor(env);
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
      await producer.disconnect();
      redis.disconnect();
    }
  });
});
