import { describe, expect, it } from "vitest";
import { fitContent } from "../fit.js";
import { answer, burst, content } from "../../../testing/content.js";
import { createDingTalkChannel, dingTalkSign, type DingTalkBody } from "./dingtalk.channel.js";

const URL_ = "https://oapi.dingtalk.com/robot/send?access_token=tok123";

describe("dingtalk channel", () => {
  it("signs as the contract's known vector", () => {
    expect(dingTalkSign("SECtestsecret", 1700000000000)).toBe("7LVwF0dAF3%2F%2BMRRulbpE4y72Ogzykc6bS2nG4I99T4s%3D");
  });

  it("puts a fresh timestamp (ms) and sign in the URL of every request", () => {
    const ch = createDingTalkChannel({ url: URL_, secret: "SECtestsecret" });
    const body = ch.render(content(), 1).body;
    const a = ch.request(body, 1700000000000);
    expect(a.url).toBe(`${URL_}&timestamp=1700000000000&sign=7LVwF0dAF3%2F%2BMRRulbpE4y72Ogzykc6bS2nG4I99T4s%3D`);
    const b = ch.request(body, 1700000001000);
    expect(b.url).toContain("timestamp=1700000001000&sign=");
    expect(b.url).not.toBe(a.url);
    expect(ch.request(body, 1).body).toBe(JSON.stringify(body));
    // Without a secret (keyword security) nothing is added.
    expect(createDingTalkChannel({ url: URL_ }).request(body, 1).url).toBe(URL_);
  });

  it("renders markdown with @mobiles both in `at` and in the text, and the keyword", () => {
    const ch = createDingTalkChannel({ url: URL_, atMobiles: ["13800000000"], keyword: "店铺告警" });
    const body = ch.render(content(undefined, { mobiles: ["13900000000"] }), 1).body as DingTalkBody;
    expect(body.msgtype).toBe("markdown");
    expect(body.at).toEqual({ atMobiles: ["13800000000", "13900000000"], atUserIds: [], isAtAll: false });
    expect(body.markdown.text).toContain("@13800000000 @13900000000");
    expect(body.markdown.text).toContain("店铺告警");
    expect(body.markdown.title).toBe("严重｜快手 s1 人工3分钟回复率");
    expect(body.markdown.text).toContain("当前值：**68%**");
    expect(body.markdown.text).toContain("平台线：≥ 70%");
    expect(body.markdown.text).toContain("http://grafana.local:3000/d/scoreguard-shop?var-shop=kuaishou%3As1");
  });

  it("classifies by errcode, not by HTTP status", () => {
    const ch = createDingTalkChannel({ url: URL_ });
    expect(ch.classify(answer(200, '{"errcode":0,"errmsg":"ok"}'))).toEqual({ outcome: "ok", code: "0" });
    expect(ch.classify(answer(200, '{"errcode":130101,"errmsg":"send too fast"}'))).toEqual({ outcome: "retryable", code: "130101" });
    expect(ch.classify(answer(200, '{"errcode":310000,"errmsg":"sign not match"}'))).toEqual({ outcome: "permanent", code: "310000" });
    expect(ch.classify(answer(200, '{"errcode":460101,"errmsg":"message too long"}'))).toEqual({ outcome: "too_large", code: "460101" });
    expect(ch.classify(answer(200, "<html>"))).toEqual({ outcome: "retryable", code: "bad_response" });
    expect(ch.classify(answer(502, ""))).toEqual({ outcome: "retryable", code: "http_502" });
  });

  it("truncates to 20,000 bytes with an N-more line", () => {
    const ch = createDingTalkChannel({ url: URL_ });
    const c = burst(400);
    const fitted = fitContent(ch, c);
    expect(fitted).not.toBeNull();
    expect(fitted!.size).toBeLessThanOrEqual(20_000);
    expect(fitted!.shown).toBeLessThan(400);
    expect((fitted!.body as DingTalkBody).markdown.text).toContain(`还有 ${400 - fitted!.shown} 条未展示`);
  });
});
