// Fixtures in the documented format (see kuaishou.adapter.ts): the envelope with `info` as a JSON string,
// encrypted the way the platform does.
import { encryptKuaishou } from "../src/adapters/kuaishou/kuaishou.crypto.js";
import { kuaishouKey } from "../src/adapters/kuaishou/kuaishou.adapter.js";

/** A 32-byte key, Base64, as the open platform shows the message secret. */
export const KUAISHOU_SECRET = Buffer.from("0123456789abcdef0123456789abcdef").toString("base64");
export const KUAISHOU_KEY = kuaishouKey(KUAISHOU_SECRET);
export const BIG_OID = "2607602240240301123";

export function envelope(event: string, info: string, over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    eventId: "243_4027_2375715766426",
    msgId: "84_2375715766425",
    bizId: 2607602240240301,
    userId: 2161524184,
    openId: "f1b68e8f2a4995ed14bf57245903fd9a",
    appKey: "ks699183844582124027",
    event,
    info,
    status: 2,
    createTime: 1795392005000,
    updateTime: 1795392006000,
    ...over,
  });
}

/** `info` with the order id as a bare JSON number beyond 2^53. */
export function orderInfo(over: Record<string, number> = {}): string {
  const fields = { sellerId: 2161524184, status: 30, updateTime: 1795392005000, ...over };
  return `{"oid":${BIG_OID},${Object.entries(fields)
    .map(([k, v]) => `"${k}":${v}`)
    .join(",")}}`;
}

export function refundInfo(over: Record<string, number> = {}): string {
  const fields = { handlingWay: 10, specialRefundType: 0, status: 10, createTime: 1795395600000, ...over };
  return `{"orderId":${BIG_OID},"refundId":8800000000000000001,${Object.entries(fields)
    .map(([k, v]) => `"${k}":${v}`)
    .join(",")}}`;
}

export function encrypted(plaintext: string): string {
  return encryptKuaishou(plaintext, KUAISHOU_KEY);
}
