import { describe, expect, it } from "vitest";
import { BASE_CONFIG, testGateway } from "../../../testing/test-support.js";
import { douyinSign } from "./douyin.adapter.js";
import { BIG_ORDER_ID, DOUYIN_CREDS, aftersaleData, paidData, pushBody, signedHeaders } from "../../../testing/douyin.fixtures.js";

const config = { ...BASE_CONFIG, platforms: { douyin: DOUYIN_CREDS } };
const gateway = () => testGateway({ config, now: () => Date.parse("2026-11-23T10:00:00+08:00") });

const send = (gw: ReturnType<typeof gateway>, body: string | Buffer, headers = signedHeaders(body)) =>
  gw.app.inject({ method: "POST", url: "/webhooks/douyin", headers, payload: body });

const paidPush = (msgId = "m-101") => pushBody([{ tag: "101", msg_id: msgId, data: paidData() }]);

async function messages(gw: ReturnType<typeof gateway>, outcome: string): Promise<number> {
  const m = await gw.registry.getSingleMetric("sg_gateway_platform_messages_total")?.get();
  return (m?.values ?? []).filter((v) => v.labels.outcome === outcome && v.labels.source === "douyin").reduce((s, v) => s + v.value, 0);
}

describe("POST /webhooks/douyin", () => {
  it("verifies, maps and produces, then answers {code:0,msg:success}", async () => {
    const gw = gateway();
    const res = await send(gw, paidPush());
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ code: 0, msg: "success" });
    expect(gw.sink.events).toEqual([
      expect.objectContaining({ id: "douyin:m-101", type: "order.paid", shopId: "4463798", orderId: BIG_ORDER_ID }),
    ]);
  });

  it("answers the platform's test message (tag 0) with success", async () => {
    const gw = gateway();
    const body = pushBody([{ tag: "0", msg_id: "t-1", data: "{}" }]);
    expect((await send(gw, body)).json()).toEqual({ code: 0, msg: "success" });
    expect(gw.sink.events).toEqual([]);
    expect(await messages(gw, "test")).toBe(1);
  });

  it("answers a non-zero code when Kafka does not acknowledge, so the platform retries; the retry goes through", async () => {
    const gw = gateway();
    gw.sink.failNext();
    const failed = await send(gw, paidPush());
    expect(failed.statusCode).toBe(500);
    expect(failed.json().code).not.toBe(0);
    expect(gw.sink.events).toEqual([]);
    const retried = await send(gw, paidPush());
    expect(retried.json()).toEqual({ code: 0, msg: "success" });
    expect(gw.sink.events).toHaveLength(1);
  });

  it("acknowledges unknown tags and counts them, producing the known ones of the same push", async () => {
    const gw = gateway();
    const body = pushBody([
      { tag: "101", msg_id: "a", data: paidData() },
      { tag: "9999", msg_id: "b", data: "{}" },
      { tag: "215", msg_id: "c", data: aftersaleData() },
    ]);
    expect((await send(gw, body)).json()).toEqual({ code: 0, msg: "success" });
    expect(gw.sink.events.map((e) => e.id)).toEqual(["douyin:a"]);
    expect(await messages(gw, "unknown")).toBe(1);
    expect(await messages(gw, "ignored")).toBe(1);
  });

  it("dead-letters a signed message with bad fields, naming them, and keeps the good ones", async () => {
    const gw = gateway();
    const body = pushBody([
      { tag: "101", msg_id: "good", data: paidData() },
      { tag: "101", msg_id: "bad", data: '{"p_id":true,"shop_id":1}' },
    ]);
    expect((await send(gw, body)).json()).toEqual({ code: 0, msg: "success" });
    expect(gw.sink.events.map((e) => e.id)).toEqual(["douyin:good"]);
    expect(gw.sink.dead).toEqual([
      expect.objectContaining({
        source: "douyin",
        messageId: "bad",
        problems: [
          { field: "data.p_id", reason: "must be a non-empty id (string or integer)" },
          { field: "data.pay_time", reason: "is required" },
        ],
      }),
    ]);
  });

  describe("hostile corpus", () => {
    it("refuses a missing or wrong signature with 401, counted, logged without secrets", async () => {
      const gw = gateway();
      const body = paidPush();
      expect((await send(gw, body, { "content-type": "application/json" })).statusCode).toBe(401);
      const wrong = await send(gw, body, { ...signedHeaders(body), "event-sign": "0".repeat(32) });
      expect(wrong.statusCode).toBe(401);
      const otherApp = await send(gw, body, { ...signedHeaders(body), "app-id": "someone-else" });
      expect(otherApp.statusCode).toBe(401);
      expect(await gw.refusals("bad_signature")).toBe(3);
      expect(gw.sink.events).toEqual([]);
      const logs = JSON.stringify(gw.logger.lines);
      expect(logs).not.toContain(DOUYIN_CREDS.appSecret);
      expect(logs).not.toContain(douyinSign(body, DOUYIN_CREDS));
    });

    it("refuses a valid signature over a different body (a replayed signature)", async () => {
      const gw = gateway();
      const original = paidPush("m-1");
      const tampered = original.replace("m-1", "m-2");
      const res = await send(gw, tampered, signedHeaders(original));
      expect(res.statusCode).toBe(401);
      expect(gw.sink.events).toEqual([]);
    });

    it("answers an exact replay with success without producing again", async () => {
      const gw = gateway();
      const body = paidPush();
      await send(gw, body);
      const again = await send(gw, body);
      expect(again.json()).toEqual({ code: 0, msg: "success" });
      expect(gw.sink.events).toHaveLength(1);
      expect(await messages(gw, "replayed")).toBe(1);
    });

    it.each([
      ["truncated JSON", '[{"tag":"101","msg_id":"x","data":"{}"'],
      ["an object, not an array", '{"tag":"101","msg_id":"x","data":"{}"}'],
      ["empty body", ""],
    ])("refuses %s (signed) with 400", async (_name, body) => {
      const gw = gateway();
      const res = await send(gw, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).not.toBe(0);
      expect(await gw.refusals("malformed_json")).toBe(1);
    });

    it("refuses non-UTF-8 bytes (signed) with 400", async () => {
      const gw = gateway();
      const body = Buffer.concat([Buffer.from('[{"tag":"101","msg_id":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","data":"{}"}]')]);
      const res = await send(gw, body, signedHeaders(body));
      expect(res.statusCode).toBe(400);
      expect(await gw.refusals("invalid_encoding")).toBe(1);
    });

    it("dead-letters wrong types and huge strings instead of crashing", async () => {
      const gw = gateway();
      const body = pushBody([
        { tag: "101", msg_id: "x".repeat(300), data: paidData() },
        { tag: "200", msg_id: "y", data: '{"aftersale_id":[1],"shop_id":{"a":1},"aftersale_type":"zero"}' },
      ]);
      expect((await send(gw, body)).json()).toEqual({ code: 0, msg: "success" });
      expect(gw.sink.events).toEqual([]);
      expect(gw.sink.dead).toHaveLength(2);
    });

    it("refuses a body over 1 MiB with 413", async () => {
      const gw = gateway();
      const body = pushBody([{ tag: "101", msg_id: "m", data: paidData({ note: "x".repeat(1024 * 1024) }) }]);
      expect((await send(gw, body)).statusCode).toBe(413);
      expect(await gw.refusals("body_too_large")).toBe(1);
    });

    it("keeps order ids beyond 2^53 exact", async () => {
      const gw = gateway();
      await send(gw, paidPush());
      expect(gw.sink.events[0]).toMatchObject({ orderId: "4930271960384902185" });
      // Plain JSON.parse would have rounded it: the exact id above is not an accident of the test data.
      expect(BigInt(JSON.parse("4930271960384902185") as number)).not.toBe(4930271960384902185n);
      expect(BigInt(JSON.parse("4930271960384902185") as number)).toBe(4930271960384902144n);
    });

    it("limits floods per source with 429", async () => {
      const gw = testGateway({ config, sourceRate: { ratePerSec: 1, burst: 2 }, now: () => 0 });
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await send(gw, paidPush(`m-${i}`))).statusCode);
      expect(codes).toEqual([200, 200, 429]);
      expect(await gw.refusals("rate_limited")).toBe(1);
    });
  });

  it("is not served when Douyin is not configured", async () => {
    const gw = testGateway();
    expect((await send(gw, paidPush())).statusCode).toBe(404);
  });
});
