import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topicNames, type CanonicalEvent } from "@sg/events";
import { ensurePipelineTopics } from "@sg/events/runtime";
import { createKafka, createProducer, logLevel, type Admin } from "@sg/kafka";
import { createRedis, type Redis, type RedisNode } from "@sg/redis";
import { disputeBreach, DISPUTE_AFTERSALES, DISPUTE_FACTS_PER_AFTERSALE, pollUntil, uniqueName } from "@sg/test";
import { evaluateShop } from "../../services/processor/src/engine/index.js";
import { createSnapshotReader } from "../../services/processor/src/publish/snapshot-reader.js";
// Where infra records a started redis-server's pid; not part of @sg/infra's public surface.
import { redisStateFile } from "../../infra/src/paths.js";
import { startWebhookReceiver, type AmBody } from "../robots/index.js";
import { NOTIFICATION_ID_HEADER } from "../../services/notifier/src/channels/webhook/webhook.channel.js";
import { criticalToWebhookConfig, freePort, startService, type ServiceProcess } from "../src/faults/processes.js";
import { faultLedger } from "../src/faults/summary.js";
import {
  aMasterAndItsReplica,
  startReplicatedInfra,
  waitForPromotion,
  waitReplicaLinked,
  type ReplicatedInfra,
} from "./replicated-infra.js";
import { partitionOffsets, topicRecords } from "./topic-records.js";

/**
 * Replicated Kafka (3 KRaft nodes, RF 3, min.insync.replicas 2) and Redis Cluster (3 masters, 3 replicas):
 * any one node may die under load and nothing acknowledged is lost (docs/operations.md "Replicated Kafka and Redis").
 */
let infra: ReplicatedInfra;
const say = (m: string) => process.stderr.write(`failover: ${m}\n`);

beforeAll(async () => {
  infra = await startReplicatedInfra(say);
  say(`Kafka ${infra.kafka.brokers.join(",")}, Redis ${infra.redis.url}`);
});
afterAll(async () => {
  await infra?.stop();
});

const pidOfRedis = (url: string) => (JSON.parse(readFileSync(redisStateFile(Number(new URL(url).port)), "utf8")) as { pid: number }).pid;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const asEvents = (shopId: string, t: number, tag: string) => disputeBreach(shopId, t, tag) as unknown as CanonicalEvent[];

