import { describe, expect, it } from "vitest";
import { fitContent } from "../fit.js";
import { answer, burst, content } from "../../../testing/content.js";
import { createWeComChannel, type WeComBody } from "./wecom.channel.js";

const URL_ = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx";

describe("wecom channel", () => {
  it("renders markdown content with the title and user mentions, and posts to the key URL unchanged", () => {
    const ch = createWeComChannel({ url: URL_ });
    const body = ch.render(content(undefined, { userIds: ["zhangsan"] }), 1).body as WeComBody;
    expect(body.msgtype).toBe("markdown");
    expect(body.markdown.content).toMatch(/^<font color="warning">\*\*严重｜快手 s1 人工3分钟回复率\*\*<\/font>/);
    expect(body.markdown.content).toContain("<@zhangsan>");
    const req = ch.request(body, 1);
    expect(req.url).toBe(URL_);
    expect(JSON.parse(req.body)).toEqual(body);
  });

  it("keeps markdown content within 4,096 bytes", () => {
    const ch = createWeComChannel({ url: URL_ });
    const fitted = fitContent(ch, burst(100));
    expect(fitted!.size).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength((fitted!.body as WeComBody).markdown.content)).toBe(fitted!.size);
    expect((fitted!.body as WeComBody).markdown.content).toContain("条未展示");
  });

  it("classifies by errcode", () => {
    const ch = createWeComChannel({ url: URL_ });
    expect(ch.classify(answer(200, '{"errcode":0,"errmsg":"ok"}'))).toEqual({ outcome: "ok", code: "0" });
    expect(ch.classify(answer(200, '{"errcode":45009,"errmsg":"api freq out of limit"}'))).toEqual({ outcome: "retryable", code: "45009" });
    expect(ch.classify(answer(200, '{"errcode":40058,"errmsg":"content exceed max length"}'))).toEqual({
      outcome: "too_large",
      code: "40058",
    });
    expect(ch.classify(answer(200, '{"errcode":93000,"errmsg":"invalid webhook url"}'))).toEqual({ outcome: "permanent", code: "93000" });
  });
});
