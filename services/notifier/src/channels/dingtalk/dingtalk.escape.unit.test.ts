import { describe, expect, it } from "vitest";
import { GRAFANA, HOSTILE_SHOP_LINE, content, hostileContent, linkTargets } from "../../../testing/content.js";
import { createDingTalkChannel, type DingTalkBody } from "./dingtalk.channel.js";
import { escapeDingTalk } from "./dingtalk.escape.js";

describe("dingtalk escaping", () => {
  it("folds markdown metacharacters to full-width look-alikes and breaks URL schemes", () => {
    expect(escapeDingTalk("[a](https://e/l) **b** <font> `c` _d_ ~e~ !f |g #h \\i &j $k {l}")).toBe(
      "［a］（https：//e/l） ＊＊b＊＊ ＜font＞ ｀c｀ ＿d＿ ～e～ ！f ｜g ＃h ＼i ＆j ＄k ｛l｝",
    );
    expect(escapeDingTalk("kuaishou-s1.2026 14:00 @13800000000")).toBe("kuaishou-s1.2026 14:00 @13800000000");
  });

  it("shows a hostile shop id as text: only the dashboard link, no extra line, a plain title", () => {
    const ch = createDingTalkChannel({ url: "https://oapi.dingtalk.com/robot/send?access_token=t" });
    const body = ch.render(hostileContent(), 1).body as DingTalkBody;
    const benign = ch.render(content(), 1).body as DingTalkBody;
    expect(linkTargets(body.markdown.text).every((t) => t.startsWith(`${GRAFANA}/d/scoreguard-shop?`))).toBe(true);
    expect(linkTargets(body.markdown.text)).toHaveLength(1);
    expect(body.markdown.text.split("\n")).toHaveLength(benign.markdown.text.split("\n").length);
    expect(body.markdown.text).toContain(`店铺：${escapeDingTalk(HOSTILE_SHOP_LINE)}（快手）`);
    expect(body.markdown.text).toContain("规则包：p ＜！channel＞ ＊b＊ ＿i＿ ～s～ ｀c｀ a＆b");
    expect(body.markdown.title).toBe(`严重｜快手 ${HOSTILE_SHOP_LINE} 人工3分钟回复率`);
  });
});
