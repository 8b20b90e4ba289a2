import { createHash, createHmac } from "node:crypto";

/**
 * Request signing of the Douyin (抖店) open platform, as its documentation describes and the public SDKs
 * (bububa/jinritemai-go) implement it:
 *
 *   param_json = the business parameters as JSON with keys sorted, no spaces, no HTML escaping
 *   plain      = app_secret + "app_key" + app_key + "method" + method + "param_json" + param_json
 *                + "timestamp" + timestamp + "v" + v + app_secret        (the five names in alphabetical order)
 *   sign       = hex(HMAC-SHA256(key = app_secret, plain))   for sign_method = hmac-sha256
 *              = hex(MD5(plain))                             for sign_method = md5
 *
 * The SDK concatenates every request value (also `access_token` and `sign_method`) in map order, which Go
 * randomises; the documented form signs exactly the five above, in order, and is what is implemented here.
 */
export interface DouyinSignInput {
  appKey: string;
  appSecret: string;
  method: string;
  paramJson: string;
  timestamp: string;
  v: string;
  signMethod: "hmac-sha256" | "md5";
}

export function douyinSignPlain(i: Omit<DouyinSignInput, "signMethod">): string {
  return `${i.appSecret}app_key${i.appKey}method${i.method}param_json${i.paramJson}timestamp${i.timestamp}v${i.v}${i.appSecret}`;
}

export function douyinSign(i: DouyinSignInput): string {
  const plain = douyinSignPlain(i);
  return i.signMethod === "md5"
    ? createHash("md5").update(plain, "utf8").digest("hex")
    : createHmac("sha256", i.appSecret).update(plain, "utf8").digest("hex");
}

/** JSON with object keys sorted at every level (the open platform's `param_json` form). */
export function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${sortedJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}
