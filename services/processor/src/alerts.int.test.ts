import { describe, expect, it } from "vitest";
import { AlertRecord, topicNames, type CanonicalEvent } from "@sg/events";
import { createKafka, createProducer, logLevel } from "@sg/kafka";
import { createRedis } from "@sg/redis";
import { holdsFor, pollUntil, testInfra, uniqueName } from "@sg/test";
import { silentLog } from "./log.js";
import { createProcessor } from "./processor.js";
import { ensurePipelineTopics } from "@sg/events/runtime";

/**
 * metrics.md "Alerts": state changes go to sg.alerts keyed by identity. A deadline fires from the
 * processor's clock with no new event, also after a restart; a late reply that arrives afterwards
 * corrects the miss and resolves the alert.
 */
describe("metric alerts on sg.alerts", () => {
  it("fires on a missed deadline after a restart, and resolves when a late reply corrects it", async () => {
    const { brokers, redisUrl } = testInfra();
    const run = uniqueName("alerts");
    const topics = topicNames(`${run}.`);
    const kafka = createKafka({ brokers, clientId: run, logLevel: logLevel.NOTHING });
    const redis = createRedis(redisUrl);
    await ensurePipelineTopics(kafka, topics, 2);
    const ev = (id: string, type: string, at: string, extra: Record<string, unknown>) =>
      ({ id, type, platform: "kuaishou", shopId: "a1", at, consumerId: "u", ...extra }) as unknown as CanonicalEvent;
    const producer = createProducer(kafka);
    await producer.connect();
    const send = (xs: CanonicalEvent[]) =>
      producer.send({ topic: topics.events, messages: xs.map((e) => ({ key: "kuaishou:a1", value: JSON.stringify(e) })) });

    let clock = Date.parse("2026-03-02T10:00:30+08:00");
    const records: AlertRecord[] = [];
    const reader = kafka.consumer({ groupId: `${run}-reader` });
    await reader.connect();
    await reader.subscribe({ topic: topics.alerts, fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void records.push(AlertRecord.parse(JSON.parse(message.value!.toString()))) });
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

    let p = createProcessor(opts);
    try {
      await p.start();
      await send([
        ev("t", "chat.transferred", "2026-03-02T10:00:00+08:00", {}),
        ev("m", "chat.message", "2026-03-02T10:00:10+08:00", { sender: "consumer" }),
      ]);
      await pollUntil(() => p.handled >= 2, { timeoutMs: 30_000 });
      await p.flush();
      // One consumer, wait pending until 10:03:10: 1/1, nothing firing yet.
      expect(records.filter((r) => r.metric === "human_reply_3min_rate")).toEqual([]);
      await holdsFor(() => !records.some((r) => r.metric === "human_reply_3min_rate"), { message: "no human_reply_3min_rate record" });
      await p.stop();

      // Restart with the clock past the deadline and no new event: the stored deadline fires.
      clock = Date.parse("2026-03-02T10:05:00+08:00");
      p = createProcessor(opts);
      await p.start();
      const firing = await pollUntil(
        () => records.find((r) => r.metric === "human_reply_3min_rate" && r.kind === "threshold" && r.status === "firing"),
        { timeoutMs: 30_000, message: "threshold alert firing" },
      );
      expect(firing).toMatchObject({ platform: "kuaishou", shopId: "a1", severity: "critical", value: 0, threshold: 0.7 });
      // seq is the evaluation clock (never reused, even after Redis lost the stored states).
      expect(firing.seq).toBe(clock);

      // A late reply, timestamped inside the 3 minutes, arrives now: the miss is corrected.
      await send([ev("r", "chat.message", "2026-03-02T10:02:00+08:00", { sender: "agent" })]);
      const resolved = await pollUntil(
        () => records.find((r) => r.metric === "human_reply_3min_rate" && r.kind === "threshold" && r.status === "resolved"),
        { timeoutMs: 30_000, message: "alert resolved" },
      );
      expect(resolved).toMatchObject({ value: 1, seq: firing.seq + 1 });
      // Re-sending the same events changes nothing: no third record.
      await send([ev("r", "chat.message", "2026-03-02T10:02:00+08:00", { sender: "agent" })]);
      await p.flush();
      expect(records.filter((r) => r.metric === "human_reply_3min_rate" && r.kind === "threshold")).toHaveLength(2);
      await holdsFor(() => records.filter((r) => r.metric === "human_reply_3min_rate" && r.kind === "threshold").length === 2, {
        message: "exactly two threshold records",
      });
    } finally {
      await p.stop();
      await reader.disconnect();
      await producer.disconnect();
      redis.disconnect();
    }
  });
});
