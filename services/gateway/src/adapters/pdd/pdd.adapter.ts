/**
 * Pinduoduo (拼多多) message service: the connect URL's signature, the command format, mapping to canonical
 * events. The websocket client itself is pdd.client.ts.
 *
 * Format, verified against public SDKs (search tool, 2026):
 * - Connect to `{url}/{client_id}/{timestamp_ms}/{sign}`, sign = Base64(hex md5(client_id + timestamp +
 *   client_secret)); the URL path needs it URL-encoded (Base64 has `+`, `/`, `=`).
 *   @see bububa/openpdd core/client.go (`WSSUrl`, `signWSS`), core/const.go (`wss://message-api.pinduoduo.com/message`).
 * - Commands: `{id, commandType: Common|Fail|HeartBeat|Ack, time, sendTime, message: {type, mallID, content}}`
 *   where `content` is a JSON string; the ack is `{id, commandType: "Ack", time, sendTime, type, mallID}`.
 *   @see bububa/openpdd api/pmc/message.go (`Command`, `Message`, `AckMessage`), and niltor/open-pdd-net-sdk
 *   Models/SocketMessageModel.cs (the same fields). `id` is a uint64: it is kept exact.
 * - Topics and `content`: `pdd_trade_TradeConfirmed` `{"mall_id":171504183,"tid":"210822-038440825871540"}`;
 *   `pdd_refund_RefundCreated` `{refund_id, tid, bill_type, refund_fee, operation, modified}`; the other
 *   trade/refund topics carry `tid` (and `refund_id`).
 *   @see merchant integrations of the official Java SDK (PddWsClientMessageHandler.java: a sample
 *   TradeConfirmed command and the RefundCreated fields; PddTradeNotityModel.cs: `mall_id`, `tid`).
 * - `bill_type` + 1 = `after_sales_type` of the refund APIs (2 仅退款, 3 退货退款, 4 换货), per the same
 *   handler (`setAfter_sales_type(billType+1)`): bill_type 1 仅退款, 2 退货退款, 3 换货.
 *
 * Choices where the message lacks what the canonical event needs:
 * - `shopId`: the command's `message.mallID` (else `content.mall_id`).
 * - `at`: `content.modified` when present, else the command's `time` (when the platform created it).
 * - Ids: `pdd:<command id>`; a redelivered command has the same id.
 * - `reason` is not in the push ("other"); `afterShipment` is false for refund-only, true otherwise (the
 *   pdd rule pack does not use it).
 * - Known topics without a canonical event (acknowledged, counted): TradeSuccess (buyer confirmed receipt,
 *   not the delivery time), RefundBuyerReturnGoods (buyer shipped the return, not signed for), memo changes.
 */
import { createHash } from "node:crypto";
import { tryParseLosslessJson } from "../../json/lossless-json.js";
import { Fields, embeddedObject, finish, isRecord, type MessageOutcome } from "../adapter.js";

export interface PddCredentials {
  clientId: string;
  clientSecret: string;
}

/** URL-encoded Base64 of the lowercase hex md5(client_id + timestamp + secret). */
export function pddSign(creds: PddCredentials, timestampMs: number): string {
  const hex = createHash("md5").update(`${creds.clientId}${timestampMs}${creds.clientSecret}`, "utf8").digest("hex");
  return encodeURIComponent(Buffer.from(hex, "utf8").toString("base64"));
}

export function pddConnectUrl(baseUrl: string, creds: PddCredentials, timestampMs: number): string {
  return `${baseUrl.replace(/\/+$/, "")}/${encodeURIComponent(creds.clientId)}/${timestampMs}/${pddSign(creds, timestampMs)}`;
}

export interface PddCommand {
  /** Exact decimal string of the uint64 id. */
  id: string;
  commandType: string;
  time: number | undefined;
  sendTime: number | undefined;
  type: string;
  mallId: string;
  content: Record<string, unknown> | null;
  /** Problems with the command or its content. */
  problems: Array<{ field: string; reason: string }>;
  raw: string;
}

export type PddParse = { ok: true; command: PddCommand } | { ok: false; reason: string };

