// A deduction event that takes the score below the shop's line, end to end: events posted to the gateway
// (`POST /v1/events`), the processor (real Kafka and Redis, its clock driven by the test) grades the Douyin
// shop under douyin@2026-09, the `score.deducted` event lowers the total below the line, the `score` alert
// goes out on sg.alerts and the notifier routes it to a DingTalk robot; the appeal's revocation resolves it.
import { parseScoreguardConfig } from "@sg/config";
import { AlertRecord } from "@sg/events";
import { createGateway, type Gateway } from "@sg/gateway";
import { createLogger } from "@sg/logger";
import type { Notifier } from "@sg/notifier";
import type { Processor } from "@sg/processor";
import { createRedis, type Redis } from "@sg/redis";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDingTalkRobot } from "../robots/index.js";
import { pollUntil, testInfra, uniqueName } from "../src/index.js";
import { kafkaFixture, type KafkaFixture, type TopicReader } from "../../services/gateway/testing/int-support.js";
import { recordingLogger } from "../../services/gateway/testing/test-support.js";
import { createNotifier } from "../../services/notifier/src/notifier.js";
import { startTestProcessor } from "../../services/processor/src/testing/test-processor.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
/** A weekday afternoon in Shanghai, under douyin@2026-09 (in force from 2026-09-08). */
const T0 = Date.parse("2026-11-18T15:00:00+08:00");
const HOUR = 3_600_000;

describe("a deduction event below the shop's line, from the gateway to a robot", () => {
  const run = uniqueName("deduct").slice(-10);
  const shopId = `dy-${run}`;
  const token = `tok-deduct-${run}-0123456789`;
  const dingSecret = `SEC${run.replace(/-/g, "")}`;
  let clock = T0;
  let fx: KafkaFixture;
  let redis: Redis;
  let processor: Processor;
  let notifier: Notifier;
  let gw: Gateway;
  let alerts: TopicReader;
  let ding: Awaited<ReturnType<typeof startDingTalkRobot>>;

  beforeAll(async () => {
    fx = await kafkaFixture("deduct");
    redis = createRedis(testInfra().redisUrl);
    const keyPrefix = uniqueName("sg-deduct");
    ding = await startDingTalkRobot({ accessToken: `dt-${run}`, secret: dingSecret });
    const config = parseScoreguardConfig({
      apiTokens: [{ token, shops: [`douyin:${shopId}`] }],
      packs: { douyin: "latest" },
      shops: {
        [`douyin:${shopId}`]: {
          industry: "t",
          scoreLines: { total: 85 },
          scoreInputs: { dimensions: { goods: 90, logistics: 90, service: 90 } },
        },
      },
      scoreParameters: { "douyin@2026-09": { t: { source: "test table", dimensionWeights: { goods: 40, logistics: 20, service: 40 } } } },
      receivers: { ding: { type: "dingtalk", url: ding.url, secret: dingSecret } },
      routes: [
        { match: { kind: "score" }, receivers: ["ding"], groupWait: "1s", groupInterval: "2s", repeatInterval: "1h", resolveAfter: "1s" },
      ],
    });
    processor = await startTestProcessor({
      kafka: fx.kafka,
      redis,
      topics: fx.topics,
      keyPrefix,
      groupId: uniqueName("deduct-processor"),
      clock: () => clock,
      config,
      log: quiet,
    });
    notifier = createNotifier({
      config,
      redis,
      kafka: fx.kafka,
      logger: createLogger({ name: "notifier", level: "silent" }),
      keyPrefix,
      topicPrefix: fx.topics.alerts.slice(0, -"sg.alerts".length),
      consumerGroup: uniqueName("deduct-notifier"),
      tickMs: 100,
      recheckMs: 1_000,
      retry: { baseMs: 300, maxMs: 2_000, maxElapsedMs: 20_000 },
      httpTimeoutMs: 2_000,
      leaseMs: 5_000,
      grafanaUrl: "http://grafana.test:3000",
      consumerConfig: { maxWaitTimeInMs: 200, heartbeatInterval: 500, sessionTimeout: 10_000, rebalanceTimeout: 10_000 },
    });
    await notifier.start();
    gw = createGateway({
      config: { apiTokens: config.apiTokens, platforms: {} },
      sink: fx.sink,
      registry: new Registry(),
      logger: recordingLogger(),
      now: () => clock,
    });
    alerts = await fx.read(fx.topics.alerts);
    await pollUntil(() => notifier.ready(), { timeoutMs: 60_000, message: "notifier joined its consumer group" });
  }, 120_000);

  afterAll(async () => {
    await gw?.close();
    await notifier?.stop();
    await processor?.stop();
    await fx?.close();
    await redis?.quit();
    await ding?.close();
  });

  const post = async (events: object[]) => {
    const res = await gw.app.inject({
      method: "POST",
      url: "/v1/events",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      payload: JSON.stringify(events.map((e) => ({ platform: "douyin", shopId, ...e }))),
    });
    expect(res.statusCode, res.body).toBe(202);
  };
  const scoreRecords = () =>
    alerts.records.map((r) => AlertRecord.parse(JSON.parse(r.value))).filter((r) => r.kind === "score" && r.shopId === shopId);
  const at = (h: number) => new Date(T0 - h * HOUR).toISOString();

  it(
    "fires critical when a deduction takes 90 to 84, below 85, and resolves when the appeal revokes it",
    { timeout: 180_000 },
    async () => {
      // 30 valid paid orders in 30 days (eligible), dimensions 90/90/90 from the backend: total 90, above 85.
      await post(Array.from({ length: 30 }, (_, i) => ({ id: `p${i}-${run}`, type: "order.paid", at: at(24 + i), orderId: `o${i}` })));
      // A bonus the shop's events grant, then the deduction: 90 + 2 (运费险) − 8 (影响消费者体验) = 84 < 85.
      await post([
        {
          id: `g1-${run}`,
          type: "score.bonus_granted",
          at: at(3),
          grantId: "G1",
          bonus: "freight_insurance",
          validFrom: at(3),
        },
        { id: `v1-${run}`, type: "score.deducted", at: at(1), violationId: "V1", part: "consumer_harm", points: 8 },
      ]);
      await pollUntil(() => scoreRecords().some((r) => r.severity === "critical"), {
        timeoutMs: 60_000,
        message: "a critical score alert",
      });
      const critical = scoreRecords().find((r) => r.severity === "critical")!;
      expect(critical).toMatchObject({
        metric: "score_total",
        kind: "score",
        status: "firing",
        value: 84,
        threshold: 85,
        rulePack: "douyin@2026-09",
      });
      await pollUntil(() => ding.messages.some((m) => m.text.includes("商家体验分") && m.text.includes("84")), {
        timeoutMs: 30_000,
        message: "the robot received the score alert",
      });

      // The appeal is upheld: the deduction is revoked, 92 ≥ 85, the alert resolves.
      clock = T0 + 60_000;
      await post([{ id: `r1-${run}`, type: "score.deduction_revoked", at: new Date(T0 + 30_000).toISOString(), violationId: "V1" }]);
      await pollUntil(() => scoreRecords().some((r) => r.status === "resolved"), {
        timeoutMs: 60_000,
        message: "the score alert resolved",
      });
      expect(ding.answers.every((c) => c === 0)).toBe(true);
    },
  );
});
