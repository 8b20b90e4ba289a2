import { describe, expect, it } from "vitest";
import { answer, content } from "../../../testing/content.js";
import { createFeishuChannel, feishuSign, type FeishuBody } from "./feishu.channel.js";

const URL_ = "https://open.feishu.cn/open-apis/bot/v2/hook/0a1b2c3d-0000-4000-8000-123456789abc";

describe("feishu channel", () => {
  it("signs as the contract's known vector", () => {
    expect(feishuSign("testsecret", 1700000000)).toBe("AOc8oJ7//5OlQlfWC3nRL0R+IkuzcD1FKcAyibRK9Q8=");
  });

  it("puts timestamp (s) and sign in the body, fresh per request", () => {
    const ch = createFeishuChannel({ url: URL_, secret: "testsecret" });
    const body = ch.render(content(), 1).body;
    const req = ch.request(body, 1700000000999);
    expect(req.url).toBe(URL_);
    const sent = JSON.parse(req.body) as FeishuBody;
    expect(sent.timestamp).toBe("1700000000");
    expect(sent.sign).toBe("AOc8oJ7//5OlQlfWC3nRL0R+IkuzcD1FKcAyibRK9Q8=");
    expect(sent.msg_type).toBe("interactive");
    expect(sent.card.header.template).toBe("red");
    expect(sent.card.elements[0]?.text.content).toContain("人工3分钟回复率");
    expect((JSON.parse(ch.request(body, 1700000100000).body) as FeishuBody).timestamp).toBe("1700000100");
    expect(JSON.parse(createFeishuChannel({ url: URL_ }).request(body, 1).body)).not.toHaveProperty("sign");
  });

  it("mentions user ids and all", () => {
    const ch = createFeishuChannel({ url: URL_ });
    const body = ch.render(content(undefined, { userIds: ["ou_1"], all: true }), 1).body as FeishuBody;
    expect(body.card.elements[0]?.text.content).toContain("<at id=all></at> <at id=ou_1></at>");
  });

  it("classifies by the body code", () => {
    const ch = createFeishuChannel({ url: URL_ });
    expect(ch.classify(answer(200, '{"code":0,"msg":"success","data":{}}'))).toEqual({ outcome: "ok", code: "0" });
    expect(ch.classify(answer(200, '{"StatusCode":0,"StatusMessage":"success"}'))).toEqual({ outcome: "ok", code: "0" });
    expect(ch.classify(answer(200, '{"code":11232,"msg":"frequency limited"}'))).toEqual({ outcome: "retryable", code: "11232" });
    expect(ch.classify(answer(200, '{"code":19021,"msg":"sign match fail"}'))).toEqual({ outcome: "permanent", code: "19021" });
    expect(ch.classify(answer(400, '{"code":19036,"msg":"too large"}'))).toEqual({ outcome: "too_large", code: "19036" });
    expect(ch.classify(answer(503, "busy"))).toEqual({ outcome: "retryable", code: "http_503" });
  });
});
