/**
 * Douyin Shop (抖店) message push: verification, decoding, mapping to canonical events.
 *
 * Format, verified against public SDKs (search tool, 2026):
 * - Body: a JSON array of `{tag, msg_id, data}` where `data` is itself a JSON string.
 *   @see zsmhub/doudian-sdk message/doudian_message.go (`Message{Tag, MsgID, Data string}`, `GetMessage`)
 * - Signature: header `event-sign` = hex md5(app_key + raw body + app_secret).
 *   @see zsmhub/doudian-sdk message/doudian_sign.go (`VerifySign`); the push also carries header `app-id` = app key.
 * - Answer `{"code":0,"msg":"success"}`; anything else makes the platform retry.
 *   @see zsmhub/doudian-sdk message/doudian_message.go (`SuccessResponse`, `FailResponse{Code:1}`)
 * - Tag numbers and `data` fields, one file per message in zsmhub/doudian-sdk message/:
 *   101 订单支付确认消息.go (p_id, shop_id, pay_time, pay_amount, order_type), 102 卖家发货消息.go (update_time),
 *   106 订单取消消息.go (cancel_time), 200 买家发起售后申请消息.go (aftersale_id, aftersale_type, apply_time),
 *   201 同意退款消息.go (agree_time), 202 同意退货申请消息.go, 204 拒绝退款消息.go (refuse_time),
 *   205 拒绝退货申请消息.go, 206 退款成功消息.go (success_time), 207 售后关闭消息.go (close_time),
 *   212 买家发起客服仲裁消息.go, 213 客服要求商家上传凭证消息.go, 214 商家上传仲裁凭证消息.go,
 *   215 买家取消仲裁消息.go, 216 客服仲裁结果消息.go (arbitrate_conclusion), 217 仲裁客服介入消息.go,
 *   218 协商期上传凭证消息.go. The same fields appear in fudiwei/DotNetCore.SKIT.FlurlHttpClient.ByteDance
 *   (DouyinShop/Events), which reads p_id/s_id/aftersale_id as numeric strings: they exceed 2^53.
 * - `aftersale_type`: 0 退货退款, 1 已发货仅退款, 2 未发货仅退款, 3 换货, 4 系统取消, 5 用户取消, 6 价保, 7 补寄.
 *   @see zsmhub/doudian-sdk api/afterSale_Detail/response (AfterSaleType) and the same enum in afterSale/List.
 * - `order_type`: 0 实物, 2 普通虚拟, 4 poi核销, 5 三方核销, 6 服务市场 (doudian order.detail field docs).
 * - `arbitrate_blame` (仲裁责任方, in afterSale/Detail ArbitrateInfo): 1 商家, 2 买家, 3 双方, 4 平台, 5 达人.
 *
 * Choices where the message lacks what the canonical event needs (each documented at its tag):
 * - Times: the tag's own time field, epoch seconds; tags 212–218 carry none, so the receipt time is used.
 * - `reason` of `aftersale.requested`: `reason_code` values are per-shop codes from
 *   afterSale/rejectReasonCodeList and cannot be mapped statically, so "other". Feed the real reason through
 *   `POST /v1/events` when it matters (quality_return_rate).
 * - `presale`/`custom` are not in the paid message: a paid physical order counts as in stock.
 * - `shopId` is the message's `shop_id`.
 * - Ids are `douyin:<msg_id>` (a second event of one message appends its type), so a redelivered message
 *   produces the same ids and changes nothing downstream.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FieldProblem } from "@sg/events";
import { tryParseLosslessJson } from "../../json/lossless-json.js";
import { Fields, embeddedObject, finish, isRecord, type MessageOutcome } from "../adapter.js";

export interface DouyinCredentials {
  appKey: string;
  appSecret: string;
}

/** Lowercase hex md5(app_key + body + app_secret). */
export function douyinSign(body: Buffer | string, creds: DouyinCredentials): string {
  return createHash("md5")
    .update(creds.appKey, "utf8")
    .update(typeof body === "string" ? Buffer.from(body, "utf8") : body)
    .update(creds.appSecret, "utf8")
    .digest("hex");
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks `app-id` and `event-sign` over the raw body bytes, in constant time. */
export function verifyDouyin(
  raw: Buffer,
  headers: { appId: string | undefined; sign: string | undefined },
  creds: DouyinCredentials,
): boolean {
  if (headers.appId === undefined || headers.sign === undefined) return false;
  const appIdOk = safeEqual(headers.appId, creds.appKey);
  const signOk = safeEqual(headers.sign.toLowerCase(), douyinSign(raw, creds));
  return appIdOk && signOk;
}

export interface DouyinMessage {
  tag: string;
  msgId: string;
  /** The `data` string as received (for dead letters). */
  rawData: string;
  data: Record<string, unknown> | null;
  /** Problems with this message's envelope or its `data` JSON. */
  problems: FieldProblem[];
}

export type DouyinPush = { ok: true; messages: DouyinMessage[] } | { ok: false; problems: FieldProblem[] };

/** Parses a push body (already known to be signed and valid UTF-8). Ids stay exact. */
export function parseDouyinPush(text: string): DouyinPush {
  const parsed = tryParseLosslessJson(text);
  if (!parsed.ok) return { ok: false, problems: [{ field: "", reason: parsed.reason }] };
  const doc = parsed.value;
  if (!Array.isArray(doc)) return { ok: false, problems: [{ field: "", reason: "must be a JSON array of messages" }] };
  const messages = doc.map((m, i): DouyinMessage => {
    if (!isRecord(m)) {
      return { tag: "", msgId: "", rawData: "", data: null, problems: [{ field: `[${i}]`, reason: "must be an object" }] };
    }
    const f = new Fields(m, `[${i}]`);
    const tag = typeof m.tag === "number" ? String(m.tag) : f.id("tag");
    const msgId = f.id("msg_id");
    const problems = [...f.problems];
    let rawData = "";
    let data: Record<string, unknown> | null = null;
    if (typeof m.data === "string") {
      rawData = m.data;
      const d = embeddedObject(m.data, `[${i}].data`);
      if ("object" in d) data = d.object;
      else problems.push(d.problem);
    } else if (isRecord(m.data)) {
      // Tolerated: an object instead of the documented JSON string.
      data = m.data;
      rawData = JSON.stringify(m.data);
    } else if (tag !== "0") {
      problems.push({ field: `[${i}].data`, reason: "is required (a JSON string)" });
    }
    return { tag, msgId, rawData, data, problems };
  });
  return { ok: true, messages };
}

const AFTERSALE_KIND: Record<number, { kind: "return_refund" | "refund_only" | "exchange"; afterShipment: boolean }> = {
  0: { kind: "return_refund", afterShipment: true },
  1: { kind: "refund_only", afterShipment: true },
  2: { kind: "refund_only", afterShipment: false },
  3: { kind: "exchange", afterShipment: true },
};

const VIRTUAL_ORDER_TYPES = new Set([2, 4, 5, 6]);

const LIABILITY: Record<number, "merchant" | "consumer" | "both" | "none"> = {
  1: "merchant",
  2: "consumer",
  3: "both",
  4: "none", // platform's fault: neither party of the shop's dispute
  5: "none", // the influencer's (达人) fault
};

/** Tags whose message is known and deliberately not mapped. */
const IGNORED: Record<string, string> = {
  "203": "buyer shipped the return; the merchant's signing for it is not pushed",
  "215": "buyer withdrew the arbitration; no canonical event",
  "218": "evidence upload in the negotiation period is not a platform intervention",
};

const INTERVENTION_TAGS = new Set(["212", "213", "214", "217"]);

/** Maps one message. `receivedAt` (epoch ms) stands in for tags that carry no time. */
export function mapDouyinMessage(msg: DouyinMessage, receivedAt: number): MessageOutcome {
  if (msg.tag === "0") return { outcome: "test" };
  if (msg.problems.length > 0) return { outcome: "invalid", problems: msg.problems };
  const ignored = IGNORED[msg.tag];
  if (ignored !== undefined) return { outcome: "ignored", reason: ignored };
  const data = msg.data;
  if (data === null) return { outcome: "invalid", problems: [{ field: "data", reason: "is required" }] };

  const f = new Fields(data, "data");
  const id = `douyin:${msg.msgId}`;
  const base = () => ({ id, platform: "douyin", shopId: f.id("shop_id") });

  switch (msg.tag) {
    case "101": {
      // 订单支付确认消息: pay_amount is in fen.
      const orderType = f.optionalInt("order_type");
      const amount = f.has("pay_amount") ? f.int("pay_amount") / 100 : undefined;
      return finish(
        [
          {
            ...base(),
            type: "order.paid",
            orderId: f.id("p_id"),
            at: f.time("pay_time"),
            ...(amount === undefined ? {} : { amount }),
            ...(orderType !== undefined && VIRTUAL_ORDER_TYPES.has(orderType) ? { noShipment: true } : {}),
          },
        ],
        f,
      );
    }
    case "102":
      return finish([{ ...base(), type: "order.shipped", orderId: f.id("p_id"), at: f.firstTime(["update_time"], receivedAt) }], f);
    case "106":
      return finish(
        [{ ...base(), type: "order.cancelled", orderId: f.id("p_id"), at: f.firstTime(["cancel_time", "update_time"], receivedAt) }],
        f,
      );
    case "200": {
      const t = f.int("aftersale_type");
      const k = AFTERSALE_KIND[t];
      if (f.ok() && k === undefined) return { outcome: "ignored", reason: `aftersale_type ${t} is not a refund, return or exchange` };
      return finish(
        [
          {
            ...base(),
            type: "aftersale.requested",
            afterSaleId: f.id("aftersale_id"),
            orderId: f.id("p_id"),
            kind: k?.kind,
            afterShipment: k?.afterShipment,
            reason: "other",
            at: f.firstTime(["apply_time", "update_time"], receivedAt),
          },
        ],
        f,
      );
    }
    case "201": // 同意退款 (also sent when the merchant confirms receipt of a return)
    case "202": // 同意退货申请
      return finish(
        [
          {
            ...base(),
            type: "aftersale.merchant_acted",
            afterSaleId: f.id("aftersale_id"),
            decision: "agree",
            at: f.firstTime(["agree_time", "update_time"], receivedAt),
          },
        ],
        f,
      );
    case "204": // 拒绝退款
    case "205": // 拒绝退货申请
      return finish(
        [
          {
            ...base(),
            type: "aftersale.merchant_acted",
            afterSaleId: f.id("aftersale_id"),
            decision: "refuse",
            at: f.firstTime(["refuse_time", "update_time"], receivedAt),
          },
        ],
        f,
      );
    case "206":
      return finish(
        [
          {
            ...base(),
            type: "aftersale.completed",
            afterSaleId: f.id("aftersale_id"),
            outcome: "refunded",
            at: f.firstTime(["success_time", "update_time"], receivedAt),
          },
        ],
        f,
      );
    case "207":
      // 售后关闭: the message does not say whether the consumer withdrew or it lapsed; both close it.
      return finish(
        [
          {
            ...base(),
            type: "aftersale.completed",
            afterSaleId: f.id("aftersale_id"),
            outcome: "closed",
            at: f.firstTime(["close_time", "update_time"], receivedAt),
          },
        ],
        f,
      );
    case "216": {
      // 客服仲裁结果: the platform ruled. Liability needs `arbitrate_blame`; without it only the intervention is known.
      const common = { ...base(), afterSaleId: f.id("aftersale_id"), at: receivedAt };
      const intervened = { ...common, id: `${id}:platform_intervened`, type: "aftersale.platform_intervened" };
      const blame = f.optionalInt("arbitrate_blame");
      const liability = blame === undefined ? undefined : LIABILITY[blame];
      if (liability === undefined) return finish([intervened], f);
      return finish([intervened, { ...common, type: "aftersale.arbitrated", liability }], f);
    }
    default:
      if (INTERVENTION_TAGS.has(msg.tag)) {
        return finish([{ ...base(), type: "aftersale.platform_intervened", afterSaleId: f.id("aftersale_id"), at: receivedAt }], f);
      }
      return { outcome: "unknown", reason: `tag ${msg.tag}` };
  }
}
