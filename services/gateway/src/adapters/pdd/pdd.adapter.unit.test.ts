import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { mapPddCommand, parsePddCommand, pddAck, pddConnectUrl, pddHeartbeat, pddSign, type PddCommand } from "./pdd.adapter.js";
import { BIG_COMMAND_ID, MALL_ID, PDD_CREDS, command, refundContent, tradeContent } from "../../../testing/pdd.fixtures.js";

const RECEIVED = Date.parse("2026-11-23T10:00:00+08:00");

function parsed(text: string): PddCommand {
  const r = parsePddCommand(text);
  if (!r.ok) throw new Error(r.reason);
  return r.command;
}

function events(text: string) {
  const r = mapPddCommand(parsed(text), RECEIVED);
  if (r.outcome !== "mapped") throw new Error(`expected mapped, got ${JSON.stringify(r)}`);
  return r.events;
}

describe("pdd connect URL", () => {
  it("signs with urlencode(base64(hex md5(client_id + timestamp + secret)))", () => {
    const ts = 1795392005000;
    const hex = createHash("md5").update(`${PDD_CREDS.clientId}${ts}${PDD_CREDS.clientSecret}`).digest("hex");
    const expected = encodeURIComponent(Buffer.from(hex).toString("base64"));
    expect(pddSign(PDD_CREDS, ts)).toBe(expected);
    expect(expected).toContain("%3D"); // 32 hex chars → Base64 ends in "=", which must be encoded
    expect(pddConnectUrl("wss://message-api.pinduoduo.com/message/", PDD_CREDS, ts)).toBe(
      `wss://message-api.pinduoduo.com/message/${PDD_CREDS.clientId}/${ts}/${expected}`,
    );
  });
});

describe("parsePddCommand / pddAck", () => {
  it("keeps the uint64 id exact and acks it as the same JSON number", () => {
    const cmd = parsed(command("pdd_trade_TradeConfirmed", tradeContent()));
    expect(cmd.id).toBe(BIG_COMMAND_ID);
    expect(cmd.mallId).toBe(MALL_ID);
    const ack = pddAck(cmd, 1795392006000);
    expect(ack).toBe(
      `{"id":${BIG_COMMAND_ID},"commandType":"Ack","time":1795392006000,"sendTime":1795392005500,"type":"pdd_trade_TradeConfirmed","mallID":${MALL_ID}}`,
    );
    // Still valid JSON, and the id survives a lossless read.
    expect(parsed(ack).id).toBe(BIG_COMMAND_ID);
  });

  it("sends heartbeats as HeartBeat commands", () => {
    expect(JSON.parse(pddHeartbeat(5))).toEqual({ commandType: "HeartBeat", time: 5 });
  });

  it("refuses what is not a JSON object", () => {
    expect(parsePddCommand("[1]")).toMatchObject({ ok: false });
    expect(parsePddCommand('{"id":1,')).toMatchObject({ ok: false });
  });
});

describe("mapPddCommand", () => {
  it("maps TradeConfirmed to order.paid for the mall, at the command time", () => {
    expect(events(command("pdd_trade_TradeConfirmed", tradeContent()))).toEqual([
      {
        id: `pdd:${BIG_COMMAND_ID}`,
        type: "order.paid",
        platform: "pdd",
        shopId: MALL_ID,
        orderId: "231123-038440825871540",
        at: "2026-11-23T08:00:05+08:00",
      },
    ]);
  });

  it("maps TradeSellerShip and the refund topics", () => {
    expect(events(command("pdd_trade_TradeSellerShip", tradeContent()))[0]).toMatchObject({ type: "order.shipped" });
    expect(events(command("pdd_refund_RefundCreated", refundContent()))[0]).toMatchObject({
      type: "aftersale.requested",
      afterSaleId: "12345678901",
      orderId: "231123-038440825871540",
      kind: "return_refund",
      afterShipment: true,
      reason: "other",
    });
    expect(events(command("pdd_refund_RefundCreated", refundContent({ bill_type: 1 })))[0]).toMatchObject({
      kind: "refund_only",
      afterShipment: false,
    });
    expect(events(command("pdd_refund_RefundCreated", refundContent({ bill_type: 3 })))[0]).toMatchObject({ kind: "exchange" });
    expect(events(command("pdd_refund_RefundAgreeAgreement", refundContent()))[0]).toMatchObject({
      type: "aftersale.merchant_acted",
      decision: "agree",
    });
    expect(events(command("pdd_refund_RefundClosed", refundContent()))[0]).toMatchObject({
      type: "aftersale.completed",
      outcome: "closed",
    });
  });

  it("uses content.modified (epoch seconds) when present", () => {
    expect(events(command("pdd_refund_RefundCreated", refundContent({ modified: 1795395600 })))[0]!.at).toBe("2026-11-23T09:00:00+08:00");
  });

  it("acknowledges known topics without an event, and unknown ones, with their outcome", () => {
    expect(mapPddCommand(parsed(command("pdd_trade_TradeSuccess", tradeContent())), RECEIVED).outcome).toBe("ignored");
    expect(mapPddCommand(parsed(command("pdd_goods_GoodsAdd", "{}")), RECEIVED).outcome).toBe("unknown");
  });

  it("names bad fields", () => {
    expect(mapPddCommand(parsed(command("pdd_trade_TradeConfirmed", "{}")), RECEIVED)).toEqual({
      outcome: "invalid",
      problems: [{ field: "message.content.tid", reason: "is required" }],
    });
    expect(mapPddCommand(parsed(command("pdd_trade_TradeConfirmed", "{nope")), RECEIVED)).toMatchObject({
      outcome: "invalid",
      problems: [{ field: "message.content" }],
    });
  });
});
