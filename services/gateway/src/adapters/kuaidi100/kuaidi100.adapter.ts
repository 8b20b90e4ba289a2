/**
 * 快递100 (kuaidi100) subscription push (订阅推送): the tracking provider that tells us pickup (揽收) and
 * delivery (签收), which the platforms' order pushes do not carry.
 *
 * Format, verified against the provider's official Java demo (search tool, 2026):
 * - POST `application/x-www-form-urlencoded` with `param` (a JSON string) and `sign`
 *   = uppercase hex md5(param + salt), `salt` being the value given when subscribing.
 *   @see kuaidi100-api/java-demo (callBackUrl: `SignUtils.sign(param + salt)`; SignUtils: md5 then toUpperCase)
 * - `param`: `{status: polling|shutdown|abort|updateall, message, autoCheck, comOld, comNew,
 *   lastResult: {state, ischeck, com, nu, data: [{context, time, ftime, status?, areaCode?, ...}] (newest first)}}`.
 *   @see kuaidi100-api/java-demo response/SubscribePushParamResp.java, SubscribePushResult.java, SubscribePushData.java
 * - `lastResult.state`: 0 在途, 1 揽收, 2 疑难, 3 签收, 4 退签, 5 派件, 6 退回, 7 转投 (8 清关, 10 待揽件, 14 拒签…);
 *   with `resultv2` sub-states: 101 已下单, 102 待揽收, 103 已揽收, 301 正常签收, 302 异常后签收, 304 代收签收,
 *   311 快递柜或驿站签收. @see SubscribePushResult.java and the provider's 物流状态 table.
 * - `time`/`ftime` are `YYYY-MM-DD HH:mm:ss`, China time (UTC+08:00).
 * - Answer `{"result":true,"returnCode":"200","message":"成功"}`; anything else and the provider retries.
 *   @see java-demo callBackUrl (SubscribeResp result/returnCode/message)
 * - The subscriber may append its own parameters to the callback URL ("如果需要在推送信息回传自己业务参数，
 *   可以在回调地址URL后面拼接上去", SubscribeParameters.java `callbackurl`).
 *
 * Choices where the push lacks what the canonical event needs:
 * - The order: a push names only the carrier and waybill. A subscription (订阅, `poll`) is made per waybill
 *   (`company` + `number`), and whoever subscribes sets its `callbackurl` =
 *   `kuaidi100CallbackUrl(base, salt, {platform, shopId, orderId, com, nu})`, which appends those five and
 *   `ref`, an HMAC-SHA256 of them under the salt: the query cannot be edited onto another order. The
 *   provider's `sign` covers only `param`, so the push is also bound to its callback: a `param` whose
 *   `lastResult.nu` (or `com`) is another waybill than the callback's is refused, and a captured push cannot
 *   be replayed onto another order's callback URL. A carrier corrected by 快递100's auto-detection
 *   (`autoCheck` 1, `comOld` → `comNew`) still matches when `comOld` is the subscribed carrier.
 * - Mapping: collected → `logistics.picked_up`, signed → `logistics.signed`, others →
 *   `logistics.updated`. Any state after collection also yields `logistics.picked_up` at the oldest track
 *   line, so a parcel whose first push is already in transit still gets its pickup; its id is fixed per
 *   waybill, so it is produced once however many pushes repeat it.
 * - Ids: `kuaidi100:<com>:<nu>:picked_up` and `…:signed` (one per parcel), `…:updated:<newest line time>`
 *   (one per tracking line), so a redelivered push changes nothing downstream.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { PLATFORMS, type Platform } from "@sg/events";
import { tryParseLosslessJson } from "../../json/lossless-json.js";
import { finish, isRecord, parseTime, type MessageOutcome } from "../adapter.js";

export function kuaidi100Sign(param: string, salt: string): string {
  return createHash("md5")
    .update(param + salt, "utf8")
    .digest("hex")
    .toUpperCase();
}

export interface OrderRef {
  platform: Platform;
  shopId: string;
  orderId: string;
}

/** The waybill a subscription was made for: 快递100's carrier code (`com`) and tracking number (`nu`). */
export interface Waybill {
  com: string;
  nu: string;
}

export type CallbackRef = OrderRef & Waybill;

function refMac(ref: CallbackRef, salt: string): string {
  const text = [ref.platform, ref.shopId, ref.orderId, ref.com, ref.nu].join("\n");
  return createHmac("sha256", salt).update(text, "utf8").digest("hex").slice(0, 32);
}

