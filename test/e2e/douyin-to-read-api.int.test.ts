// A signed Douyin push, then the processor, then the order visible in the gateway's read API. Also the
// silences API over the real Redis store the notifier reads.
import { createSilenceStore } from "@sg/events/runtime";
import { createSnapshotReader, type Processor } from "@sg/processor";
import { createRedis, type Redis } from "@sg/redis";
import { pollUntil, testInfra, uniqueName } from "../src/index.js";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway, type Gateway } from "@sg/gateway";
import { DOUYIN_CREDS, paidData, pushBody, signedHeaders } from "../../services/gateway/testing/douyin.fixtures.js";
import { kafkaFixture, type KafkaFixture } from "../../services/gateway/testing/int-support.js";
import { BASE_CONFIG, TOKENS, recordingLogger } from "../../services/gateway/testing/test-support.js";
import { startTestProcessor } from "../../services/processor/src/testing/test-processor.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe("Douyin push → processor → read API", () => {
  const shopId = "880001";
  const payTime = Date.parse("2026-11-23T08:00:05+08:00");
  const now = payTime + 60 * 60_000; // an hour later: the 24 h pickup deadline is still ahead
  let fx: KafkaFixture;
  let redis: Redis;
  let processor: Processor;
  let gw: Gateway;
  let keyPrefix: string;

  beforeAll(async () => {
    fx = await kafkaFixture("gw-e2e");
    keyPrefix = uniqueName("sg-e2e");
    redis = createRedis(testInfra().redisUrl);
    processor = await startTestProcessor({
      kafka: fx.kafka,
      redis,
      topics: fx.topics,
      keyPrefix,
      groupId: uniqueName("gw-e2e-processor"),
      clock: () => now,
      log: quiet,
      tickMs: 0,
    });
    gw = createGateway({
      config: { ...BASE_CONFIG, platforms: { douyin: DOUYIN_CREDS } },
      sink: fx.sink,
      registry: new Registry(),
      logger: recordingLogger(),
      snapshots: createSnapshotReader({ redis, keyPrefix, config: {}, now: () => now }),
      silences: createSilenceStore(redis, keyPrefix),
      now: () => now,
    });
  });
  afterAll(async () => {
    await gw?.close();
    await processor?.stop();
    await fx?.close();
    await redis?.quit();
  });

  it("shows a paid in-stock order as pending pickup (pickup_24h_rate.pending = 1)", async () => {
    const body = pushBody([
      { tag: "101", msg_id: uniqueName("e2e-101"), data: paidData({ shop_id: Number(shopId), pay_time: payTime / 1000 }) },
    ]);
    const push = await gw.app.inject({ method: "POST", url: "/webhooks/douyin", headers: signedHeaders(body), payload: body });
    expect(push.json()).toEqual({ code: 0, msg: "success" });

    const auth = { authorization: `Bearer ${TOKENS.douyinAll}` };
    const snapshot = await pollUntil(
      async () => {
        const res = await gw.app.inject({ method: "GET", url: `/v1/shops/douyin/${shopId}/metrics`, headers: auth });
        return res.statusCode === 200 ? res.json() : undefined;
      },
      { timeoutMs: 60_000, message: "the shop's snapshot" },
    );
    expect(snapshot).toMatchObject({ platform: "douyin", shopId, rulePack: "douyin@2023-06" });
    expect(snapshot.metrics.pickup_24h_rate.pending).toBe(1);

    const alerts = await gw.app.inject({ method: "GET", url: `/v1/shops/douyin/${shopId}/alerts`, headers: auth });
    expect(alerts.statusCode).toBe(200);
    expect(Array.isArray(alerts.json().alerts)).toBe(true);
    // Scoped: the kuaishou:s1 token may not read it.
    expect(
      (await gw.app.inject({ method: "GET", url: `/v1/shops/douyin/${shopId}/metrics`, headers: { authorization: `Bearer ${TOKENS.s1}` } }))
        .statusCode,
    ).toBe(403);
  });

  it("creates, lists and deletes silences in the notifier's Redis store", async () => {
    const headers = { authorization: `Bearer ${TOKENS.douyinAll}`, "content-type": "application/json" };
    const created = await gw.app.inject({
      method: "POST",
      url: "/v1/silences",
      headers,
      payload: JSON.stringify({
        matchers: [
          { name: "platform", value: "douyin" },
          { name: "shop", value: shopId },
        ],
        endsAt: Date.now() + 30 * 86_400_000,
      }),
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    expect(await createSilenceStore(redis, keyPrefix).get(id)).toMatchObject({ id });
    const listed = await gw.app.inject({ method: "GET", url: "/v1/silences", headers });
    expect(listed.json().silences.map((s: { id: string }) => s.id)).toContain(id);
    expect((await gw.app.inject({ method: "DELETE", url: `/v1/silences/${id}`, headers })).statusCode).toBe(204);
    expect(await createSilenceStore(redis, keyPrefix).get(id)).toBeNull();
  });
});
