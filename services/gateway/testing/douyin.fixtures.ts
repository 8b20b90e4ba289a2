// Fixtures in the documented push format (see douyin.adapter.ts for the sources): `data` is a JSON string
// whose 64-bit ids are written as bare JSON numbers, as the platform sends them.
import { douyinSign, type DouyinCredentials } from "../src/adapters/douyin/douyin.adapter.js";

export const DOUYIN_CREDS: DouyinCredentials = { appKey: "7000000000000000001", appSecret: "dy-secret-for-tests" };

/** An order id above 2^53: JSON.parse would round it to 4930271960384902000. */
export const BIG_ORDER_ID = "4930271960384902185";
export const BIG_AFTERSALE_ID = "7123456789012345678";

/** Builds the `data` JSON string with raw (unquoted) numbers for the given fields. */
export function dataString(fields: Record<string, string | number | boolean>, rawNumbers: readonly string[] = []): string {
  const parts = Object.entries(fields).map(([k, v]) => {
    const value = rawNumbers.includes(k) ? String(v) : JSON.stringify(v);
    return `${JSON.stringify(k)}:${value}`;
  });
  return `{${parts.join(",")}}`;
}

export function paidData(over: Record<string, string | number> = {}): string {
  return dataString(
    {
      biz: 2,
      order_status: 2,
      order_type: 0,
      p_id: BIG_ORDER_ID,
      pay_amount: 12990,
      pay_time: 1795392005, // 2026-11-23T08:00:05+08:00
      pay_type: 1,
      shop_id: 4463798,
      ...over,
    },
    ["p_id"],
  );
}

export function aftersaleData(extra: Record<string, string | number> = {}): string {
  return dataString(
    {
      aftersale_id: BIG_AFTERSALE_ID,
      aftersale_status: 6,
      aftersale_type: 0,
      apply_time: 1795395600,
      p_id: BIG_ORDER_ID,
      reason_code: 10,
      refund_amount: 12990,
      s_id: "4930271960384902186",
      shop_id: 4463798,
      ...extra,
    },
    ["aftersale_id", "p_id", "s_id"],
  );
}

export interface RawMessage {
  tag: string;
  msg_id: string;
  data: string;
}

export function pushBody(messages: RawMessage[]): string {
  return JSON.stringify(messages);
}

export function signedHeaders(body: string | Buffer, creds: DouyinCredentials = DOUYIN_CREDS): Record<string, string> {
  return { "content-type": "application/json", "app-id": creds.appKey, "event-sign": douyinSign(body, creds) };
}
