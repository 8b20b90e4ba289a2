import { createHash, createHmac } from "node:crypto";

/**
 * Request signing of the Kuaishou (快手小店) open platform, as the public SDK
 * (AndersonBY/kwaixiaodian-python-sdk, `auth/signature.py`) implements it:
 *
 *   plain = the request parameters except `sign`, without empty ones, sorted by name, as `k=v` joined by `&`,
 *           then `&signSecret=` + signSecret
 *           (the parameters: access_token, appkey, method, param, signMethod, timestamp (ms), version)
 *   sign  = base64(HMAC-SHA256(key = signSecret, plain))   for signMethod = HMAC_SHA256
 *         = hex(MD5(plain)), lower case                     for signMethod = MD5
 */
export function kuaishouSignPlain(params: Record<string, string | undefined>, signSecret: string): string {
  const parts = Object.keys(params)
    .filter((k) => k !== "sign" && params[k] !== undefined && params[k] !== "")
    .sort()
    .map((k) => `${k}=${params[k]}`);
  return `${parts.join("&")}&signSecret=${signSecret}`;
}

export function kuaishouSign(params: Record<string, string | undefined>, signSecret: string, method: "HMAC_SHA256" | "MD5"): string {
  const plain = kuaishouSignPlain(params, signSecret);
  return method === "MD5"
    ? createHash("md5").update(plain, "utf8").digest("hex")
    : createHmac("sha256", signSecret).update(plain, "utf8").digest("base64");
}