/** Sum of a consumer group's committed offsets on `topic`: the processor commits only what Redis applied. */
async function committed(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (t?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
}

/** The shop's state in Redis against the pure engine over `events`, at one moment. */
async function sameAsEngine(redis: Redis, keyPrefix: string, shopId: string, events: CanonicalEvent[]): Promise<boolean> {
  const asOf = Date.now();
  const got = await createSnapshotReader({ redis, keyPrefix, config: {} }).shop("kuaishou", shopId, asOf);
  const want = evaluateShop({ platform: "kuaishou", shopId, events, asOf }).snapshot;
  return isDeepStrictEqual(got, want);
}

/** For a failing run: each shop's dead letters and stored state, and the services' warning lines. */
async function explainMismatches(o: {
  kafka: ReturnType<typeof createKafka>;
  admin: Admin;
  redis: Redis;
  keyPrefix: string;
  dlq: string;
  /** sg.events and the processors' group: where a shop's records are and how far the group committed. */
  events: string;
  groupId: string;
  shops: string[];
  t0: number;
  all: ServiceProcess[];
}): Promise<string> {
  const lines: string[] = [];
  const dead = (await o.admin.fetchTopicOffsets(o.dlq)).reduce((n, p) => n + Number(p.high), 0);
  const reasons = new Map<string, string[]>();
  if (dead > 0) {
    const consumer = o.kafka.consumer({ groupId: uniqueName("explain") });
    let seen = 0;
    await consumer.connect();
    await consumer.subscribe({ topics: [o.dlq], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen++;
        const text = message.value?.toString("utf8") ?? "";
        for (const s of o.shops)
          if (text.includes(`"shopId":"${s}"`) || text.includes(`kuaishou:${s}"`))
            reasons.set(s, [...(reasons.get(s) ?? []), text.slice(0, 300)]);
      },
    });
    await pollUntil(() => seen >= dead, { timeoutMs: 30_000, message: "dead letters read" }).catch(() => undefined);
    await consumer.disconnect();
  }
  lines.push(`dead letters in ${o.dlq}: ${dead}`);
  // Were the shop's records in sg.events at all, and did the group commit past them?
  lines.push(
    `${o.events} (group ${o.groupId}): ${await partitionOffsets(o.admin, o.groupId, o.events).catch((err: unknown) => String(err))}`,
  );
  const inTopic = await topicRecords(o.kafka, o.admin, o.events).catch((err: unknown) => String(err));
  for (const s of o.shops) {
    if (typeof inTopic === "string") {
      lines.push(`${s}: records of ${o.events} not read: ${inTopic}`);
      continue;
    }
    const mine = inTopic.filter((r) => r.key === `kuaishou:${s}`);
    const at = [...new Set(mine.map((r) => `p${r.partition}@${r.offset}`))];
    const ids = new Set(mine.map((r) => (JSON.parse(r.value) as { id?: string }).id));
    lines.push(`${s}: ${mine.length} records in ${o.events} (${ids.size} distinct ids) at ${at.slice(0, 30).join(" ") || "nowhere"}`);
  }
  for (const s of o.shops) {
    const got = await createSnapshotReader({ redis: o.redis, keyPrefix: o.keyPrefix, config: {} }).shop("kuaishou", s, Date.now());
    const keys = await o.redis.keys(`${o.keyPrefix}:{kuaishou:${s}}:*`).catch(() => [] as string[]);
    lines.push(
      `${s}: state ${got === null ? "none" : JSON.stringify(got).slice(0, 400)}; keys ${keys.length}; dead letters: ${(reasons.get(s) ?? []).join(" | ") || "none"}`,
    );
  }
  for (const [i, p] of o.all.entries()) {
    const warn = p
      .output()
      .split("\n")
      .filter((l) => /"level":(40|50|60)|warn|error/i.test(l))
      .slice(-15);
    if (warn.length > 0) lines.push(`process ${i}:`, ...warn.map((l) => `  ${l.slice(0, 300)}`));
  }
  return lines.join("\n");
}

/**
 * A batch applied on a master whose replica has not copied it, its offset committed, then the master killed
 * and the replica promoted. The replica is held back deterministically: SIGSTOPped, and its link dropped by
 * the master (CLIENT KILL TYPE replica), so nothing written afterwards reaches it until the master is dead.
 */
