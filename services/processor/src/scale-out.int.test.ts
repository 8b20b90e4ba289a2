// Many instances, same numbers: three processors and two notifiers share one stream; a fourth
// processor joins mid-stream and one is SIGKILLed mid-stream. The final metrics equal a single-instance
// run (the pure engine over the whole stream) exactly, and the robot receives each notification once.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { shopKey, topicNames, type CanonicalEvent, type Platform } from "@sg/events";
import { createKafka, createProducer, logLevel, type Kafka } from "@sg/kafka";
import { createRedis, deleteByPrefix } from "@sg/redis";
import { pollUntil, testInfra, uniqueName } from "@sg/test";
import { startWebhookReceiver } from "../../../test/robots/index.js";
import { evaluateShop } from "./engine/index.js";
import { createSnapshotReader } from "./publish/snapshot-reader.js";
import { randomStream } from "./testing/random-events.js";
import { ensurePipelineTopics } from "@sg/events/runtime";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const PLATFORMS: Platform[] = ["kuaishou", "douyin", "jd", "pdd"];
const PARTITIONS = 12;

function startService(service: "processor" | "notifier", env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", `services/${service}/src/main.ts`], {
    cwd: root,
    env: { ...process.env, ...env, LOG_LEVEL: process.env.SCALE_LOG ?? "warn" },
    stdio: ["ignore", process.env.SCALE_LOG ? "inherit" : "ignore", "inherit"],
  });
}

/** Records of `topic` committed by `groupId`, summed over partitions; what the processors have applied to Redis. */
async function committed(kafka: Kafka, groupId: string, topic: string): Promise<{ done: number; total: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const high = await admin.fetchTopicOffsets(topic);
    const done = (offsets?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    const total = high.reduce((n, p) => n + Number(p.high), 0);
    return { done, total };
  } finally {
    await admin.disconnect();
  }
}

async function members(kafka: Kafka, groupId: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return groups[0]?.state === "Stable" ? groups[0].members.length : -1;
  } finally {
    await admin.disconnect();
  }
}

// Six child processes take a minute or two: in `npm run test:scale` and `npm run test:cluster`, not in every `npm test`.
const enabled = process.env.SG_TEST_SCALE === "1" || process.env.SG_TEST_REDIS === "cluster";

