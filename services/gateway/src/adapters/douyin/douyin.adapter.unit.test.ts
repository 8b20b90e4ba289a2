import { describe, expect, it } from "vitest";
import { mapDouyinMessage, parseDouyinPush, verifyDouyin, douyinSign, type DouyinMessage } from "./douyin.adapter.js";
import {
  BIG_AFTERSALE_ID,
  BIG_ORDER_ID,
  DOUYIN_CREDS,
  aftersaleData,
  dataString,
  paidData,
  pushBody,
} from "../../../testing/douyin.fixtures.js";

const RECEIVED = Date.parse("2026-11-23T10:00:00+08:00");

function one(tag: string, data: string, msgId = "m-1"): DouyinMessage {
  const r = parseDouyinPush(pushBody([{ tag, msg_id: msgId, data }]));
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.messages[0]!;
}

function mapped(tag: string, data: string) {
  const r = mapDouyinMessage(one(tag, data), RECEIVED);
  if (r.outcome !== "mapped") throw new Error(`expected mapped, got ${JSON.stringify(r)}`);
  return r.events;
}

describe("verifyDouyin", () => {
  const body = Buffer.from(pushBody([{ tag: "101", msg_id: "m", data: paidData() }]));
  const sign = douyinSign(body, DOUYIN_CREDS);

  it("accepts md5(app_key + body + app_secret) with the configured app-id", () => {
    expect(sign).toMatch(/^[0-9a-f]{32}$/);
    expect(verifyDouyin(body, { appId: DOUYIN_CREDS.appKey, sign }, DOUYIN_CREDS)).toBe(true);
    expect(verifyDouyin(body, { appId: DOUYIN_CREDS.appKey, sign: sign.toUpperCase() }, DOUYIN_CREDS)).toBe(true);
  });

  it("matches a signature computed outside this code (python3 hashlib.md5 and openssl md5 agree)", () => {
    // printf '%s' '7152331234567890123[{"tag":"101",…}]a1b2c3d4-e5f6-7a8b-9c0d-1e2f3a4b5c6d' | openssl md5
    const creds = { appKey: "7152331234567890123", appSecret: "a1b2c3d4-e5f6-7a8b-9c0d-1e2f3a4b5c6d" };
    const raw = String.raw`[{"tag":"101","msg_id":"7000000000000000001","data":"{\"shop_id\":880001,\"p_id\":4400000000000000001,\"pay_time\":1763856005}"}]`;
    const external = "1c35407d4030097f4ed5e9c268de3bf5";
    expect(douyinSign(Buffer.from(raw, "utf8"), creds)).toBe(external);
    expect(verifyDouyin(Buffer.from(raw, "utf8"), { appId: creds.appKey, sign: external }, creds)).toBe(true);
  });

  it("refuses a wrong app-id, a missing header, a signature over another body, or another secret", () => {
    expect(verifyDouyin(body, { appId: "other", sign }, DOUYIN_CREDS)).toBe(false);
    expect(verifyDouyin(body, { appId: undefined, sign }, DOUYIN_CREDS)).toBe(false);
    expect(verifyDouyin(body, { appId: DOUYIN_CREDS.appKey, sign: undefined }, DOUYIN_CREDS)).toBe(false);
    const other = Buffer.concat([body, Buffer.from(" ")]);
    expect(verifyDouyin(other, { appId: DOUYIN_CREDS.appKey, sign }, DOUYIN_CREDS)).toBe(false);
    expect(
      verifyDouyin(body, { appId: DOUYIN_CREDS.appKey, sign: douyinSign(body, { ...DOUYIN_CREDS, appSecret: "x" }) }, DOUYIN_CREDS),
    ).toBe(false);
    expect(verifyDouyin(body, { appId: DOUYIN_CREDS.appKey, sign: "short" }, DOUYIN_CREDS)).toBe(false);
  });
});

describe("parseDouyinPush", () => {
  it("refuses a body that is not a JSON array", () => {
    expect(parseDouyinPush('{"tag":"101"}')).toMatchObject({ ok: false });
    expect(parseDouyinPush('[{"tag":"101",')).toMatchObject({ ok: false, problems: [{ field: "" }] });
  });

  it("reports bad messages by index without failing the others", () => {
    const r = parseDouyinPush(
      JSON.stringify([{ tag: "101", msg_id: "a", data: paidData() }, 7, { tag: "102", msg_id: "b", data: "{oops" }]),
    );
    if (!r.ok) throw new Error("expected ok");
    expect(r.messages[0]!.problems).toEqual([]);
    expect(r.messages[1]!.problems).toEqual([{ field: "[1]", reason: "must be an object" }]);
    expect(r.messages[2]!.problems[0]!.field).toBe("[2].data");
  });
});

