import { describe, expect, it } from "vitest";
import { shopKey, topicNames, type CanonicalEvent, type Platform } from "@sg/events";
import { createKafka, createProducer, logLevel } from "@sg/kafka";
import { createRedis } from "@sg/redis";
import { pollUntil, testInfra, uniqueName } from "@sg/test";
import { faultLedger } from "../../../test/src/faults/summary.js";
import { startService, type ServiceProcess } from "../../../test/src/faults/processes.js";
import { evaluateShop } from "./engine/index.js";
import { createSnapshotReader } from "./publish/snapshot-reader.js";
import { randomStream } from "./testing/random-events.js";
import { processorEnv } from "./testing/test-processor.js";
import { ensurePipelineTopics } from "@sg/events/runtime";

/**
 * The processor process SIGKILLed with a batch in flight: Redis has applied the batch and its offset is not
 * committed yet. The test-only knob SG_TEST_PAUSE_BEFORE_COMMIT_MS (env.ts) holds each batch in that window
 * and logs it; the test kills the process on such a line, checks that the kill came inside the window (before
 * the pause ran out, with the batch's offset still uncommitted), and starts the process again. After the last
 * restart (without the pause) every acknowledged event (acks=-1 on sg.events) is applied, and every shop's
 * state equals the pure engine over its stream: the batches applied twice changed nothing.
 */
const PLATFORMS: Platform[] = ["kuaishou", "douyin", "jd", "pdd"];
const KILLS = 4;
const PAUSE_MS = 4_000;
const IN_FLIGHT = "test pause: batch applied, offset not committed";

interface InFlight {
  partition: number;
  firstOffset: string;
  lastOffset: string;
  /** When the process logged it (epoch ms). */
  atMs: number;
}

/** The batches a process said it holds applied and uncommitted, in order. */
function inFlightBatches(output: string): InFlight[] {
  const out: InFlight[] = [];
  for (const line of output.split("\n")) {
    if (!line.includes(IN_FLIGHT)) continue;
    const l = JSON.parse(line) as { partition: number; firstOffset: string; lastOffset: string; time: string | number };
    out.push({ partition: l.partition, firstOffset: l.firstOffset, lastOffset: l.lastOffset, atMs: new Date(l.time).getTime() });
  }
  return out;
}

describe("processor SIGKILL with a batch in flight", () => {
  it("loses no acknowledged event when killed between a batch's apply and its commit, again and again", async () => {
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
    const env = { ...processorEnv({ brokers, redisUrl, run, partitions: 4 }), LOG_LEVEL: "warn" };
    const paused = { ...env, SG_TEST_PAUSE_BEFORE_COMMIT_MS: String(PAUSE_MS) };
    const redis = createRedis(redisUrl);
    const shops = [...new Set(events.map((e) => shopKey(e)))];
    const split = (k: string) => ({ platform: k.slice(0, k.indexOf(":")), shopId: k.slice(k.indexOf(":") + 1) });
    // Offsets are committed only after Redis applied their batch: the group's committed offsets count the
    // events applied (engine v2 keeps no per-event index to count them by).
    const admin = kafka.admin();
    await admin.connect();
    const committed = async () => {
      const [t] = await admin.fetchOffsets({ groupId: run, topics: [topics.events] });
      return new Map((t?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    };
    const applied = async () => [...(await committed()).values()].reduce((n, o) => n + Math.max(0, o), 0);
    const ledger = faultLedger("processor-sigkill-in-flight");
    ledger.set({ faultsPlanned: KILLS });
    let child: ServiceProcess = startService("services/processor/src/main.ts", paused);
    let inWindow = 0;
    let crashes = 0;
    const misses: string[] = [];
    const kills: string[] = [];
    let acknowledged = 0;
    try {
      const chunks = KILLS + 2;
      const size = Math.ceil(events.length / chunks);
      for (let c = 0; c < chunks; c++) {
        const part = events.slice(c * size, (c + 1) * size);
        await producer.send({ topic: topics.events, messages: part.map((e) => ({ key: shopKey(e), value: JSON.stringify(e) })) });
        acknowledged += part.length;
        ledger.set({ eventsAcknowledged: acknowledged });
        if (c >= KILLS) continue;
        // Kill on this process's first or second batch in flight: the second lets the first one commit, so the
        // kills land at different offsets, not always on the batch the previous process left uncommitted.
        const nth = 1 + (c % 2);
        const batch = await pollUntil(() => inFlightBatches(child.output())[nth - 1], {
          timeoutMs: 90_000,
          intervalMs: 20,
          message: `batch ${nth} in flight before kill ${c + 1}`,
        });
        if (child.exitedOnItsOwn) crashes++;
        await child.kill("SIGKILL");
        const killedAfterMs = Date.now() - batch.atMs;
        // Inside the window: the pause had not run out, and the group's committed offset of the batch's
        // partition is still at or before the batch's first offset.
        const at = (await committed()).get(batch.partition) ?? -1;
        const seen = `kill ${c + 1}: ${killedAfterMs} ms after partition ${batch.partition} offsets ${batch.firstOffset}-${batch.lastOffset} were applied; committed offset ${at}`;
        kills.push(seen);
        if (killedAfterMs < PAUSE_MS && at <= Number(batch.firstOffset)) inWindow++;
        else misses.push(seen);
        ledger.set({ faultsInjected: inWindow, crashes });
        // The last restart runs without the pause, so the stream is consumed at full speed to its end.
        child = startService("services/processor/src/main.ts", c === KILLS - 1 ? env : paused);
      }
      await pollUntil(async () => (await applied()) === events.length, { timeoutMs: 120_000 }).catch(() => undefined);
      if (child.exitedOnItsOwn) crashes++;
      ledger.set({ eventsApplied: await applied(), crashes });
      process.stderr.write(`processor-kill: ${kills.join("; ")}\n`);

      expect(acknowledged).toBe(events.length);
      expect(misses).toEqual([]);
      expect(inWindow).toBe(KILLS);
      expect(await applied()).toBe(events.length);
      const asOf = Date.now();
      const reader = createSnapshotReader({ redis, keyPrefix: run, config: {} });
      for (const k of shops) {
        const { platform, shopId } = split(k) as { platform: Platform; shopId: string };
        const want = evaluateShop({ platform, shopId, events: events.filter((e) => shopKey(e) === k), asOf }).snapshot;
        expect(await reader.shop(platform, shopId, asOf)).toEqual(want);
      }
      expect(crashes).toBe(0);
      ledger.finish();
    } finally {
      await child.kill("SIGTERM");
      await admin.disconnect();
      await producer.disconnect();
      redis.disconnect();
      if (process.env.FAULT_LOG) process.stderr.write(child.output());
    }
  });
});
