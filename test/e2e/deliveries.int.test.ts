// GET /v1/deliveries over the notifier's real Redis records: a failure written by the notifier's own
// delivery status store (the one its receiver workers use) is read back through the route.
import type { DeliveryFailure } from "@sg/events";
import { createDeliveryStatusReader } from "@sg/events/runtime";
import { createRedis, type Redis } from "@sg/redis";
import { testInfra, uniqueName } from "../src/index.js";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The writer side is internal to the notifier (its workers are the only writers); the test reaches it directly.
import { createKeys } from "../../services/notifier/src/keys.js";
import { createDeliveryStatusStore } from "../../services/notifier/src/state/delivery-status.js";
import { createGateway, type Gateway } from "@sg/gateway";
import { BASE_CONFIG, TOKENS, recordingLogger, recordingSink } from "../../services/gateway/testing/test-support.js";

describe("GET /v1/deliveries over the notifier's Redis records", () => {
  let redis: Redis;
  let gw: Gateway;
  let keyPrefix: string;

  beforeAll(async () => {
    redis = createRedis(testInfra().redisUrl);
    keyPrefix = uniqueName("sg-deliveries");
    gw = createGateway({
      config: BASE_CONFIG,
      sink: recordingSink(),
      registry: new Registry(),
      logger: recordingLogger(),
      deliveries: createDeliveryStatusReader(redis, keyPrefix),
    });
  });
  afterAll(async () => {
    await gw?.close();
    await redis?.quit();
  });

  const get = (url: string, token: string) => gw.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } });

  it("shows a permanent failure recorded by the notifier, scoped by token", async () => {
    const store = createDeliveryStatusStore(redis, createKeys(keyPrefix));
    const older: DeliveryFailure = {
      receiver: "ops-feishu",
      channel: "feishu",
      outcome: "permanent",
      code: "19021",
      at: "2026-11-20T08:00:00+08:00",
      notificationIds: ["n-douyin"],
      alerts: ["douyin:880001:pickup_24h_rate:at_risk"],
    };
    const newer: DeliveryFailure = {
      receiver: "ops-dingtalk",
      channel: "dingtalk",
      outcome: "permanent",
      code: "310000",
      at: "2026-11-20T08:05:00+08:00",
      notificationIds: ["n-s1"],
      alerts: ["kuaishou:s1:human_reply_3min_rate:threshold"],
    };
    await store.fail(older);
    await store.fail(newer);

    const all = await get("/v1/deliveries", TOKENS.all);
    expect(all.statusCode).toBe(200);
    const { alerts: _n, ...newerStatus } = newer;
    const { alerts: _o, ...olderStatus } = older;
    expect(all.json()).toEqual({ receivers: { "ops-dingtalk": newerStatus, "ops-feishu": olderStatus }, failures: [newer, older] });
    expect((await get("/v1/deliveries?limit=1", TOKENS.all)).json().failures).toEqual([newer]);

    expect((await get("/v1/deliveries", TOKENS.s1)).json()).toEqual({ receivers: {}, failures: [newer] });
    expect((await get("/v1/deliveries", TOKENS.douyinAll)).json()).toEqual({ receivers: {}, failures: [older] });
    expect((await get("/v1/deliveries?limit=0", TOKENS.all)).statusCode).toBe(400);
  });
});
