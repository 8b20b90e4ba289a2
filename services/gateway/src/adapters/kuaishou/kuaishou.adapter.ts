/**
 * Kuaishou Shop (快手小店) message push: decryption, decoding, mapping to canonical events.
 *
 * Format, verified against public SDKs and integrations (search tool, 2026):
 * - Body: Base64 of AES/CBC/PKCS5Padding ciphertext; key = Base64-decoded message secret (消息秘钥);
 *   IV = 16 zero bytes.
 *   @see WyntersN/go-kwai core/d.go (`AesDecryptCBC`: base64 key, `iv := make([]byte, aes.BlockSize)`,
 *   CBC, PKCS5 unpadding) and examples/message_decryption.
 * - Decrypted: `{eventId, msgId, bizId, userId, openId, appKey, event, info (a JSON string), status,
 *   createTime, updateTime, test}`; `test: true` is the platform's heartbeat/test event.
 *   @see WyntersN/go-kwai examples/message_decryption/README.md (msgNoticeForm) and a merchant integration
 *   (KuaiShouMessageBody.java: "eventId 消息唯一id, msgId 业务消息内容唯一id, test 是否心跳测试事件").
 * - Answer `{"result":1}`. @see the same integration's `receive` controller (`result.put("result", 1)`).
 * - `info` of the order events: `{oid, sellerId, status, updateTime (ms)}`; of the after-sales events:
 *   `{orderId, refundId, handlingWay, specialRefundType, status, createTime | updateTime (ms)}`.
 *   @see a public Go SDK's message/ files, each citing open.kwaixiaodian.com/zone/new/docs/msg?name=…
 *   (MsgOrderPaySuccess, MsgOrderFail, MsgAfterSalesAddRefund, MsgAfterSalesUpdateRefund) and
 *   ks_shop_go_sdk's OrderMessageStatusChange (kwaishop_order_delivering / _deliverySuccess).
 * - `handlingWay`: 1 退货退款, 10 仅退款, 3 换货, 4 补寄, 5 维修. `specialRefundType`: 0 非特殊, 1 价保.
 * - Refund `status`: 10 买家仅退款申请, 11 买家退货退款申请, 20/21/22/23 平台介入-…, 30 商品回寄信息待买家更新,
 *   40 商品回寄信息待卖家确认, 45 卖家已经发货等待买家确认收货, 50 退款执行中, 60 退款成功, 70 退款失败.
 *
 * Choices where the message lacks what the canonical event needs:
 * - `shopId`: `info.sellerId` when present, else the envelope's `userId` (the authorising merchant).
 * - Ids: `kuaishou:<msgId>` (the content id; a redelivery carries the same), falling back to `eventId`.
 * - `afterShipment`: not in the push; true for returns and exchanges, false for refund-only (the Kuaishou
 *   rule pack does not use it). `reason`: not in the push, "other".
 * - A merchant refusal is not visible in the push (Kuaishou keeps it in `negotiateStatus`, which only the
 *   refund detail API returns); send `aftersale.merchant_acted` refuse through `POST /v1/events` if needed.
 * - Status 40 (the return awaits the merchant's confirmation) starts the merchant's second wait, so it maps to
 *   `aftersale.return_signed`.
 */
import { createDecipheriv } from "node:crypto";
import { decodeUtf8Strict, tryParseLosslessJson } from "../../json/lossless-json.js";
import { Fields, embeddedObject, finish, isRecord, type MessageOutcome } from "../adapter.js";

export class KuaishouDecryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KuaishouDecryptError";
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The AES key from the configured Base64 message secret (16, 24 or 32 bytes: AES-128/192/256). */
export function kuaishouKey(messageSecret: string): Buffer {
  const key = Buffer.from(messageSecret, "base64");
  if (![16, 24, 32].includes(key.length)) throw new KuaishouDecryptError(`message secret decodes to ${key.length} bytes, not 16, 24 or 32`);
  return key;
}

/** AES-CBC without its padding check: never throws on whole blocks, so a bad padding takes no separate path. */
function decryptBlocks(cipherText: Buffer, key: Buffer): Buffer {
  const decipher = createDecipheriv(`aes-${key.length * 8}-cbc`, key, Buffer.alloc(16, 0));
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(cipherText), decipher.final()]);
}

/**
 * The PKCS#5/7 padding length of a decrypted buffer, or 0 when the padding is invalid. Every byte of the last
 * block is examined whatever the answer, and no branch depends on where a mismatch is (no timing oracle).
 */
