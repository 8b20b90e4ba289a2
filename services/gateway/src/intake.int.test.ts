// The gateway over the real Kafka: what it acknowledges is in the topic, keyed by platform:shopId.
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOUYIN_CREDS, BIG_ORDER_ID, aftersaleData, paidData, pushBody, signedHeaders } from "../testing/douyin.fixtures.js";
import { KUAISHOU_SECRET, encrypted, envelope, orderInfo, BIG_OID } from "../testing/kuaishou.fixtures.js";
import { createGateway, type Gateway } from "./gateway.js";
import { kafkaFixture, type KafkaFixture } from "../testing/int-support.js";
import { BASE_CONFIG, TOKENS, bearer, fixtureClock, paidEvent, recordingLogger } from "../testing/test-support.js";

describe("gateway → Kafka", () => {
  let fx: KafkaFixture;
  let gw: Gateway;

  beforeAll(async () => {
    fx = await kafkaFixture("gw-intake");
    gw = createGateway({
      config: { ...BASE_CONFIG, platforms: { douyin: DOUYIN_CREDS, kuaishou: { messageSecret: KUAISHOU_SECRET } } },
      sink: fx.sink,
      registry: new Registry(),
      logger: recordingLogger(),
      now: fixtureClock(),
    });
  });
  afterAll(async () => {
    await gw?.close();
    await fx?.close();
  });

  it("POST /v1/events: 202 after the records are in sg.events, keyed by platform:shopId", async () => {
    const events = [paidEvent({ id: "c-1" }), paidEvent({ id: "c-2", orderId: "o-2", at: 1795392005000 })];
    const res = await gw.app.inject({ method: "POST", url: "/v1/events", headers: bearer(TOKENS.s1), payload: JSON.stringify(events) });
    expect(res.statusCode).toBe(202);
    const reader = await fx.read(fx.topics.events);
    await reader.atLeast(2);
    expect(reader.records.map((r) => r.key)).toEqual(["kuaishou:s1", "kuaishou:s1"]);
    expect(reader.records.map((r) => JSON.parse(r.value))).toEqual(events);
  });

  it("a refused request leaves nothing in the topic", async () => {
    const reader = await fx.read(fx.topics.events);
    await reader.atLeast(2); // the two of the previous test
    const bad = await gw.app.inject({
      method: "POST",
      url: "/v1/events",
      headers: bearer(TOKENS.s1),
      payload: JSON.stringify([paidEvent({ id: "x-1" }), paidEvent({ id: "x-2", orderId: 5 })]),
    });
    expect(bad.statusCode).toBe(400);
    const ok = await gw.app.inject({
      method: "POST",
      url: "/v1/events",
      headers: bearer(TOKENS.s1),
      payload: JSON.stringify(paidEvent({ id: "after" })),
    });
    expect(ok.statusCode).toBe(202);
    await reader.atLeast(3);
    expect(reader.records.map((r) => JSON.parse(r.value).id)).not.toContain("x-1");
  });

  it("a signed Douyin push produces the mapped events with exact ids, and bad messages go to the DLQ", async () => {
    const body = pushBody([
      { tag: "101", msg_id: "int-101", data: paidData({ shop_id: 777001 }) },
      { tag: "200", msg_id: "int-200", data: aftersaleData({ shop_id: 777001 }) },
      { tag: "101", msg_id: "int-bad", data: '{"shop_id":777001}' },
      { tag: "9999", msg_id: "int-unknown", data: "{}" },
    ]);
    const res = await gw.app.inject({ method: "POST", url: "/webhooks/douyin", headers: signedHeaders(body), payload: body });
    expect(res.json()).toEqual({ code: 0, msg: "success" });
    const events = await fx.read(fx.topics.events);
    await events.atLeast(2 + 3);
    const douyin = events.records.filter((r) => r.key === "douyin:777001").map((r) => JSON.parse(r.value));
    expect(douyin.map((e) => [e.id, e.type, e.orderId])).toEqual([
      ["douyin:int-101", "order.paid", BIG_ORDER_ID],
      ["douyin:int-200", "aftersale.requested", BIG_ORDER_ID],
    ]);
    const dlq = await fx.read(fx.topics.dlq);
    await dlq.atLeast(1);
    const dead = JSON.parse(dlq.records[0]!.value);
    expect(dead).toMatchObject({ stage: "gateway", source: "douyin", messageId: "int-bad" });
    expect(dead.reason).toContain("data.p_id");
    expect(dlq.records[0]!.headers.reason).toBe("invalid platform message");
  });

  it("an encrypted Kuaishou push produces its event", async () => {
    const res = await gw.app.inject({
      method: "POST",
      url: "/webhooks/kuaishou",
      headers: { "content-type": "text/plain" },
      payload: encrypted(envelope("kwaishop_order_paySuccess", orderInfo(), { msgId: "int-ks-1" })),
    });
    expect(res.json()).toEqual({ result: 1 });
    const events = await fx.read(fx.topics.events);
    await events.atLeast(6);
    const ks = events.records.find((r) => r.key === "kuaishou:2161524184");
    expect(JSON.parse(ks!.value)).toMatchObject({ id: "kuaishou:int-ks-1", orderId: BIG_OID });
  });
});
