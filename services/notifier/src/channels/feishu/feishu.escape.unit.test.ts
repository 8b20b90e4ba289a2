import { describe, expect, it } from "vitest";
import { GRAFANA, HOSTILE_SHOP_LINE, content, hostileContent, linkTargets } from "../../../testing/content.js";
import { createFeishuChannel, type FeishuBody } from "./feishu.channel.js";
import { escapeLarkMd } from "./feishu.escape.js";

describe("feishu escaping", () => {
  it("writes markdown metacharacters as HTML character references", () => {
    expect(escapeLarkMd("[a](https://e/l) *b* <at id=all></at> ~c~ _d_ &e")).toBe(
      "&#91;a&#93;&#40;https&#58;//e/l&#41; &#42;b&#42; &#60;at id=all&#62;&#60;/at&#62; &#126;c&#126; &#95;d&#95; &#38;e",
    );
    expect(escapeLarkMd("kuaishou:s1 14:00")).toBe("kuaishou:s1 14:00");
  });

  it("shows a hostile shop id as text: plain header, escaped body, only the dashboard link, no extra line", () => {
    const ch = createFeishuChannel({ url: "https://open.feishu.cn/open-apis/bot/v2/hook/x" });
    const card = (ch.render(hostileContent(), 1).body as FeishuBody).card;
    const benign = (ch.render(content(), 1).body as FeishuBody).card;
    const md = card.elements[0]!.text.content;
    expect(card.header.title.content).toBe(`严重｜快手 ${HOSTILE_SHOP_LINE} 人工3分钟回复率`);
    expect(linkTargets(md)).toEqual([expect.stringMatching(new RegExp(`^${GRAFANA}/d/scoreguard-shop\\?`))]);
    expect(md.split("\n")).toHaveLength(benign.elements[0]!.text.content.split("\n").length);
    expect(md).toContain(`店铺：${escapeLarkMd(HOSTILE_SHOP_LINE)}（快手）`);
    expect(md).not.toMatch(/<at\b|<!channel>/);
  });
});