function paddingLength(plain: Buffer): number {
  const pad = plain[plain.length - 1]!;
  let bad = (pad === 0 ? 1 : 0) | (pad > 16 ? 1 : 0);
  for (let i = 1; i <= 16; i++) {
    const inPad = i <= pad ? 1 : 0;
    bad |= inPad & (plain[plain.length - i] === pad ? 0 : 1);
  }
  return bad === 0 ? pad : 0;
}

/** The Base64 ciphertext of a push body, or a reason; depends only on the body, never on the secret. */
function cipherTextOf(body: string): Buffer | string {
  const b64 = body.trim().replace(/^"|"$/g, "").replace(/\s+/g, "");
  if (b64 === "" || !BASE64.test(b64)) return "body is not Base64";
  const cipherText = Buffer.from(b64, "base64");
  if (cipherText.length === 0 || cipherText.length % 16 !== 0) return "ciphertext is not whole AES blocks";
  return cipherText;
}

/** Decrypts a push body to its UTF-8 plaintext. Throws `KuaishouDecryptError` on anything malformed. */
export function decryptKuaishou(body: string, key: Buffer): string {
  const cipherText = cipherTextOf(body);
  if (typeof cipherText === "string") throw new KuaishouDecryptError(cipherText);
  const plain = decryptBlocks(cipherText, key);
  const pad = paddingLength(plain);
  // A bad padding is the usual sign of a wrong key or a forged body.
  if (pad === 0) throw new KuaishouDecryptError("body does not decrypt with the configured message secret");
  const text = decodeUtf8Strict(plain.subarray(0, plain.length - pad));
  if (text === null) throw new KuaishouDecryptError("decrypted body is not UTF-8");
  return text;
}

export type KuaishouOpen =
  | { ok: true; message: KuaishouMessage; plaintext: string }
  /** `why` is for the log only: the answer to the sender must not depend on it. */
  | { ok: false; why: string };

/**
 * Decrypts and parses a push in one uniform path, for the webhook. CBC without a MAC is malleable, so every
 * way a body can fail after the key is used (padding, UTF-8, JSON, envelope) must look the same to the
 * sender, or the difference is a padding oracle. All steps run whatever the earlier ones found; only the
 * final verdict depends on them. Never throws.
 */
export function openKuaishouMessage(body: string, key: Buffer): KuaishouOpen {
  const cipherText = cipherTextOf(body);
  if (typeof cipherText === "string") return { ok: false, why: cipherText };
  const plain = decryptBlocks(cipherText, key);
  const pad = paddingLength(plain);
  const text = decodeUtf8Strict(plain.subarray(0, plain.length - pad));
  const parsed = parseKuaishouMessage(text ?? "");
  if (pad === 0) return { ok: false, why: "bad padding: does not decrypt with the configured message secret" };
  if (text === null) return { ok: false, why: "decrypted body is not UTF-8" };
  if (!parsed.ok)
    return {
      ok: false,
      why: `decrypted body is not a message: ${parsed.problems.map((p) => `${p.field || "(body)"}: ${p.reason}`).join("; ")}`,
    };
  return { ok: true, message: parsed.message, plaintext: text };
}

/** For tests and tools: the platform side of `decryptKuaishou`. */
export { encryptKuaishou } from "./kuaishou.crypto.js";

export interface KuaishouMessage {
  event: string;
  id: string;
  test: boolean;
  /** The decrypted JSON, for dead letters. */
  plaintext: string;
  envelope: Record<string, unknown>;
  info: Record<string, unknown> | null;
}

export type KuaishouParse = { ok: true; message: KuaishouMessage } | { ok: false; problems: Array<{ field: string; reason: string }> };

export function parseKuaishouMessage(plaintext: string): KuaishouParse {
  const parsed = tryParseLosslessJson(plaintext);
  if (!parsed.ok) return { ok: false, problems: [{ field: "", reason: parsed.reason }] };
  const doc = parsed.value;
  if (!isRecord(doc)) return { ok: false, problems: [{ field: "", reason: "must be a JSON object" }] };
  const test = doc.test === true;
  const f = new Fields(doc);
  const event = typeof doc.event === "string" ? doc.event : "";
  if (!test && event === "") f.id("event");
  const id = f.has("msgId") ? f.id("msgId") : f.has("eventId") ? f.id("eventId") : test ? "" : f.id("msgId");
  let info: Record<string, unknown> | null = null;
  if (typeof doc.info === "string" && doc.info !== "") {
    const i = embeddedObject(doc.info, "info");
    if ("object" in i) info = i.object;
    else f.problems.push(i.problem);
  } else if (isRecord(doc.info)) {
    info = doc.info;
  }
  if (!f.ok() && !test) return { ok: false, problems: f.problems };
  return { ok: true, message: { event, id, test, plaintext, envelope: doc, info } };
}

