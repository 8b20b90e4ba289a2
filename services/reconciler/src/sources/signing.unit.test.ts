import { describe, expect, it } from "vitest";
import { pythonDouyinSign, pythonKuaishouSign } from "../../testing/python-sign.js";
import { douyinSign, sortedJson } from "./douyin/douyin.sign.js";
import { kuaishouSign } from "./kuaishou/kuaishou.sign.js";

/**
 * The signatures against independent vectors: constants computed once with python3 hashlib/hmac (the
 * one-liners are in docs/reconciliation.md "Signing"), and python3 run by the test on other inputs.
 */
describe("Douyin open-platform signing", () => {
  const base = {
    appKey: "ak-1",
    appSecret: "secret-1",
    method: "shop.getExperienceScore",
    paramJson: sortedJson({ date: "2026-03-02" }),
    timestamp: "2026-03-03 10:00:00",
    v: "2",
  };
  it("hmac-sha256 and md5 match python3's constants", () => {
    expect(base.paramJson).toBe('{"date":"2026-03-02"}');
    expect(douyinSign({ ...base, signMethod: "hmac-sha256" })).toBe("069362820382bc5da8ffbbc1276bd63740ff8492c04c4c2eaa327efc5b3b44e5");
    expect(douyinSign({ ...base, signMethod: "md5" })).toBe("41b2e9d19f54bd8416ee80e15b3ad5cc");
  });
  it("agrees with python3 on other inputs (nested, unicode, sorted keys)", () => {
    const paramJson = sortedJson({ z: 1, a: { y: "店铺", b: [2, 1] }, date: "2026-12-31" });
    expect(paramJson).toBe('{"a":{"b":[2,1],"y":"店铺"},"date":"2026-12-31","z":1}');
    for (const signMethod of ["hmac-sha256", "md5"] as const) {
      const i = { ...base, appSecret: "s€cret&=", paramJson, signMethod };
      const py = pythonDouyinSign({
        secret: i.appSecret,
        app_key: i.appKey,
        method: i.method,
        param_json: paramJson,
        timestamp: i.timestamp,
        v: i.v,
        sign_method: signMethod,
      });
      expect(douyinSign(i)).toBe(py);
    }
  });
  it("a different secret gives a different signature", () => {
    expect(douyinSign({ ...base, appSecret: "secret-2", signMethod: "hmac-sha256" })).not.toBe(
      "069362820382bc5da8ffbbc1276bd63740ff8492c04c4c2eaa327efc5b3b44e5",
    );
  });
});

describe("Kuaishou open-platform signing", () => {
  const params = {
    access_token: "tok",
    appkey: "ks-1",
    method: "open.score.shop.get",
    param: '{"date":"2026-03-02"}',
    signMethod: "HMAC_SHA256",
    timestamp: "1772503200000",
    version: "1",
  };
  it("HMAC_SHA256 matches python3's constant", () => {
    expect(kuaishouSign(params, "ss-1", "HMAC_SHA256")).toBe("AQ/XzM1Pwssdcwu3bQLzQg+Oy4KV6hpE9vCIgSYO1LY=");
  });
  it("agrees with python3 for both methods, whatever the parameter order, leaving out sign and empty values", () => {
    for (const signMethod of ["HMAC_SHA256", "MD5"] as const) {
      const p = {
        version: "1",
        timestamp: "1",
        signMethod,
        param: '{"a":"快手"}',
        method: "open.score.shop.get",
        appkey: "k",
        access_token: "t",
        sign: "old",
        empty: "",
      };
      expect(kuaishouSign(p, "sec&ret", signMethod)).toBe(pythonKuaishouSign(p, "sec&ret"));
    }
  });
});