/** The `callbackurl` to subscribe a waybill with (see the module comment). */
export function kuaidi100CallbackUrl(baseUrl: string, salt: string, ref: CallbackRef): string {
  const q = new URLSearchParams({
    platform: ref.platform,
    shopId: ref.shopId,
    orderId: ref.orderId,
    com: ref.com,
    nu: ref.nu,
    ref: refMac(ref, salt),
  });
  return `${baseUrl}${baseUrl.includes("?") ? "&" : "?"}${q.toString()}`;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

export type Kuaidi100Verify =
  { ok: true; param: string; ref: OrderRef } | { ok: false; reason: "bad_signature" | "invalid_request"; message: string };

/**
 * Checks the form's `sign` over `param`, the query's reference (order and waybill), and that `param` reports
 * that waybill.
 */
export function verifyKuaidi100(form: URLSearchParams, query: Record<string, unknown>, salt: string): Kuaidi100Verify {
  const param = form.get("param");
  const sign = form.get("sign");
  if (param === null || param === "") return { ok: false, reason: "invalid_request", message: "form field param is required" };
  if (sign === null || !safeEqual(sign.toUpperCase(), kuaidi100Sign(param, salt))) {
    return { ok: false, reason: "bad_signature", message: "sign does not match md5(param + salt)" };
  }
  const str = (k: string): string => (typeof query[k] === "string" ? query[k] : "");
  const platform = str("platform");
  const ref: CallbackRef = {
    platform: platform as Platform,
    shopId: str("shopId"),
    orderId: str("orderId"),
    com: str("com"),
    nu: str("nu"),
  };
  if (!(PLATFORMS as readonly string[]).includes(platform) || ref.shopId === "" || ref.orderId === "" || ref.nu === "") {
    return { ok: false, reason: "invalid_request", message: "the callback URL must carry platform, shopId, orderId, com and nu" };
  }
  if (!safeEqual(str("ref"), refMac(ref, salt))) {
    return { ok: false, reason: "bad_signature", message: "ref does not match platform, shopId, orderId, com and nu" };
  }
  const other = otherWaybill(param, ref);
  if (other !== null) return { ok: false, reason: "bad_signature", message: other };
  return { ok: true, param, ref: { platform: ref.platform, shopId: ref.shopId, orderId: ref.orderId } };
}

const sameCode = (a: string, b: string): boolean => a.trim().toUpperCase() === b.trim().toUpperCase();

/**
 * Why `param` reports another waybill than the callback's, or null. A param that names no waybill, or is not
 * JSON, reports nothing for any order: mapping dead-letters or ignores it.
 */
function otherWaybill(param: string, ref: Waybill): string | null {
  const parsed = tryParseLosslessJson(param);
  if (!parsed.ok || !isRecord(parsed.value) || !isRecord(parsed.value.lastResult)) return null;
  const doc = parsed.value;
  const last = parsed.value.lastResult;
  const text = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
  const nu = text(last.nu);
  if (nu !== "" && !sameCode(nu, ref.nu)) return "param.lastResult.nu is another waybill than the callback's nu";
  const com = text(last.com);
  // 快递100 may correct the carrier it was given (comOld → comNew): the subscribed one is then comOld.
  const corrected = sameCode(text(doc.comOld), ref.com) && sameCode(text(doc.comNew), com);
  if (com !== "" && ref.com !== "" && !sameCode(com, ref.com) && !corrected) {
    return "param.lastResult.com is another carrier than the callback's com";
  }
  return null;
}

const BEFORE_PICKUP = new Set(["10", "101", "102"]);

function category(state: string): "picked_up" | "signed" | "before_pickup" | "other" {
  if (state === "1" || state === "103") return "picked_up";
  if (state === "3" || /^3\d\d$/.test(state)) return "signed";
  if (BEFORE_PICKUP.has(state)) return "before_pickup";
  return "other";
}

/** Maps a verified `param`. `receivedAt` stands in when the push has no track lines. */
export function mapKuaidi100(param: string, ref: OrderRef, receivedAt: number): MessageOutcome {
  const parsed = tryParseLosslessJson(param);
  if (!parsed.ok) return { outcome: "invalid", problems: [{ field: "param", reason: parsed.reason }] };
  const doc = parsed.value;
  if (!isRecord(doc)) return { outcome: "invalid", problems: [{ field: "param", reason: "must be a JSON object" }] };
  const last = doc.lastResult;
  if (!isRecord(last)) {
    // status=abort pushes ("3天查询无记录") may come without a result: nothing happened to the parcel.
    return { outcome: "ignored", reason: `monitoring status ${String(doc.status)} without lastResult` };
  }
  const problems: Array<{ field: string; reason: string }> = [];
  const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
  const state = str(last.state);
  const nu = str(last.nu);
  const com = str(last.com);
  if (state === "") problems.push({ field: "param.lastResult.state", reason: "is required" });
  if (nu === "") problems.push({ field: "param.lastResult.nu", reason: "is required" });
  const lines = Array.isArray(last.data) ? last.data.filter(isRecord) : [];
  const times = lines.map((l) => parseTime(l.ftime) ?? parseTime(l.time)).filter((t): t is number => t !== null);
  if (problems.length > 0) return { outcome: "invalid", problems };
  const c = category(state);
  if (c === "before_pickup") return { outcome: "ignored", reason: `state ${state}: not collected yet` };

  const newest = times.length > 0 ? Math.max(...times) : receivedAt;
  const oldest = times.length > 0 ? Math.min(...times) : receivedAt;
  const parcel = `kuaidi100:${com || "auto"}:${nu}`;
  const base = { platform: ref.platform, shopId: ref.shopId, orderId: ref.orderId };
  const pickedUp = { ...base, id: `${parcel}:picked_up`, type: "logistics.picked_up", at: oldest };
  switch (c) {
    case "picked_up":
      return finish([pickedUp]);
    case "signed":
      return finish([pickedUp, { ...base, id: `${parcel}:signed`, type: "logistics.signed", at: newest }]);
    default:
      return finish([pickedUp, { ...base, id: `${parcel}:updated:${newest}`, type: "logistics.updated", at: newest }]);
  }
}
