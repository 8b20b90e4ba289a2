// A score alert end to end: events posted to the gateway, the processor (real Kafka and Redis, its clock
// driven by the test) scores the Douyin shop under douyin@2023-06 with the sample parameters, publishes the
// `score` alert on sg.alerts, and the notifier routes it to a DingTalk, a Feishu, a WeCom and a Slack robot.
import { parseScoreguardConfig } from "@sg/config";
import { AlertRecord } from "@sg/events";
import { createGateway, type Gateway } from "@sg/gateway";
import { createLogger } from "@sg/logger";
import type { Notifier } from "@sg/notifier";
import type { Processor } from "@sg/processor";
import { createRedis, type Redis } from "@sg/redis";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDingTalkRobot, startFeishuRobot, startSlackRobot, startWeComRobot } from "../robots/index.js";
import { pollUntil, testInfra, uniqueName } from "../src/index.js";
import { kafkaFixture, type KafkaFixture, type TopicReader } from "../../services/gateway/testing/int-support.js";
import { recordingLogger } from "../../services/gateway/testing/test-support.js";
import { createNotifier } from "../../services/notifier/src/notifier.js";
import { TEA } from "../../services/processor/src/testing/score-params.js";
import { startTestProcessor } from "../../services/processor/src/testing/test-processor.js";
import { douyinScoreMonth } from "./score-month.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
/** A weekday afternoon in Shanghai: inside the chat metrics' service hours (08:00–23:00). */
const T0 = Date.parse("2026-03-02T15:00:00+08:00");
const HOUR = 3_600_000;

