import { describe, expect, it } from "vitest";
import { redactUrl, scrubText } from "./redactUrl.js";

describe("redactUrl", () => {
  it.each([
    [
      "https://oapi.dingtalk.com/robot/send?access_token=abc123&timestamp=1700000000000&sign=a%2Bb%3D",
      "https://oapi.dingtalk.com/robot/send?access_token=***&timestamp=***&sign=***",
    ],
    ["https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***"],
    [
      "https://open.feishu.cn/open-apis/bot/v2/hook/6f1c2a7e-0000-4000-8000-000000000001",
      "https://open.feishu.cn/open-apis/bot/v2/hook/***",
    ],
    ["https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", "https://hooks.slack.com/services/***/***/***"],
    ["http://127.0.0.1:9093/api/hook", "http://127.0.0.1:9093/api/hook"],
    ["http://127.0.0.1:40123/hook?shop=s1&page=2", "http://127.0.0.1:40123/hook?shop=s1&page=2"],
    ["redis://default:hunter2@10.0.0.5:6379/0", "redis://***@10.0.0.5:6379/0"],
    ["https://api.example.com/v1/items/0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d?token=x", "https://api.example.com/v1/items/***?token=***"],
    ["https://example.com/cb#access_token=abc", "https://example.com/cb#***"],
    ["/open-apis/bot/v2/hook/6f1c2a7e-0000-4000-8000-000000000001?x=1", "/open-apis/bot/v2/hook/***?x=1"],
    ["oapi.dingtalk.com/robot/send?access_token=abc", "oapi.dingtalk.com/robot/send?access_token=***"],
    ["not a url", "not a url"],
  ])("%s", (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });
});

describe("scrubText", () => {
  it("masks URLs, credential pairs, JSON secret fields and bearer tokens inside text", () => {
    const text =
      'POST https://oapi.dingtalk.com/robot/send?access_token=AAA&sign=BBB failed; body {"secret": "CCC", "n": 1}; ' +
      "form access_token=DDD&x=1; header Authorization: Bearer EEEEEEEEEEEE; q ?key=FFF";
    const out = scrubText(text);
    for (const s of ["AAA", "BBB", "CCC", "DDD", "EEEEEEEEEEEE", "FFF"]) expect(out).not.toContain(s);
    expect(out).toContain("https://oapi.dingtalk.com/robot/send?access_token=***&sign=***");
    expect(out).toContain('"secret": "[Redacted]"');
  });

  it("leaves ordinary key= text alone and is idempotent", () => {
    const text = "redis key=sg:{kuaishou:s1}:day:20261120 moved";
    expect(scrubText(text)).toBe(text);
    const once = scrubText("see https://h/x?token=abc and token=def");
    expect(scrubText(once)).toBe(once);
  });

  it("keeps a JSON line parseable", () => {
    const line = JSON.stringify({
      msg: 'say "https://x.example/hook/0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d?sign=q\\"" then token=t\\n',
      token: 5,
    });
    const out = scrubText(line);
    expect(() => JSON.parse(out) as unknown).not.toThrow();
    expect(out).not.toContain("0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d");
  });
});
