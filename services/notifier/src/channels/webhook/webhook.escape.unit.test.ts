import { describe, expect, it } from "vitest";
import { GRAFANA, HOSTILE_SHOP, HOSTILE_SHOP_LINE, content, hostileContent, linkTargets } from "../../../testing/content.js";
import { createWebhookChannel, type AmWebhookBody } from "./webhook.channel.js";
import { escapeCommonMark } from "./webhook.escape.js";

describe("webhook escaping", () => {
  it("backslash-escapes CommonMark's inline metacharacters and the scheme of a bare URL", () => {
    expect(escapeCommonMark("[a](https://e/l) *b* <c> `d` _e_ ~f~ !g |h \\i &j")).toBe(
      "\\[a\\]\\(https\\://e/l\\) \\*b\\* \\<c\\> \\`d\\` \\_e\\_ \\~f\\~ \\!g \\|h \\\\i \\&j",
    );
  });

  it("keeps labels as data and shows the id as text in the markdown summary, with only the dashboard link", () => {
    const ch = createWebhookChannel({ url: "http://hook", receiver: "hook", externalUrl: GRAFANA });
    const alert = (ch.render(hostileContent(), 1).body as AmWebhookBody).alerts[0]!;
    const benign = (ch.render(content(), 1).body as AmWebhookBody).alerts[0]!;
    expect(alert.labels.shop).toBe(`kuaishou:${HOSTILE_SHOP}`);
    const summary = alert.annotations.summary ?? "";
    expect(linkTargets(summary)).toEqual([expect.stringMatching(new RegExp(`^${GRAFANA}/d/scoreguard-shop\\?`))]);
    expect(summary.split("\n")).toHaveLength((benign.annotations.summary ?? "").split("\n").length);
    expect(summary).toContain(`店铺：${escapeCommonMark(HOSTILE_SHOP_LINE)}（快手）`);
    // The dashboard URL holds the id strictly encoded: no `(` or `)` ends the link early.
    expect(alert.generatorURL).not.toMatch(/[()\n]/);
  });
});
