import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topicNames, type CanonicalEvent } from "@sg/events";
import { ensurePipelineTopics } from "@sg/events/runtime";
import type { KafkaClusterHandle } from "@sg/infra";
import { createKafka, createProducer, logLevel } from "@sg/kafka";
import { disputeBreach, uniqueName } from "@sg/test";
import { createKafkaEventSink } from "../../services/gateway/src/kafka-sink.js";
import { startReplicatedKafka } from "./replicated-infra.js";
import { topicRecords } from "./topic-records.js";

/**
 * The gateway answers 202 only once Kafka holds the events (docs/operations.md "Replicated Kafka and Redis").
 * A produce request can fail after the leader appended it: acks=all timed out because the followers did not
 * copy it in time, or the leader died before answering. The records may then be in the log (they are
 * committed once the followers catch up). The next send to that partition must still land, not be taken for
 * the failed one: kafkajs 2.2.4's idempotent producer rolls a failed request's sequence numbers back, so the
 * next send reused them and the broker answered it as a duplicate of the failed batch (same producer id, same
 * sequence range), acknowledged without writing a record. That was issue 22's lost shop.
 */
let kafka: KafkaClusterHandle;
const say = (m: string) => process.stderr.write(`producer-sequence: ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const asEvents = (shopId: string, tag: string) => disputeBreach(shopId, Date.now(), tag) as unknown as CanonicalEvent[];

beforeAll(async () => {
  kafka = await startReplicatedKafka(say);
});
afterAll(async () => {
  await kafka?.stop();
});

describe("gateway producer across a failed acks=all request", () => {
  it("a send acknowledged after a failed one has its records in the topic", { timeout: 300_000 }, async () => {
    const run = uniqueName("seq");
    const topics = topicNames(`${run}.`);
    const client = createKafka({ brokers: kafka.brokers, clientId: run, logLevel: logLevel.NOTHING });
    await ensurePipelineTopics(client, topics, 1);
    const admin = client.admin();
    const producer = createProducer(client);
    await Promise.all([admin.connect(), producer.connect()]);
    // One producer, two answers' patience: the first send gives up while the followers are stopped, the
    // second waits for them.
    const impatient = createKafkaEventSink(producer, topics, { timeoutMs: 1500 });
    const patient = createKafkaEventSink(producer, topics, { timeoutMs: 30_000 });
    const [warm, a, b] = [asEvents(`${run}-w`, `${run}-w`), asEvents(`${run}-a`, `${run}-a`), asEvents(`${run}-b`, `${run}-b`)];
    const stopped: number[] = [];
    try {
      await patient.publish(warm);
      const meta = await admin.fetchTopicMetadata({ topics: [topics.events] });
      const p0 = meta.topics[0]!.partitions[0]!;
      const followers = p0.replicas.filter((n) => n !== p0.leader);
      expect(followers.length).toBe(2);
      // The followers stopped: the leader appends a send but cannot commit it (min.insync.replicas 2).
      for (const n of followers) {
        const pid = kafka.pidOf(n);
        if (pid === undefined) throw new Error(`kafka node ${n} not running`);
        process.kill(pid, "SIGSTOP");
        stopped.push(pid);
      }
      const first = await impatient.publish(a).then(
        () => "acknowledged",
        (err: unknown) => (err instanceof Error ? err.name : String(err)),
      );
      say(`send A with the followers stopped: ${first}`);
      const second = patient.publish(b).then(
        () => "acknowledged",
        (err: unknown) => (err instanceof Error ? err.name : String(err)),
      );
      await sleep(500);
      for (const pid of stopped.splice(0)) process.kill(pid, "SIGCONT");
      const bOutcome = await second;
      say(`send B, followers resumed 0.5 s after it: ${bOutcome}`);
      // Let A's own retries (kafkajs goes on after the answer) settle before reading.
      await sleep(3000);
      const records = await topicRecords(client, admin, topics.events);
      const ids = new Set(records.map((r) => (JSON.parse(r.value) as { id: string }).id));
      const count = (evs: CanonicalEvent[]) => evs.filter((e) => ids.has(e.id)).length;
      say(
        `in the topic: warm-up ${count(warm)}/${warm.length}, A ${count(a)}/${a.length}, B ${count(b)}/${b.length}; ${records.length} records`,
      );
      expect(first).not.toBe("acknowledged");
      expect(bOutcome).toBe("acknowledged");
      // Acknowledged, so every record of B is in the topic.
      expect(count(b)).toBe(b.length);
    } finally {
      for (const pid of stopped) process.kill(pid, "SIGCONT");
      await Promise.all([producer.disconnect(), admin.disconnect()]);
    }
  });
});
