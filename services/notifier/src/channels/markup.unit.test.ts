import { describe, expect, it } from "vitest";
import { GRAFANA, HOSTILE_SHOP, hostileContent, linkTargets, notification } from "../../testing/content.js";
import { record } from "../../testing/fixtures.js";
import { composeSummary } from "../messages/compose.js";
import { loadTemplates } from "../messages/templates.js";
import { createDingTalkChannel } from "./dingtalk/dingtalk.channel.js";
import { createFeishuChannel } from "./feishu/feishu.channel.js";
import { createSlackChannel } from "./slack/slack.channel.js";
import { createWebhookChannel } from "./webhook/webhook.channel.js";
import { createWeComChannel } from "./wecom/wecom.channel.js";

const CHANNELS = [
  createDingTalkChannel({ url: "http://x" }),
  createFeishuChannel({ url: "http://x" }),
  createWeComChannel({ url: "http://x" }),
  createSlackChannel({ url: "http://x" }),
  createWebhookChannel({ url: "http://x", receiver: "hook", externalUrl: GRAFANA }),
];

/** A burst summary (one line per alert) with the hostile shop among benign ones. */
function hostileSummary() {
  const shops = ["s0", HOSTILE_SHOP, "s2"];
  const ns = shops.map((shopId, i) => notification([record({ shopId, seq: i + 1 })], {}, `r0|shop=${encodeURIComponent(shopId)}#1`));
  return composeSummary(ns, { templates: loadTemplates("zh-CN"), grafanaUrl: GRAFANA });
}

/** The fields of a body a robot reads as markup, and those it shows as plain text. */
function fields(type: string, body: unknown): { markup: string[]; plain: string[] } {
  const b = body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  switch (type) {
    case "dingtalk":
      return { markup: [b.markdown.text], plain: [b.markdown.title] };
    case "feishu":
      return { markup: b.card.elements.map((e: any) => e.text.content), plain: [b.card.header.title.content] }; // eslint-disable-line @typescript-eslint/no-explicit-any
    case "wecom":
      return { markup: [b.markdown.content], plain: [] };
    case "slack":
      return { markup: [b.text, b.blocks[1].text.text], plain: [b.blocks[0].text.text] };
    default:
      return { markup: b.alerts.map((a: any) => a.annotations.summary), plain: [] }; // eslint-disable-line @typescript-eslint/no-explicit-any
  }
}

describe("every channel, hostile values", () => {
  for (const ch of CHANNELS) {
    it(`${ch.type}: no composer mark, no foreign link and no forged line, in a group message and a summary`, () => {
      for (const c of [hostileContent(), hostileContent("en"), hostileSummary()]) {
        const body = ch.render(c, c.items.length).body;
        expect(JSON.stringify(body)).not.toMatch(/[\uE000-\uE003]/);
        const { markup, plain } = fields(ch.type, body);
        expect(markup.length).toBeGreaterThan(0);
        for (const s of markup) {
          for (const t of linkTargets(s)) expect(t.startsWith(`${GRAFANA}/`), `${ch.type} link ${t}`).toBe(true);
          expect(s).not.toContain("evil.example/l)");
          expect(s.split("\n").some((l) => l.trimStart().startsWith("- 平台线：已豁免"))).toBe(false);
        }
        for (const s of plain) expect(s).not.toContain("\n");
      }
    });
  }
});
