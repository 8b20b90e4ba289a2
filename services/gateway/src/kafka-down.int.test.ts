// With a real broker of this test's own that is stopped and started again: while Kafka is
// down the gateway answers 503 with Retry-After within its produce timeout (it used to take 14-82 s), never
// 202; once the broker is back it answers 202 again, and what it acknowledged is in the topic.
import { topicNames } from "@sg/events";
import { ensureKafka, KafkaPortBusyError, type KafkaHandle } from "@sg/infra";
import { createKafka, logLevel } from "@sg/kafka";
import { createLogger } from "@sg/logger";
import { pollUntil, testInfra, uniqueName } from "@sg/test";
import { Registry } from "prom-client";
import { afterAll, describe, expect, it } from "vitest";
import { startGatewayService, type GatewayService } from "./service.js";
import { TOKENS, paidEvent } from "../testing/test-support.js";

/** Ports for this test's broker, apart from the harness's (39092 + 100 i) and the default 9092. */
const PORTS = Array.from({ length: 10 }, (_, i) => 49_292 + 100 * i);
const PRODUCE_TIMEOUT_MS = 2_000;
/** The bound asserted on a 503: the produce timeout plus generous slack for a loaded two-core machine. */
const ANSWER_BOUND_MS = PRODUCE_TIMEOUT_MS + 8_000;

async function startOwnBroker(port?: number): Promise<KafkaHandle> {
  const log = () => undefined;
  for (const p of port === undefined ? PORTS : [port]) {
    try {
      return await ensureKafka({ port: p, fresh: port === undefined, reuse: false, stopWithProcess: process.pid, heap: "384m", log });
    } catch (err) {
      if (!(err instanceof KafkaPortBusyError)) throw err;
    }
  }
  throw new Error(`no free port for the test's own broker among ${PORTS.join(", ")}`);
}

describe("gateway with Kafka down", () => {
  let broker: KafkaHandle | undefined;
  let svc: GatewayService | undefined;
  afterAll(async () => {
    await svc?.stop().catch((err: unknown) => console.warn("gateway stop", err));
    await broker?.stop();
  }, 120_000);

  it(
    "answers 503 with Retry-After within the produce timeout while the broker is stopped, and 202 once it is back",
    { timeout: 420_000 },
    async () => {
      broker = await startOwnBroker();
      const port = Number(broker.brokers[0]!.split(":")[1]);
      const prefix = `${uniqueName("gw-down")}.`;
      svc = await startGatewayService({
        brokers: broker.brokers,
        redisUrl: testInfra().redisUrl,
        topicPrefix: prefix,
        keyPrefix: uniqueName("sg-down"),
        eventsPartitions: 1,
        port: 0,
        opsPort: 0,
        produceTimeoutMs: PRODUCE_TIMEOUT_MS,
        config: { apiTokens: [{ token: TOKENS.s1, shops: ["kuaishou:s1"] }], platforms: {}, shops: {} },
        logger: createLogger({ name: "gateway-down-test", level: "silent" }),
        registry: new Registry(),
      });
      const post = async (id: string) => {
        const started = Date.now();
        const res = await fetch(`http://127.0.0.1:${svc!.port}/v1/events`, {
          method: "POST",
          headers: { authorization: `Bearer ${TOKENS.s1}`, "content-type": "application/json" },
          body: JSON.stringify(paidEvent({ id, orderId: id })),
        });
        return { status: res.status, retryAfter: res.headers.get("retry-after"), body: await res.text(), ms: Date.now() - started };
      };

      const before = await post("before");
      expect(before.status).toBe(202);

      await broker.stop();
      const down: Array<Awaited<ReturnType<typeof post>>> = [];
      for (let i = 0; i < 3; i++) down.push(await post(`down-${i}`));
      for (const r of down) {
        expect(r.status, r.body).toBe(503);
        expect(Number(r.retryAfter)).toBeGreaterThan(0);
        expect(JSON.parse(r.body).error).toBe("unavailable");
        expect(r.ms).toBeLessThan(ANSWER_BOUND_MS);
      }

      broker = await startOwnBroker(port);
      const accepted = ["before"];
      // kafkajs reconnects on its own; until it has, answers are still 503 (never a 202 without the ack).
      let n = 0;
      await pollUntil(
        async () => {
          const id = `after-${n++}`;
          const r = await post(id);
          expect([202, 503]).toContain(r.status);
          if (r.status === 202) accepted.push(id);
          return r.status === 202;
        },
        { timeoutMs: 120_000, intervalMs: 500, message: "202 again after the broker restarted" },
      );

      // Every event answered 202 is in the topic (acknowledged means stored).
      const kafka = createKafka({ brokers: broker.brokers, clientId: uniqueName("gw-down-reader"), logLevel: logLevel.NOTHING });
      const consumer = kafka.consumer({ groupId: uniqueName("gw-down-reader"), maxWaitTimeInMs: 200 });
      const seen = new Set<string>();
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topicNames(prefix).events], fromBeginning: true });
        await consumer.run({ eachMessage: async ({ message }) => void seen.add(JSON.parse(message.value!.toString()).id) });
        await pollUntil(() => accepted.every((id) => seen.has(id)), {
          timeoutMs: 60_000,
          message: `all of ${accepted.join(", ")} in the topic`,
        });
      } finally {
        await consumer.disconnect();
      }
    },
  );
});