export function parsePddCommand(text: string): PddParse {
  const parsed = tryParseLosslessJson(text);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  const doc = parsed.value;
  if (!isRecord(doc)) return { ok: false, reason: "command must be a JSON object" };
  const f = new Fields(doc);
  const commandType = typeof doc.commandType === "string" ? doc.commandType : "";
  const id = f.has("id") ? f.id("id") : "";
  const message = isRecord(doc.message) ? doc.message : {};
  const m = new Fields(message, "message");
  const type = typeof message.type === "string" ? message.type : "";
  const mallId = m.optionalId("mallID") ?? "";
  let content: Record<string, unknown> | null = null;
  const problems = [...f.problems, ...m.problems];
  if (typeof message.content === "string" && message.content !== "") {
    const c = embeddedObject(message.content, "message.content");
    if ("object" in c) content = c.object;
    else problems.push(c.problem);
  }
  const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  return {
    ok: true,
    command: { id, commandType, time: num(doc.time), sendTime: num(doc.sendTime), type, mallId, content, problems, raw: text },
  };
}

/**
 * The ack for a command, with `id` and `mallID` written as the exact integers they were (a JSON number
 * beyond 2^53 cannot go through `JSON.stringify` intact).
 */
export function pddAck(cmd: PddCommand, now: number): string {
  const intOrString = (v: string): string => (/^-?\d+$/.test(v) ? v : JSON.stringify(v));
  return (
    `{"id":${intOrString(cmd.id)},"commandType":"Ack","time":${now},"sendTime":${cmd.sendTime ?? now},` +
    `"type":${JSON.stringify(cmd.type)},"mallID":${cmd.mallId === "" ? 0 : intOrString(cmd.mallId)}}`
  );
}

export function pddHeartbeat(now: number): string {
  return JSON.stringify({ commandType: "HeartBeat", time: now });
}

const KIND_BY_BILL_TYPE: Record<number, "refund_only" | "return_refund" | "exchange"> = {
  1: "refund_only",
  2: "return_refund",
  3: "exchange",
};

const IGNORED: Record<string, string> = {
  pdd_trade_TradeSuccess: "buyer confirmed receipt; not the delivery time",
  pdd_refund_RefundBuyerReturnGoods: "buyer shipped the return; not signed for",
  pdd_trade_TradeMemoModified: "memo change",
  pdd_trade_BuyerMemoModified: "memo change",
  pdd_trade_TradeLogisticsAddressChanged: "address change",
  pdd_refund_RefundBuyerModifyAgreement: "buyer changed the request",
  pdd_refund_RefundCreateMessage: "refund message posted",
};

/** Maps a `Common` command. */
export function mapPddCommand(cmd: PddCommand, receivedAt: number): MessageOutcome {
  const ignored = IGNORED[cmd.type];
  if (ignored !== undefined) return { outcome: "ignored", reason: ignored };
  const known = [
    "pdd_trade_TradeConfirmed",
    "pdd_trade_TradeSellerShip",
    "pdd_refund_RefundCreated",
    "pdd_refund_RefundAgreeAgreement",
    "pdd_refund_RefundClosed",
  ];
  if (!known.includes(cmd.type)) return { outcome: "unknown", reason: `type ${cmd.type || "(none)"}` };
  if (cmd.problems.length > 0) return { outcome: "invalid", problems: cmd.problems };
  if (cmd.id === "") return { outcome: "invalid", problems: [{ field: "id", reason: "is required" }] };
  if (cmd.content === null) return { outcome: "invalid", problems: [{ field: "message.content", reason: "is required" }] };

  const f = new Fields(cmd.content, "message.content");
  const shopId = cmd.mallId !== "" ? cmd.mallId : f.id("mall_id");
  const at = f.firstTime(["modified", "updated_at"], cmd.time ?? receivedAt);
  const base = { id: `pdd:${cmd.id}`, platform: "pdd", shopId, at };

  switch (cmd.type) {
    case "pdd_trade_TradeConfirmed":
      return finish([{ ...base, type: "order.paid", orderId: f.id("tid") }], f);
    case "pdd_trade_TradeSellerShip":
      return finish([{ ...base, type: "order.shipped", orderId: f.id("tid") }], f);
    case "pdd_refund_RefundCreated": {
      const billType = f.optionalInt("bill_type") ?? 1;
      const kind = KIND_BY_BILL_TYPE[billType] ?? "refund_only";
      return finish(
        [
          {
            ...base,
            type: "aftersale.requested",
            afterSaleId: f.id("refund_id"),
            orderId: f.id("tid"),
            kind,
            reason: "other",
            afterShipment: kind !== "refund_only",
          },
        ],
        f,
      );
    }
    case "pdd_refund_RefundAgreeAgreement":
      return finish([{ ...base, type: "aftersale.merchant_acted", afterSaleId: f.id("refund_id"), decision: "agree" }], f);
    default: // pdd_refund_RefundClosed
      return finish([{ ...base, type: "aftersale.completed", afterSaleId: f.id("refund_id"), outcome: "closed" }], f);
  }
}
