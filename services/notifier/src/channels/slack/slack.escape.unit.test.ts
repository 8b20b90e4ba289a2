import { describe, expect, it } from "vitest";
import { GRAFANA, HOSTILE_SHOP_LINE, content, hostileContent, linkTargets } from "../../../testing/content.js";
import { createSlackChannel, type SlackBody } from "./slack.channel.js";
import { escapeMrkdwn, escapeSlackEntities } from "./slack.escape.js";

const URL_ = "https://hooks.slack.com/services/T000/B000/XXXXXXXX";

function section(body: SlackBody): { text: string; verbatim: boolean } {
  const s = body.blocks.find((b) => b.type === "section");
  if (s?.type !== "section") throw new Error("no section block");
  return s.text;
}

describe("slack escaping", () => {
  it("escapes &<> as entities, as Slack documents, and nothing else as entities", () => {
    expect(escapeSlackEntities("a&b <c> &amp;")).toBe("a&amp;b &lt;c&gt; &amp;amp;");
  });

  it("neutralises links, mentions and the formatting characters mrkdwn cannot escape", () => {
    expect(escapeMrkdwn("<https://e/l|click> <!channel> <@U1> *b* _i_ ~s~ `c` [x](https://e)")).toBe(
      "&lt;https：//e/l｜click&gt; &lt;！channel&gt; &lt;@U1&gt; ＊b＊ ＿i＿ ～s～ ｀c｀ ［x］（https：//e）",
    );
  });

  it("shows a hostile shop id as text: plain header, escaped fallback and section, only the dashboard link", () => {
    const ch = createSlackChannel({ url: URL_ });
    const body = ch.render(hostileContent(), 1).body as SlackBody;
    const benign = ch.render(content(), 1).body as SlackBody;
    const s = section(body);
    expect(s.verbatim).toBe(true);
    expect(linkTargets(s.text)).toEqual([expect.stringMatching(new RegExp(`^${GRAFANA}/d/scoreguard-shop\\?`))]);
    expect(s.text.split("\n")).toHaveLength(section(benign).text.split("\n").length);
    expect(s.text).toContain(`店铺：${escapeMrkdwn(HOSTILE_SHOP_LINE)}（快手）`);
    expect(s.text).toContain("规则包：p &lt;！channel&gt; ＊b＊ ＿i＿ ～s～ ｀c｀ a&amp;b");
    expect(body.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: `严重｜快手 ${HOSTILE_SHOP_LINE} 人工3分钟回复率` },
    });
    expect(body.text).toBe(`严重｜快手 ${escapeMrkdwn(HOSTILE_SHOP_LINE)} 人工3分钟回复率`);
  });
});