async function lossScenario(minReplicas: 0 | 1): Promise<{ lost: boolean; committedWhileHeld: number; total: number }> {
  const run = uniqueName(`loss${minReplicas}`);
  const topics = topicNames(`${run}.`);
  const kafka = createKafka({ brokers: infra.kafka.brokers, clientId: run, logLevel: logLevel.NOTHING });
  await ensurePipelineTopics(kafka, topics, 1);
  const producer = createProducer(kafka);
  const admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
  const redis = createRedis(infra.redis.url);
  const shopId = `${run}-shop`;
  const events = asEvents(shopId, Date.now(), run);
  const [a, b] = [events.slice(0, 6), events.slice(6)];
  const send = (part: CanonicalEvent[]) =>
    producer.send({ topic: topics.events, messages: part.map((e) => ({ key: `kuaishou:${shopId}`, value: JSON.stringify(e) })) });
  const proc = startService("services/processor/src/main.ts", {
    KAFKA_BROKERS: infra.kafka.brokers.join(","),
    REDIS_URL: infra.redis.url,
    TOPIC_PREFIX: `${run}.`,
    KEY_PREFIX: run,
    PROCESSOR_GROUP: run,
    PROCESSOR_PORT: "0",
    EVENTS_PARTITIONS: "1",
    REDIS_MIN_REPLICAS_ACK: String(minReplicas),
    REDIS_REPLICA_ACK_TIMEOUT_MS: "500",
    LOG_LEVEL: "error",
  });
  let stopped: number | undefined;
  try {
    await send(a);
    await pollUntil(async () => (await committed(admin, run, topics.events)) === a.length, {
      timeoutMs: 120_000,
      message: "batch A applied",
    });
    // The master holding the shop's keys (all under its hash tag), and its replica.
    const { master, replica } = await pollUntil(
      async () => {
        for (const url of infra.redis.serverUrls) {
          const n = createRedis(url, { maxRetriesPerRequest: 0 }) as RedisNode;
          try {
            const role = await n.info("replication").catch(() => "");
            if (/role:master/.test(role) && (await n.keys(`${run}:{kuaishou:${shopId}}:*`).catch(() => [])).length > 0) {
              return await aMasterAndItsReplica(infra.redis.serverUrls, url);
            }
          } finally {
            n.disconnect();
          }
        }
        return undefined;
      },
      { timeoutMs: 30_000, message: "the master holding the shop" },
    );
    stopped = pidOfRedis(replica.url);
    process.kill(stopped, "SIGSTOP");
    const m = createRedis(master.url) as RedisNode;
    await m.call("CLIENT", "KILL", "TYPE", "replica");
    m.disconnect();
    await send(b);
    // Off: B is applied and committed on the master alone. On: the WAIT falls short, nothing is committed.
    if (minReplicas === 0)
      await pollUntil(async () => (await committed(admin, run, topics.events)) === events.length, {
        timeoutMs: 60_000,
        message: "batch B committed without a replica",
      });
    else await sleep(6000);
    const committedWhileHeld = await committed(admin, run, topics.events);
    await infra.redis.kill(master.url);
    process.kill(stopped, "SIGCONT");
    stopped = undefined;
    await waitForPromotion(infra.redis.serverUrls, replica.url);
    await infra.redis.restart(master.url);
    await waitReplicaLinked(master.url);
    await pollUntil(async () => (await committed(admin, run, topics.events)) === events.length, {
      timeoutMs: 120_000,
      message: "every event committed after the failover",
    });
    // Give a retried batch time to land before reading (it was committed, so it has landed if it ever will).
    await sleep(1000);
    const lost = !(await sameAsEngine(redis, run, shopId, events));
    expect(proc.exitedOnItsOwn).toBe(false);
    return { lost, committedWhileHeld, total: events.length };
  } finally {
    if (stopped !== undefined) process.kill(stopped, "SIGCONT");
    await proc.kill("SIGTERM");
    await Promise.all([producer.disconnect(), admin.disconnect()]);
    redis.disconnect();
  }
}

describe("Redis failover with and without the replica wait", () => {
  it("REDIS_MIN_REPLICAS_ACK=0 loses an acknowledged batch; =1 keeps it", { timeout: 600_000 }, async () => {
    const off = await lossScenario(0);
    say(`replica wait off: ${off.committedWhileHeld}/${off.total} committed while the replica was held back; state lost: ${off.lost}`);
    const on = await lossScenario(1);
    say(`replica wait on:  ${on.committedWhileHeld}/${on.total} committed while the replica was held back; state lost: ${on.lost}`);
    const demo = faultLedger("redis-loss-demo");
    demo.set({
      faultsInjected: 2,
      eventsAcknowledged: off.total + on.total,
      eventsApplied: (off.lost ? off.total / 2 : off.total) + (on.lost ? on.total / 2 : on.total),
      alertsExpected: 0,
      alertsDelivered: 0,
      crashes: 0,
    });
    // Without the wait the batch is committed on the master alone and the promoted replica never gets it.
    expect(off.committedWhileHeld).toBe(off.total);
    expect(off.lost).toBe(true);
    // With it, nothing is committed until a replica holds it, and the batch is applied again after the failover.
    expect(on.committedWhileHeld).toBeLessThan(on.total);
    expect(on.lost).toBe(false);
    demo.finish();
  });
});

