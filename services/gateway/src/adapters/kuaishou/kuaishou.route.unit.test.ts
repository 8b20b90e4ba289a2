import { describe, expect, it } from "vitest";
import { BASE_CONFIG, testGateway } from "../../../testing/test-support.js";
import { BIG_OID, KUAISHOU_SECRET, encrypted, envelope, orderInfo } from "../../../testing/kuaishou.fixtures.js";

const config = { ...BASE_CONFIG, platforms: { kuaishou: { messageSecret: KUAISHOU_SECRET } } };
const gateway = () => testGateway({ config });
const send = (gw: ReturnType<typeof gateway>, body: string | Buffer, contentType = "text/plain") =>
  gw.app.inject({ method: "POST", url: "/webhooks/kuaishou", headers: { "content-type": contentType }, payload: body });

describe("POST /webhooks/kuaishou", () => {
  it("decrypts, maps and produces, then answers {result:1}", async () => {
    const gw = gateway();
    const res = await send(gw, encrypted(envelope("kwaishop_order_paySuccess", orderInfo())));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ result: 1 });
    expect(gw.sink.events).toEqual([expect.objectContaining({ type: "order.paid", orderId: BIG_OID, shopId: "2161524184" })]);
  });

  it("answers the test event with {result:1} and no events, whatever the content type", async () => {
    const gw = gateway();
    const res = await send(gw, encrypted(JSON.stringify({ test: true })), "application/json");
    expect(res.json()).toEqual({ result: 1 });
    expect(gw.sink.events).toEqual([]);
  });

  it("answers a failure when Kafka does not acknowledge, so the platform retries", async () => {
    const gw = gateway();
    gw.sink.failNext();
    const res = await send(gw, encrypted(envelope("kwaishop_order_paySuccess", orderInfo())));
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ result: 0 });
    expect(res.headers["retry-after"]).toBe("1");
  });

  it("refuses a message addressed to another appKey when one is configured", async () => {
    const gw = testGateway({ config: { ...BASE_CONFIG, platforms: { kuaishou: { messageSecret: KUAISHOU_SECRET, appKey: "ks-ours" } } } });
    const res = await send(gw, encrypted(envelope("kwaishop_order_paySuccess", orderInfo())));
    expect(res.statusCode).toBe(401);
    expect(gw.sink.events).toEqual([]);
    const ours = await send(gw, encrypted(envelope("kwaishop_order_paySuccess", orderInfo(), { appKey: "ks-ours" })));
    expect(ours.json()).toEqual({ result: 1 });
  });

  describe("hostile corpus", () => {
    it.each([
      ["plain JSON", JSON.stringify({ test: true })],
      ["not Base64", "%%%%"],
      ["truncated ciphertext", encrypted(envelope("kwaishop_order_paySuccess", orderInfo())).slice(0, 30)],
      ["random blocks", Buffer.alloc(48, 3).toString("base64")],
      ["non-UTF-8 bytes", Buffer.from([0xff, 0xfe, 0xfd])],
      ["empty", ""],
    ])("refuses %s with 400 decrypt_failed", async (_name, body) => {
      const gw = gateway();
      const res = await send(gw, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toBe("decrypt_failed");
      expect(await gw.refusals("decrypt_failed")).toBe(1);
      expect(gw.sink.events).toEqual([]);
    });

    it("refuses decrypted garbage (truncated JSON) with the same 400 decrypt_failed as a bad padding (no padding oracle)", async () => {
      const gw = gateway();
      const res = await send(gw, encrypted('{"event":"kwaishop_order_paySuccess","info":'));
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toBe("decrypt_failed");
      expect(res.body).toBe((await send(gw, Buffer.alloc(48, 3).toString("base64"))).body);
    });

    it("dead-letters wrong types, and acknowledges unknown events", async () => {
      const gw = gateway();
      expect((await send(gw, encrypted(envelope("kwaishop_order_paySuccess", '{"oid":[1],"sellerId":"x"}')))).json()).toEqual({
        result: 1,
      });
      expect(gw.sink.dead).toHaveLength(1);
      expect(gw.sink.dead[0]!.problems).toEqual([{ field: "info.oid", reason: "must be a non-empty id (string or integer)" }]);
      expect((await send(gw, encrypted(envelope("kwaishop_item_update", "{}")))).json()).toEqual({ result: 1 });
      expect(gw.sink.events).toEqual([]);
    });
  });
});