describe("a score alert from the gateway to the robots", () => {
  const run = uniqueName("scorealert").slice(-10);
  const shopId = `tea-${run}`;
  const dedShopId = `ded-${run}`;
  const token = `tok-score-${run}-0123456789`;
  const dingSecret = `SEC${run.replace(/-/g, "")}`;
  const feishuSecret = `fs-${run}`;
  let clock = T0;
  let fx: KafkaFixture;
  let redis: Redis;
  let processor: Processor;
  let notifier: Notifier;
  let gw: Gateway;
  let alerts: TopicReader;
  let robots: {
    ding: Awaited<ReturnType<typeof startDingTalkRobot>>;
    feishu: Awaited<ReturnType<typeof startFeishuRobot>>;
    wecom: Awaited<ReturnType<typeof startWeComRobot>>;
    slack: Awaited<ReturnType<typeof startSlackRobot>>;
  };

  beforeAll(async () => {
    fx = await kafkaFixture("scorealert");
    redis = createRedis(testInfra().redisUrl);
    const keyPrefix = uniqueName("sg-scorealert");
    robots = {
      ding: await startDingTalkRobot({ accessToken: `dt-${run}`, secret: dingSecret }),
      feishu: await startFeishuRobot({ token: `hook-${run}`, secret: feishuSecret }),
      wecom: await startWeComRobot({ key: `wk-${run}` }),
      slack: await startSlackRobot({ path: `/services/${run}` }),
    };
    const config = parseScoreguardConfig({
      apiTokens: [{ token, shops: [`douyin:${shopId}`, `douyin:${dedShopId}`] }],
      packs: { douyin: "latest" },
      shops: {
        [`douyin:${shopId}`]: { industry: "tea", scoreLines: { total: 97 } },
        // The deduction test's shop: douyin@2026-09 by name, its dimensions from the backend (configured).
        [`douyin:${dedShopId}`]: {
          pack: "douyin@2026-09",
          industry: "t",
          scoreLines: { total: 85 },
          scoreInputs: { dimensions: { goods: 90, logistics: 90, service: 90 } },
        },
      },
      scoreParameters: {
        "douyin@2023-06": { tea: TEA },
        "douyin@2026-09": { t: { source: "test table", dimensionWeights: { goods: 40, logistics: 20, service: 40 } } },
      },
      receivers: {
        ding: { type: "dingtalk", url: robots.ding.url, secret: dingSecret },
        lark: { type: "feishu", url: robots.feishu.url, secret: feishuSecret },
        wecom: { type: "wecom", url: robots.wecom.url },
        slack: { type: "slack", url: robots.slack.url },
      },
      routes: [
        {
          match: { kind: "score" },
          receivers: ["ding", "lark", "wecom", "slack"],
          groupWait: "1s",
          groupInterval: "2s",
          repeatInterval: "1h",
          resolveAfter: "1s",
        },
      ],
    });
    processor = await startTestProcessor({
      kafka: fx.kafka,
      redis,
      topics: fx.topics,
      keyPrefix,
      groupId: uniqueName("scorealert-processor"),
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
      consumerGroup: uniqueName("scorealert-notifier"),
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
    for (const r of Object.values(robots ?? {})) await r.close();
  });

  const post = async (events: object[]) => {
    const res = await gw.app.inject({
      method: "POST",
      url: "/v1/events",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      payload: JSON.stringify(events),
    });
    expect(res.statusCode, res.body).toBe(202);
  };
  const scoreRecords = () =>
    alerts.records.map((r) => AlertRecord.parse(JSON.parse(r.value))).filter((r) => r.kind === "score" && r.shopId === shopId);
  const texts = () => ({
    ding: robots.ding.messages.map((m) => m.text),
    feishu: robots.feishu.messages.map((m) => `${m.title}\n${m.content}`),
    wecom: robots.wecom.messages.map((m) => m.content),
    slack: robots.slack.messages.map((m) => `${m.text}\n${JSON.stringify(m.blocks)}`),
  });

  it("at risk while 3 pickups are pending, critical once they are late: both reach every robot", { timeout: 180_000 }, async () => {
    // A month of a good shop, every indicator in its best band (the sample table): 20 orders picked up in
    // 2 h and signed 20 h later, no bad review, return or feedback; two after-sales answered in an hour;
    // today a consultation answered in 20 s and a 5-star rating. Total 100.
    // Three orders paid 22 h ago are not picked up: due at T0 + 2 h, inside the 4 h lead time. If all three
    // are late, pickup falls to 20/23 = 87% (band 6: 50), logistics to (50×40 + 100×30 + 100×30)/100 = 80
    // and the total to 100 − 20 × 20% = 96, below the shop's line of 97.
    const events = douyinScoreMonth({ shopId, run, t0: T0, pendingPickups: 3 });
    await post(events);

    await pollUntil(() => scoreRecords().length >= 1, { timeoutMs: 60_000, message: "a score alert on sg.alerts" });
    const risk = scoreRecords()[0]!;
    expect(risk).toMatchObject({
      metric: "score_total",
      kind: "score",
      status: "firing",
      severity: "warning",
      value: 100,
      threshold: 97,
      unit: "points",
      dueCount: 3,
      projectedValue: 96,
      rulePack: "douyin@2023-06",
    });
    expect(risk.score!.risk).toEqual([
      expect.objectContaining({ indicator: "pickup_24h_rate", dueCount: 3, points: 100, projectedPoints: 50, projectedDimensionScore: 80 }),
    ]);
    expect(risk.score!.sample).toBe(true);
    for (const robot of Object.keys(robots) as (keyof typeof robots)[])
      await pollUntil(() => texts()[robot].length >= 1, { timeoutMs: 30_000, message: `${robot} received the score alert` });
    for (const [robot, messages] of Object.entries(texts())) {
      const first = messages[0]!;
      expect(first, robot).toContain("商家体验分");
      expect(first, robot).toContain("即将低于预警线");
      expect(first, robot).toContain("物流体验 降至 80，总分降至 96");
      expect(first, robot).toContain("样例参数");
    }

    // The deadlines pass with no pickup: three late outcomes, total 96 < 97, the same identity turns critical.
    clock = T0 + 2 * HOUR + 3 * 60_000;
    await pollUntil(() => scoreRecords().some((r) => r.severity === "critical"), { timeoutMs: 60_000, message: "critical score alert" });
    const critical = scoreRecords().find((r) => r.severity === "critical")!;
    expect(critical).toMatchObject({ metric: "score_total", status: "firing", value: 96, threshold: 97 });
    expect(critical.seq).toBeGreaterThan(risk.seq);
    for (const robot of Object.keys(robots) as (keyof typeof robots)[]) {
      await pollUntil(() => texts()[robot].some((t) => t.includes("严重") && t.includes("低于预警线") && t.includes("96 分")), {
        timeoutMs: 30_000,
        message: `${robot} received the critical score alert`,
      });
    }
    expect(robots.ding.answers.every((c) => c === 0)).toBe(true);
  });
  // A deduction event (docs/scores.md "Bonuses and deductions as events") that takes the shop below its line,
  // posted to the gateway like any event; the appeal's revocation resolves the alert.
  it("a score.deducted event below the line fires critical at every robot; its revocation resolves it", { timeout: 180_000 }, async () => {
    const now = clock;
    const at = (h: number) => new Date(now - h * HOUR).toISOString();
    const ded = (events: object[]) => events.map((e) => ({ platform: "douyin", shopId: dedShopId, ...e }));
    // 30 valid paid orders in 30 days (eligible), dimensions 90/90/90: total 90, above 85.
    await post(ded(Array.from({ length: 30 }, (_, i) => ({ id: `dp${i}-${run}`, type: "order.paid", at: at(24 + i), orderId: `o${i}` }))));
    // 90 + 2 (运费险, granted by an event) − 8 (影响消费者体验) = 84 < 85.
    await post(
      ded([
        { id: `dg1-${run}`, type: "score.bonus_granted", at: at(3), grantId: "G1", bonus: "freight_insurance", validFrom: at(3) },
        { id: `dv1-${run}`, type: "score.deducted", at: at(1), violationId: "V1", part: "consumer_harm", points: 8 },
      ]),
    );
    const mine = () =>
      alerts.records.map((r) => AlertRecord.parse(JSON.parse(r.value))).filter((r) => r.kind === "score" && r.shopId === dedShopId);
    await pollUntil(() => mine().some((r) => r.severity === "critical"), { timeoutMs: 60_000, message: "a critical score alert" });
    expect(mine()[0]).toMatchObject({
      metric: "score_total",
      status: "firing",
      severity: "critical",
      value: 84,
      threshold: 85,
      rulePack: "douyin@2026-09",
    });
    for (const robot of Object.keys(robots) as (keyof typeof robots)[])
      await pollUntil(() => texts()[robot].some((t) => t.includes("商家体验分") && t.includes("84 分")), {
        timeoutMs: 30_000,
        message: `${robot} received the deduction's score alert`,
      });
    // The appeal is upheld: the deduction is revoked, 92 ≥ 85, the alert resolves.
    clock = now + 60_000;
    await post(ded([{ id: `dr1-${run}`, type: "score.deduction_revoked", at: new Date(now + 30_000).toISOString(), violationId: "V1" }]));
    await pollUntil(() => mine().some((r) => r.status === "resolved"), { timeoutMs: 60_000, message: "the score alert resolved" });
  });
});