type Answer = { shopId: string; status: number | "error"; sentAt: number; doneAt: number };

describe("one node at a time under load: Kafka broker, Redis master, processor, notifier", () => {
  it(
    "acknowledges only what Kafka holds, applies it exactly once, alerts exactly once, recovers readiness",
    { timeout: 900_000 },
    async () => {
      const run = uniqueName("fo");
      const hook = await startWebhookReceiver();
      const { token, configPath } = criticalToWebhookConfig(run, hook.url);
      const topics = topicNames(`${run}.`);
      const common = {
        KAFKA_BROKERS: infra.kafka.brokers.join(","),
        REDIS_URL: infra.redis.url,
        SCOREGUARD_CONFIG: configPath,
        TOPIC_PREFIX: `${run}.`,
        KEY_PREFIX: run,
        EVENTS_PARTITIONS: "6",
        REDIS_MIN_REPLICAS_ACK: "1",
        REDIS_REPLICA_ACK_TIMEOUT_MS: "1000",
        LOG_LEVEL: "warn",
      };
      const kafka = createKafka({ brokers: infra.kafka.brokers, clientId: `${run}-check`, logLevel: logLevel.NOTHING });
      await ensurePipelineTopics(kafka, topics, 6);
      const admin = kafka.admin();
      await admin.connect();
      const redis = createRedis(infra.redis.url);
      const gwPort = await freePort();
      const gwOps = await freePort();
      const gateway = startService("services/gateway/src/main.ts", {
        ...common,
        GATEWAY_PORT: String(gwPort),
        GATEWAY_OPS_PORT: String(gwOps),
        PRODUCE_TIMEOUT_MS: "3000",
      });
      const procPorts = [await freePort(), await freePort()];
      const notifPorts = [await freePort(), await freePort()];
      const startProcessor = (i: number) =>
        startService("services/processor/src/main.ts", { ...common, PROCESSOR_GROUP: `${run}-proc`, PROCESSOR_PORT: String(procPorts[i]) });
      const startNotifier = (i: number) =>
        startService("services/notifier/src/main.ts", {
          ...common,
          NOTIFIER_GROUP: `${run}-notif`,
          NOTIFIER_PORT: String(notifPorts[i]),
          NOTIFIER_TICK_MS: "200",
          // Its "group flushed" lines (info) explain a duplicate, should one happen.
          LOG_LEVEL: "info",
        });
      const processors: ServiceProcess[] = [startProcessor(0), startProcessor(1)];
      const notifiers: ServiceProcess[] = [startNotifier(0), startNotifier(1)];
      /** Every process that ever ran, to count those that exited on their own. */
      const all: ServiceProcess[] = [gateway, ...processors, ...notifiers];
      const readyz = async (port: number) =>
        fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(10_000) }).then(
          async (r) => (await r.text(), r.status),
          () => 0,
        );
      const opsPorts = [gwOps, ...procPorts, ...notifPorts];
      const allReady = async () => (await Promise.all(opsPorts.map(readyz))).every((s) => s === 200);

      const answers: Answer[] = [];
      const acked = new Set<string>();
      const t0 = Date.now();
      let posted = 0;
      let faults = 0;
      let loading = true;
      const post = async () => {
        const shopId = `s${posted++}`;
        const sentAt = Date.now();
        const res = await fetch(`http://127.0.0.1:${gwPort}/v1/events`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify(disputeBreach(shopId, t0, `${run}-${shopId}`)),
          signal: AbortSignal.timeout(60_000),
        }).catch(() => undefined);
        if (res?.status === 202) acked.add(shopId);
        answers.push({ shopId, status: res?.status ?? "error", sentAt, doneAt: Date.now() });
        await res?.text();
      };
      const load = (async () => {
        await pollUntil(allReady, { timeoutMs: 240_000, intervalMs: 1000, message: "every service ready" });
        while (loading && posted < 5000) {
          await post();
          await sleep(100);
        }
      })();
      const ackedSince = (t: number) => answers.filter((a) => a.status === 202 && a.sentAt >= t).length;
      let processorNotReady = 0;
      const timeline: string[] = [];
      const mark = (m: string) => {
        timeline.push(`${((Date.now() - t0) / 1000).toFixed(1)}s ${m}`);
        say(m);
      };
      try {
        await pollUntil(() => acked.size >= 20, { timeoutMs: 300_000, intervalMs: 500, message: "load under way" });

        // 1. The leader of the busiest partition of sg.events, SIGKILLed, with a processor; restarted after 10 s.
        const ends = await admin.fetchTopicOffsets(topics.events);
        const busiest = ends.reduce((m, e) => (Number(e.high) > Number(m.high) ? e : m));
        const meta = await admin.fetchTopicMetadata({ topics: [topics.events] });
        const leader = meta.topics[0]!.partitions.find((p) => p.partitionId === busiest.partition)!.leader;
        mark(`SIGKILL Kafka node ${leader} (leader of partition ${busiest.partition}, ${busiest.high} records) and processor 0`);
        await Promise.all([infra.kafka.kill(leader, "SIGKILL"), processors[0]!.kill("SIGKILL")]);
        faults += 2;
        await sleep(10_000);
        const brokerBack = Date.now();
        await infra.kafka.restart(leader);
        processors[0] = startProcessor(0);
        all.push(processors[0]);
        mark(`Kafka node ${leader} and processor 0 restarted`);
        await pollUntil(() => ackedSince(brokerBack) >= 20, {
          timeoutMs: 300_000,
          intervalMs: 500,
          message: "202 again after the broker restart",
        });

        // 2. A Redis master SIGKILLed, with a notifier; its replica promoted; the old master restarted as a replica.
        const { master, replica } = await aMasterAndItsReplica(infra.redis.serverUrls);
        mark(`SIGKILL Redis master ${master.url} (replica ${replica.url}) and notifier 0`);
        await Promise.all([infra.redis.kill(master.url), notifiers[0]!.kill("SIGKILL")]);
        faults += 2;
        let watching = true;
        const watch = (async () => {
          while (watching) {
            for (const p of procPorts) if ((await readyz(p)) === 503) processorNotReady++;
            await sleep(500);
          }
        })();
        await waitForPromotion(infra.redis.serverUrls, replica.url);
        mark(`${replica.url} promoted`);
        await sleep(3000);
        await infra.redis.restart(master.url);
        await waitReplicaLinked(master.url);
        notifiers[0] = startNotifier(0);
        all.push(notifiers[0]);
        mark(`${master.url} back as a replica; notifier 0 restarted`);
        watching = false;
        await watch;
        const redisBack = Date.now();
        await pollUntil(() => ackedSince(redisBack) >= 20, {
          timeoutMs: 300_000,
          intervalMs: 500,
          message: "202 after the Redis failover",
        });
        loading = false;
        await load;
        mark(`load stopped: ${answers.length} POSTs, ${acked.size} acknowledged`);

        // Everything acknowledged applied (the group has consumed to the end) and delivered, then a quiet spell
        // in which a duplicate would show.
        await pollUntil(
          async () => {
            const ends = await admin.fetchTopicOffsets(topics.events);
            return (await committed(admin, `${run}-proc`, topics.events)) === ends.reduce((n, e) => n + Number(e.high), 0);
          },
          { timeoutMs: 300_000, intervalMs: 1000, message: "the processors consumed sg.events to the end" },
        ).catch((err: unknown) => mark(String(err)));
        // Delivery is at-least-once (alerts.md): a timeout after the robot took a message, or a notifier killed
        // between a send and its ack, sends the same notification again, under the same key (the
        // X-ScoreGuard-Notification-Id header). A receiver applies a key once, so this one does: an alert counts
        // once per distinct notification, and a second notification stating it is a duplicate. Resends are
        // counted and printed apart; a body without a key counts on its own.
        const delivered = () => {
          const seen = new Set<string>();
          const bodies: AmBody[] = [];
          const resent: string[] = [];
          hook.received.forEach((req, i) => {
            if (hook.answers[i] !== 200) return;
            const key = req.headers[NOTIFICATION_ID_HEADER];
            if (typeof key === "string" && seen.has(key)) resent.push(key);
            else bodies.push(req.json as AmBody);
            if (typeof key === "string") seen.add(key);
          });
          return { bodies, resent };
        };
        const deliveredCount = () => {
          const n = new Map<string, number>();
          for (const body of delivered().bodies)
            for (const a of body.alerts)
              if (a.status === "firing") {
                const s = a.labels.shop!.slice("kuaishou:".length);
                n.set(s, (n.get(s) ?? 0) + 1);
              }
          return n;
        };
        await pollUntil(() => [...acked].every((s) => deliveredCount().has(s)), {
          timeoutMs: 300_000,
          intervalMs: 1000,
          message: "an alert delivered for every acknowledged shop",
        }).catch((err: unknown) => mark(String(err)));
        await sleep(5000);
        const readyAtEnd = await pollUntil(allReady, { timeoutMs: 120_000, intervalMs: 1000, message: "every /readyz 200" }).then(
          () => true,
          () => false,
        );

        // A 202 says Kafka holds the events: every acknowledged shop's events are in sg.events.
        const inTopic = new Set((await topicRecords(kafka, admin, topics.events)).map((r) => (JSON.parse(r.value) as { id?: string }).id));
        const notInTopic = [...acked].filter((s) => !asEvents(s, t0, `${run}-${s}`).every((e) => inTopic.has(e.id)));
        const mismatched: string[] = [];
        for (const s of acked) if (!(await sameAsEngine(redis, run, s, asEvents(s, t0, `${run}-${s}`)))) mismatched.push(s);
        // What a mismatch looks like, so a failing run says where to look: the shop's dead letters, whether it
        // has state at all, and the services' warnings.
        if (mismatched.length > 0)
          say(
            await explainMismatches({
              kafka,
              admin,
              redis,
              keyPrefix: run,
              dlq: topics.dlq,
              events: topics.events,
              groupId: `${run}-proc`,
              shops: mismatched.slice(0, 5),
              t0,
              all,
            }),
          );
        const counts = deliveredCount();
        const deliveredOnce = [...acked].filter((s) => counts.get(s) === 1).length;
        const duplicates = [...counts].filter(([, n]) => n > 1).map(([s, n]) => `${s}×${n}`);
        const missing = [...acked].filter((s) => !counts.has(s));
        const crashes = all.filter((p) => p.exitedOnItsOwn).length;
        const refused = answers.filter((a) => a.status === 503).length;
        const other = answers.filter((a) => a.status !== 202 && a.status !== 503);
        const events = DISPUTE_AFTERSALES * DISPUTE_FACTS_PER_AFTERSALE;
        // A duplicate says where it came from: each body of the shop in order of arrival, and the notifiers'
        // lines about its group.
        for (const [s] of [...counts].filter(([, n]) => n > 1).slice(0, 3)) {
          const mine = hook.received
            .map((r, i) => ({ b: r.json as AmBody, i, key: r.headers[NOTIFICATION_ID_HEADER], answer: hook.answers[i] }))
            .filter(({ b }) => b?.groupLabels?.shop === `kuaishou:${s}`);
          // Group ids and notification ids hold the shop URI-encoded (`r0|shop=kuaishou%3As0#1`).
          const encoded = encodeURIComponent(`kuaishou:${s}`);
          say(
            [
              `duplicate ${s}: requests ${mine.map(({ i }) => `#${i}/${hook.received.length}`).join(", ")}`,
              ...mine.map(
                ({ b, key, answer }) =>
                  `  ${String(answer)} ${String(key)} ${b.status} ${b.groupKey} ${JSON.stringify(b.alerts.map((a) => ({ ...a.labels, startsAt: a.startsAt, ...a.annotations }))).slice(0, 400)}`,
              ),
              ...all.flatMap((p, i) =>
                p
                  .output()
                  .split("\n")
                  .filter((l) => l.includes(`kuaishou:${s}"`) || l.includes(`${encoded}#`) || l.includes(`${encoded}"`))
                  .slice(-10)
                  .map((l) => `  process ${i}: ${l.slice(0, 300)}`),
              ),
            ].join("\n"),
          );
        }
        // Why a notification went out again: the notifiers' lines naming it (a timed-out send logs its ids).
        for (const key of delivered().resent.slice(0, 5))
          say(
            [
              `sent again: ${key}`,
              ...all.flatMap((p, i) =>
                p
                  .output()
                  .split("\n")
                  .filter((l) => l.includes(JSON.stringify(key)))
                  .slice(-5)
                  .map((l) => `  process ${i}: ${l.slice(0, 300)}`),
              ),
            ].join("\n"),
          );
        // Recorded before the assertions, so the summary shows a shortfall.
        const ledger = faultLedger("replicated-failover");
        ledger.set({
          faultsInjected: faults,
          eventsAcknowledged: events * acked.size,
          eventsApplied: events * (acked.size - mismatched.length),
          alertsExpected: acked.size,
          alertsDelivered: deliveredOnce,
          crashes,
        });
        say(
          [
            ...timeline,
            `${answers.length} POSTs: ${acked.size} acknowledged, ${refused} answered 503, ${other.length} other`,
            `acknowledged shops with every event in ${topics.events}: ${acked.size - notInTopic.length}/${acked.size}${notInTopic.length ? ` (missing: ${notInTopic.slice(0, 20).join(", ")})` : ""}`,
            `state equal to the engine: ${acked.size - mismatched.length}/${acked.size}${mismatched.length ? ` (differs: ${mismatched.slice(0, 20).join(", ")})` : ""}`,
            `alerts delivered exactly once: ${deliveredOnce}/${acked.size}; duplicates: ${duplicates.slice(0, 20).join(", ") || "none"}; missing: ${missing.slice(0, 20).join(", ") || "none"}; notifications sent again under their key (at-least-once, applied once): ${delivered().resent.length}`,
            `processor /readyz 503 answers during the Redis failover: ${processorNotReady}; every /readyz 200 at the end: ${readyAtEnd}; crashes: ${crashes}`,
          ].join("\n"),
        );

        expect(other.map((a) => `${a.shopId}: ${a.status}`)).toEqual([]);
        expect(notInTopic).toEqual([]);
        expect(mismatched).toEqual([]);
        expect(missing).toEqual([]);
        expect(duplicates).toEqual([]);
        expect(crashes).toBe(0);
        expect(readyAtEnd).toBe(true);
        // The promoted master has no replica until the old one is back: the processors' writes cannot reach
        // one, so they say so on /readyz instead of acknowledging.
        expect(processorNotReady).toBeGreaterThan(0);
        ledger.finish();
      } finally {
        loading = false;
        await load.catch(() => undefined);
        await Promise.all(all.map((p) => p.kill("SIGTERM")));
        if (process.env.FAULT_LOG) for (const p of all) process.stderr.write(p.output());
        await hook.close();
        await admin.disconnect();
        redis.disconnect();
      }
    },
  );
});
