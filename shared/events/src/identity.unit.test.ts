// The shop key and the alert identity: one typed value each, one text encoding, read back unambiguously
// although shop ids may contain ':' (moved here from the gateway's deliveries route test).
import { describe, expect, it } from "vitest";
import { alertKey, alertSlot, namesShop, parseAlertKey, parseAlertSlot, parseShopKey, shopKey } from "./index.js";

describe("shop key", () => {
  it("splits at the first ':' only, and needs a known platform", () => {
    expect(shopKey({ platform: "kuaishou", shopId: "douyin:77" })).toBe("kuaishou:douyin:77");
    expect(parseShopKey("kuaishou:douyin:77")).toEqual({ platform: "kuaishou", shopId: "douyin:77" });
    expect(parseShopKey("douyin:77")).toEqual({ platform: "douyin", shopId: "77" });
    for (const bad of ["", "77", ":77", "douyin:", "taobao:77"]) expect(parseShopKey(bad)).toBeNull();
  });

  it("a written name is a key when it starts with a platform, else a bare id", () => {
    expect(namesShop("douyin:77", { platform: "douyin", shopId: "77" })).toBe(true);
    expect(namesShop("douyin:77", { platform: "kuaishou", shopId: "douyin:77" })).toBe(false);
    expect(namesShop("kuaishou:douyin:77", { platform: "kuaishou", shopId: "douyin:77" })).toBe(true);
    expect(namesShop("s1", { platform: "jd", shopId: "s1" })).toBe(true);
  });
});

describe("alert identity", () => {
  const S1 = "kuaishou:s1:human_reply_3min_rate:threshold";

  it("encodes as platform:shopId:metric:kind, within a shop as metric:kind", () => {
    const id = { platform: "kuaishou", shopId: "s1", metric: "human_reply_3min_rate", kind: "threshold" } as const;
    expect(alertKey(id)).toBe(S1);
    expect(alertSlot(id)).toBe("human_reply_3min_rate:threshold");
  });

  it("reads the shop of platform:shopId:metric:kind, shop ids with colons included", () => {
    expect(parseAlertKey(S1)).toMatchObject({ platform: "kuaishou", shopId: "s1" });
    expect(parseAlertKey("pdd:a:b:human_reply_3min_rate:threshold")).toEqual({
      platform: "pdd",
      shopId: "a:b",
      metric: "human_reply_3min_rate",
      kind: "threshold",
    });
  });

  it.each([
    "",
    "kuaishou",
    "kuaishou:s1",
    "kuaishou:s1:metric",
    ":s1:m:k",
    "kuaishou::m:k",
    "kuaishou:s1::k",
    "kuaishou:s1:m:",
    "kuaishou:s1:m:k",
  ])("rejects %j", (key) => {
    expect(parseAlertKey(key)).toBeNull();
  });
});

describe("alert slot", () => {
  it("reads metric:kind back", () => {
    expect(parseAlertSlot("pickup_24h_rate:at_risk")).toEqual({ metric: "pickup_24h_rate", kind: "at_risk" });
    for (const bad of ["", "pickup_24h_rate", "pickup_24h_rate|threshold", ":threshold", "pickup_24h_rate:late"])
      expect(parseAlertSlot(bad)).toBeNull();
  });
});