describe("mapDouyinMessage", () => {
  it("answers the platform's test message (tag 0) without events", () => {
    expect(mapDouyinMessage(one("0", "{}"), RECEIVED)).toEqual({ outcome: "test" });
  });

  it("maps 101 to order.paid with an exact order id beyond 2^53, amount in yuan, pay time", () => {
    expect(mapped("101", paidData())).toEqual([
      {
        id: "douyin:m-1",
        type: "order.paid",
        platform: "douyin",
        shopId: "4463798",
        orderId: BIG_ORDER_ID,
        amount: 129.9,
        at: "2026-11-23T08:00:05+08:00",
      },
    ]);
  });

  it("marks virtual orders as noShipment", () => {
    expect(mapped("101", paidData({ order_type: 2 }))[0]).toMatchObject({ noShipment: true });
  });

  it("maps 102 shipped and 106 cancelled", () => {
    const ship = dataString({ p_id: BIG_ORDER_ID, shop_id: 1, update_time: 1795395600 }, ["p_id"]);
    expect(mapped("102", ship)[0]).toMatchObject({ type: "order.shipped", orderId: BIG_ORDER_ID, at: "2026-11-23T09:00:00+08:00" });
    const cancel = dataString({ p_id: BIG_ORDER_ID, shop_id: 1, cancel_time: 1795395600 }, ["p_id"]);
    expect(mapped("106", cancel)[0]).toMatchObject({ type: "order.cancelled", orderId: BIG_ORDER_ID });
  });

  it.each([
    [0, "return_refund", true],
    [1, "refund_only", true],
    [2, "refund_only", false],
    [3, "exchange", true],
  ])("maps 200 with aftersale_type %i to %s (afterShipment %s)", (type, kind, afterShipment) => {
    expect(mapped("200", aftersaleData({ aftersale_type: type }))[0]).toEqual({
      id: "douyin:m-1",
      type: "aftersale.requested",
      platform: "douyin",
      shopId: "4463798",
      afterSaleId: BIG_AFTERSALE_ID,
      orderId: BIG_ORDER_ID,
      kind,
      afterShipment,
      reason: "other",
      at: "2026-11-23T09:00:00+08:00",
    });
  });

  it("ignores after-sales that are not refunds, returns or exchanges (price protection, resend)", () => {
    expect(mapDouyinMessage(one("200", aftersaleData({ aftersale_type: 6 })), RECEIVED)).toMatchObject({ outcome: "ignored" });
  });

  it.each([
    ["201", { agree_time: 1795395600 }, { type: "aftersale.merchant_acted", decision: "agree" }],
    ["202", {}, { type: "aftersale.merchant_acted", decision: "agree" }],
    ["204", { refuse_time: 1795395600 }, { type: "aftersale.merchant_acted", decision: "refuse" }],
    ["205", {}, { type: "aftersale.merchant_acted", decision: "refuse" }],
    ["206", { success_time: 1795395600 }, { type: "aftersale.completed", outcome: "refunded" }],
    ["207", { close_time: 1795395600 }, { type: "aftersale.completed", outcome: "closed" }],
    ["212", {}, { type: "aftersale.platform_intervened" }],
    ["213", {}, { type: "aftersale.platform_intervened" }],
    ["214", {}, { type: "aftersale.platform_intervened" }],
    ["217", {}, { type: "aftersale.platform_intervened" }],
  ])("maps tag %s", (tag, extra, expected) => {
    const events = mapped(tag, aftersaleData(extra));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ ...expected, afterSaleId: BIG_AFTERSALE_ID, id: "douyin:m-1" });
  });

  it("uses the receipt time where the message has none (arbitration tags)", () => {
    expect(mapped("212", aftersaleData())[0]!.at).toBe("2026-11-23T10:00:00+08:00");
  });

  it("maps 216 to the intervention and, with arbitrate_blame, the ruling", () => {
    expect(mapped("216", aftersaleData({ arbitrate_conclusion: 1, arbitrate_blame: 3 })).map((e) => [e.id, e.type])).toEqual([
      ["douyin:m-1:platform_intervened", "aftersale.platform_intervened"],
      ["douyin:m-1", "aftersale.arbitrated"],
    ]);
    expect(mapped("216", aftersaleData({ arbitrate_blame: 1 }))[1]).toMatchObject({ liability: "merchant" });
    expect(mapped("216", aftersaleData({ arbitrate_blame: 2 }))[1]).toMatchObject({ liability: "consumer" });
    expect(mapped("216", aftersaleData({ arbitrate_conclusion: 1 })).map((e) => e.type)).toEqual(["aftersale.platform_intervened"]);
  });

  it("acknowledges 215 and 218 as ignored, and unknown tags as unknown", () => {
    expect(mapDouyinMessage(one("215", aftersaleData()), RECEIVED).outcome).toBe("ignored");
    expect(mapDouyinMessage(one("218", aftersaleData()), RECEIVED).outcome).toBe("ignored");
    expect(mapDouyinMessage(one("999", "{}"), RECEIVED)).toEqual({ outcome: "unknown", reason: "tag 999" });
  });

  it("reports every bad field of a known tag", () => {
    const r = mapDouyinMessage(one("101", dataString({ p_id: true, pay_time: "soon" })), RECEIVED);
    expect(r).toEqual({
      outcome: "invalid",
      problems: [
        { field: "data.shop_id", reason: "is required" },
        { field: "data.p_id", reason: "must be a non-empty id (string or integer)" },
        { field: "data.pay_time", reason: "must be a time" },
      ],
    });
  });

  it("gives the same ids for a redelivered message", () => {
    const a = mapped("101", paidData());
    const b = mapped("101", paidData());
    expect(a).toEqual(b);
  });
});