describe.runIf(enabled)("scale-out", () => {
  it(
    "3 processors (+1 joining, 1 SIGKILLed) and 2 notifiers: same metrics as one run, each notification once",
    { timeout: 400_000 },
    async () => {
      const { brokers, redisUrl } = testInfra();
      const run = uniqueName("scale");
      const topics = topicNames(`${run}.`);
      const kafka = createKafka({ brokers, clientId: run, logLevel: logLevel.NOTHING });
      await ensurePipelineTopics(kafka, topics, PARTITIONS);
      const hook = await startWebhookReceiver();
      const dir = mkdtempSync(join(tmpdir(), "sg-scale-"));
      const configPath = join(dir, "scoreguard.json");
      // One group per shop; its first notification goes out 2 s after its first alert, and nothing else within
      // the test (group_interval 1 h), so every group that ever fires sends exactly one message.
      writeFileSync(
        configPath,
        JSON.stringify({
          receivers: { hook: { type: "webhook", url: hook.url } },
          routes: [{ receivers: ["hook"], groupWait: "2s", groupInterval: "1h" }],
        }),
      );
      const startMs = Date.now() - 20 * 86_400_000;
      const events: CanonicalEvent[] = [];
      for (let s = 0; s < 24; s++) {
        events.push(...randomStream({ seed: 500 + s, platform: PLATFORMS[s % 4]!, shopId: `m${s}`, startMs, consumers: 25, orders: 25 }));
      }
      // Shuffled, so every chunk touches every shop: the kill and the join land in the middle of each shop's stream.
      let seed = 7;
      const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const shuffled = events
        .map((e) => ({ e, k: rnd() }))
        .sort((a, b) => a.k - b.k)
        .map((x) => x.e);
      const third = Math.floor(shuffled.length / 3);
      const producer = createProducer(kafka);
      await producer.connect();
      const send = (xs: CanonicalEvent[]) =>
        producer.send({ topic: topics.events, messages: xs.map((e) => ({ key: shopKey(e), value: JSON.stringify(e) })) });
      const common = {
        KAFKA_BROKERS: brokers.join(","),
        REDIS_URL: redisUrl,
        TOPIC_PREFIX: `${run}.`,
        KEY_PREFIX: run,
        SCOREGUARD_CONFIG: configPath,
      };
      const processorEnv = { ...common, PROCESSOR_GROUP: run, PROCESSOR_PORT: "0", EVENTS_PARTITIONS: String(PARTITIONS) };
      const notifierEnv = { ...common, NOTIFIER_GROUP: `${run}-n`, NOTIFIER_PORT: "0", NOTIFIER_TICK_MS: "200" };
      const children: ChildProcess[] = [];
      const redis = createRedis(redisUrl);
      try {
        for (let i = 0; i < 3; i++) children.push(startService("processor", processorEnv));
        for (let i = 0; i < 2; i++) children.push(startService("notifier", notifierEnv));
        await pollUntil(async () => (await members(kafka, run)) === 3, {
          timeoutMs: 120_000,
          intervalMs: 500,
          message: "three processors in the group",
        });

        await send(shuffled.slice(0, third));
        await pollUntil(async () => (await committed(kafka, run, topics.events)).done > 0, {
          timeoutMs: 60_000,
          intervalMs: 250,
          message: "processing started",
        });
        // A fourth processor joins while the first third is being processed.
        children.push(startService("processor", processorEnv));
        await send(shuffled.slice(third, 2 * third));
        await pollUntil(async () => (await members(kafka, run)) === 4, {
          timeoutMs: 120_000,
          intervalMs: 250,
          message: "the fourth processor joined",
        });

        // One of the first three dies without any chance to clean up while the last third arrives.
        const sending = send(shuffled.slice(2 * third));
        const victim = children[0]!;
        const exited = new Promise((r) => victim.once("exit", r));
        victim.kill("SIGKILL");
        await sending;
        await exited;
        expect((await committed(kafka, run, topics.events)).done).toBeLessThan(events.length);

        await pollUntil(
          async () => {
            const c = await committed(kafka, run, topics.events);
            return c.total === events.length && c.done === c.total;
          },
          { timeoutMs: 180_000, intervalMs: 500, message: "every event applied (committed offsets at the end of every partition)" },
        );

        // Metrics: Redis state read back equals the pure engine over the whole stream, shop by shop.
        const asOf = Date.now();
        const reader = createSnapshotReader({ redis, keyPrefix: run, config: {} });
        const shops = [...new Set(events.map((e) => shopKey(e)))];
        const firingShops: string[] = [];
        for (const k of shops) {
          const i = k.indexOf(":");
          const platform = k.slice(0, i) as Platform;
          const shopId = k.slice(i + 1);
          const want = evaluateShop({ platform, shopId, events: events.filter((e) => shopKey(e) === k), asOf }).snapshot;
          expect(await reader.shop(platform, shopId, asOf), k).toEqual(want);
          if (want.alerts.length > 0) firingShops.push(shopId);
        }
        expect(firingShops.length).toBeGreaterThan(0);

        // Notifications: every shop firing at the end has had its group's message; then nothing more comes.
        const groupShop = (groupKey: string) => /shop=[^:]*:([^|}"]+)/.exec(decodeURIComponent(groupKey))?.[1];
        await pollUntil(() => firingShops.every((s) => hook.bodies.some((b) => groupShop(b.groupKey) === s)), {
          timeoutMs: 90_000,
          intervalMs: 250,
          message: "a notification for every firing shop",
        });
        await new Promise((r) => setTimeout(r, 5_000));
        const perGroup = new Map<string, number>();
        for (const b of hook.bodies) perGroup.set(b.groupKey, (perGroup.get(b.groupKey) ?? 0) + 1);
        expect([...perGroup].filter(([, n]) => n !== 1)).toEqual([]);
        expect(hook.received).toHaveLength(hook.bodies.length);
      } finally {
        for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
        await producer.disconnect();
        await deleteByPrefix(redis, run);
        redis.disconnect();
        await hook.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
