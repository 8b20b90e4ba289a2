import { describe, expect, it } from "vitest";
import { GRAFANA, HOSTILE_SHOP_LINE, content, hostileContent, linkTargets } from "../../../testing/content.js";
import { createWeComChannel, type WeComBody } from "./wecom.channel.js";
import { escapeWeCom } from "./wecom.escape.js";

describe("wecom escaping", () => {
  it("folds markdown metacharacters, so a value opens no link, tag or mention", () => {
    expect(escapeWeCom('[a](http://e) <@all> <font color="info">x</font> `c`')).toBe(
      '［a］（http：//e） ＜@all＞ ＜font color="info"＞x＜/font＞ ｀c｀',
    );
  });

  it("shows a hostile shop id as text in the title and the block: only the dashboard link, no extra line", () => {
    const ch = createWeComChannel({ url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k" });
    const text = (ch.render(hostileContent(), 1).body as WeComBody).markdown.content;
    const benign = (ch.render(content(), 1).body as WeComBody).markdown.content;
    expect(linkTargets(text)).toEqual([expect.stringMatching(new RegExp(`^${GRAFANA}/d/scoreguard-shop\\?`))]);
    expect(text.split("\n")).toHaveLength(benign.split("\n").length);
    expect(text).toContain(`**严重｜快手 ${escapeWeCom(HOSTILE_SHOP_LINE)} 人工3分钟回复率**</font>`);
    expect(text).toContain(`店铺：${escapeWeCom(HOSTILE_SHOP_LINE)}（快手）`);
    expect(text).not.toContain("<!channel>");
  });
});
