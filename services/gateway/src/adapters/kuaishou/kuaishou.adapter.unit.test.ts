import { createCipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import { KuaishouDecryptError, decryptKuaishou, kuaishouKey, mapKuaishouMessage, parseKuaishouMessage } from "./kuaishou.adapter.js";
import { BIG_OID, KUAISHOU_KEY, encrypted, envelope, orderInfo, refundInfo } from "../../../testing/kuaishou.fixtures.js";

const RECEIVED = Date.parse("2026-11-23T10:00:00+08:00");

function map(plaintext: string) {
  const p = parseKuaishouMessage(plaintext);
  if (!p.ok) throw new Error(JSON.stringify(p.problems));
  return mapKuaishouMessage(p.message, RECEIVED);
}

function events(plaintext: string) {
  const r = map(plaintext);
  if (r.outcome !== "mapped") throw new Error(`expected mapped, got ${JSON.stringify(r)}`);
  return r.events;
}

describe("decryptKuaishou", () => {
  it("round-trips AES/CBC/PKCS5 with a zero IV and the Base64-decoded secret", () => {
    const plain = envelope("kwaishop_order_paySuccess", orderInfo());
    expect(decryptKuaishou(encrypted(plain), KUAISHOU_KEY)).toBe(plain);
    // Independently: zero IV, PKCS5 (OpenSSL's default padding), AES-256 for a 32-byte key.
    const c = createCipheriv("aes-256-cbc", KUAISHOU_KEY, Buffer.alloc(16));
    const b64 = Buffer.concat([c.update("{}"), c.final()]).toString("base64");
    expect(decryptKuaishou(b64, KUAISHOU_KEY)).toBe("{}");
  });

  it("accepts AES-128 keys", () => {
    const key = kuaishouKey(Buffer.alloc(16, 7).toString("base64"));
    const c = createCipheriv("aes-128-cbc", key, Buffer.alloc(16));
    expect(decryptKuaishou(Buffer.concat([c.update("x"), c.final()]).toString("base64"), key)).toBe("x");
  });

  it.each([
    ["", "not Base64"],
    ["not base64!!", "not Base64"],
    [Buffer.from("short").toString("base64"), "whole AES blocks"],
    [Buffer.alloc(32, 1).toString("base64"), "does not decrypt"],
  ])("refuses %j", (body, message) => {
    expect(() => decryptKuaishou(body, KUAISHOU_KEY)).toThrow(KuaishouDecryptError);
    expect(() => decryptKuaishou(body, KUAISHOU_KEY)).toThrow(message);
  });

  it("refuses a body encrypted with another key", () => {
    const other = kuaishouKey(Buffer.alloc(32, 9).toString("base64"));
    const c = createCipheriv("aes-256-cbc", other, Buffer.alloc(16));
    const body = Buffer.concat([c.update(envelope("kwaishop_order_paySuccess", orderInfo())), c.final()]).toString("base64");
    // Either the padding check or the JSON check must fail; never a silently wrong message.
    let failed = false;
    try {
      const text = decryptKuaishou(body, KUAISHOU_KEY);
      failed = !parseKuaishouMessage(text).ok;
    } catch (err) {
      failed = err instanceof KuaishouDecryptError;
    }
    expect(failed).toBe(true);
  });

  it("refuses a secret of the wrong length", () => {
    expect(() => kuaishouKey(Buffer.alloc(10).toString("base64"))).toThrow(KuaishouDecryptError);
  });
});

describe("mapKuaishouMessage", () => {
  it("answers the test event without events", () => {
    expect(map(JSON.stringify({ test: true, event: "kwaishop_order_paySuccess" }))).toEqual({ outcome: "test" });
  });

  it("maps the order events with an exact oid beyond 2^53 and the seller as shop", () => {
    const paid = events(envelope("kwaishop_order_paySuccess", orderInfo()));
    expect(paid).toEqual([
      {
        id: "kuaishou:84_2375715766425",
        type: "order.paid",
        platform: "kuaishou",
        shopId: "2161524184",
        orderId: BIG_OID,
        at: "2026-11-23T08:00:05+08:00",
      },
    ]);
    expect(events(envelope("kwaishop_order_delivering", orderInfo()))[0]!.type).toBe("order.shipped");
    expect(events(envelope("kwaishop_order_deliverySuccess", orderInfo()))[0]!.type).toBe("logistics.signed");
    expect(events(envelope("kwaishop_order_orderFail", orderInfo()))[0]!.type).toBe("order.cancelled");
  });

  it.each([
    [10, "refund_only", false],
    [1, "return_refund", true],
    [3, "exchange", true],
  ])("maps addRefund with handlingWay %i to %s", (way, kind, afterShipment) => {
    const [e] = events(envelope("kwaishop_aftersales_addRefund", refundInfo({ handlingWay: way })));
    expect(e).toEqual({
      id: "kuaishou:84_2375715766425",
      type: "aftersale.requested",
      platform: "kuaishou",
      shopId: "2161524184",
      afterSaleId: "8800000000000000001",
      orderId: BIG_OID,
      kind,
      afterShipment,
      reason: "other",
      at: "2026-11-23T09:00:00+08:00",
    });
  });

  it("ignores resends, repairs and price protection", () => {
    expect(map(envelope("kwaishop_aftersales_addRefund", refundInfo({ handlingWay: 4 }))).outcome).toBe("ignored");
    expect(map(envelope("kwaishop_aftersales_addRefund", refundInfo({ specialRefundType: 1 }))).outcome).toBe("ignored");
  });

  it.each([
    [20, { type: "aftersale.platform_intervened" }],
    [23, { type: "aftersale.platform_intervened" }],
    [30, { type: "aftersale.merchant_acted", decision: "agree" }],
    [40, { type: "aftersale.return_signed" }],
    [50, { type: "aftersale.merchant_acted", decision: "agree" }],
    [60, { type: "aftersale.completed", outcome: "refunded" }],
    [70, { type: "aftersale.completed", outcome: "closed" }],
  ])("maps updateRefund status %i", (status, expected) => {
    const [e] = events(envelope("kwaishop_aftersales_updateRefund", refundInfo({ status, updateTime: 1795395600000 })));
    expect(e).toMatchObject({ ...expected, afterSaleId: "8800000000000000001", shopId: "2161524184" });
  });

  it("ignores updateRefund statuses without a canonical event, and unknown events", () => {
    expect(map(envelope("kwaishop_aftersales_updateRefund", refundInfo({ status: 10 }))).outcome).toBe("ignored");
    expect(map(envelope("kwaishop_item_change", "{}"))).toEqual({ outcome: "unknown", reason: "event kwaishop_item_change" });
  });

  it("names the bad fields", () => {
    expect(map(envelope("kwaishop_order_paySuccess", '{"sellerId":1}'))).toEqual({
      outcome: "invalid",
      problems: [{ field: "info.oid", reason: "is required" }],
    });
    expect(parseKuaishouMessage(envelope("kwaishop_order_paySuccess", "{bad"))).toMatchObject({ ok: false, problems: [{ field: "info" }] });
  });
});