const KIND_BY_HANDLING_WAY: Record<number, "return_refund" | "refund_only" | "exchange"> = {
  1: "return_refund",
  10: "refund_only",
  3: "exchange",
};

const INTERVENED = new Set([20, 21, 22, 23]);

export function mapKuaishouMessage(msg: KuaishouMessage, receivedAt: number): MessageOutcome {
  if (msg.test) return { outcome: "test" };
  const info = msg.info;
  const isOrder = msg.event.startsWith("kwaishop_order_");
  const isRefund = msg.event.startsWith("kwaishop_aftersales_");
  if (!isOrder && !isRefund) return { outcome: "unknown", reason: `event ${msg.event}` };
  if (info === null) return { outcome: "invalid", problems: [{ field: "info", reason: "is required" }] };

  const f = new Fields(info, "info");
  const env = new Fields(msg.envelope);
  const shopId = f.has("sellerId") ? f.id("sellerId") : env.id("userId");
  f.problems.push(...env.problems);
  const id = `kuaishou:${msg.id}`;
  const at = f.firstTime(["updateTime", "createTime"], new Fields(msg.envelope).firstTime(["updateTime", "createTime"], receivedAt));
  const base = { id, platform: "kuaishou", shopId, at };

  switch (msg.event) {
    case "kwaishop_order_paySuccess":
      return finish([{ ...base, type: "order.paid", orderId: f.id("oid") }], f);
    case "kwaishop_order_delivering":
      return finish([{ ...base, type: "order.shipped", orderId: f.id("oid") }], f);
    case "kwaishop_order_deliverySuccess":
      return finish([{ ...base, type: "logistics.signed", orderId: f.id("oid") }], f);
    case "kwaishop_order_orderFail":
      // 订单交易失败: a cancelled order turns into 订单失败.
      return finish([{ ...base, type: "order.cancelled", orderId: f.id("oid") }], f);
    case "kwaishop_aftersales_addRefund": {
      const way = f.int("handlingWay");
      const special = f.optionalInt("specialRefundType") ?? 0;
      const status = f.optionalInt("status");
      const afterSaleId = f.id("refundId");
      const orderId = f.id("orderId");
      if (!f.ok()) return { outcome: "invalid", problems: f.problems };
      const kind = KIND_BY_HANDLING_WAY[way];
      if (kind === undefined || special !== 0) {
        return { outcome: "ignored", reason: `handlingWay ${way}, specialRefundType ${special} is not a refund, return or exchange` };
      }
      const requested = {
        ...base,
        type: "aftersale.requested",
        afterSaleId,
        orderId,
        kind,
        reason: "other",
        afterShipment: kind !== "refund_only",
      };
      const events: Array<Record<string, unknown>> = [requested];
      if (status !== undefined && INTERVENED.has(status)) {
        events.push({ ...base, id: `${id}:platform_intervened`, type: "aftersale.platform_intervened", afterSaleId });
      }
      return finish(events, f);
    }
    case "kwaishop_aftersales_updateRefund": {
      const status = f.int("status");
      const afterSaleId = f.id("refundId");
      if (!f.ok()) return { outcome: "invalid", problems: f.problems };
      const ev = { ...base, afterSaleId };
      if (INTERVENED.has(status)) return finish([{ ...ev, type: "aftersale.platform_intervened" }]);
      switch (status) {
        case 30: // the merchant agreed to the return; the buyer is to send it back
        case 45: // the merchant shipped the exchange
        case 50: // the refund is being executed: agreed (by the merchant or by timeout)
          return finish([{ ...ev, type: "aftersale.merchant_acted", decision: "agree" }]);
        case 40:
          return finish([{ ...ev, type: "aftersale.return_signed" }]);
        case 60:
          return finish([{ ...ev, type: "aftersale.completed", outcome: "refunded" }]);
        case 70:
          return finish([{ ...ev, type: "aftersale.completed", outcome: "closed" }]);
        default:
          return { outcome: "ignored", reason: `refund status ${status} has no canonical event` };
      }
    }
    default:
      return { outcome: "unknown", reason: `event ${msg.event}` };
  }
}
