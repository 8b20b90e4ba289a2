import type { AlertRecord } from "@sg/events";
import { describe, expect, it } from "vitest";
import { content, GRAFANA } from "../../testing/content.js";
import { record } from "../../testing/fixtures.js";
import { createDingTalkChannel } from "../channels/dingtalk/dingtalk.channel.js";
import { createFeishuChannel } from "../channels/feishu/feishu.channel.js";
import { createSlackChannel } from "../channels/slack/slack.channel.js";
import { createWebhookChannel } from "../channels/webhook/webhook.channel.js";
import { createWeComChannel } from "../channels/wecom/wecom.channel.js";
import { plainText } from "./untrusted.js";

/** A score alert at risk as the processor writes it (scores/alerts.ts): 3 orders due for pickup would cost logistics. */
function scoreRecord(over: Partial<AlertRecord> = {}): AlertRecord {
  return record({
    platform: "douyin",
    shopId: "dy-tea-house",
    metric: "score_total",
    kind: "score",
    severity: "warning",
    rulePack: "douyin@2023-06",
    direction: "min",
    unit: "points",
    value: 87.5,
    threshold: 86,
    target: null,
    numerator: undefined,
    denominator: undefined,
    headroom: 2,
    dueCount: 3,
    soonestDeadline: "2026-11-20T15:10:00+08:00",
    projectedValue: 85.1,
    score: {
      title: "商家体验分",
      titleEn: "Merchant experience score",
      pack: "douyin@2023-06",
      total: 87.5,
      sample: true,
      headroom: { line: 86, indicator: "pickup_24h_rate", metric: "pickup_24h_rate", items: 2, points: 60, total: 85.5 },
      projectedTotal: 85.1,
      risk: [
        {
          indicator: "pickup_24h_rate",
          metric: "pickup_24h_rate",
          dueCount: 3,
          dueBy: "2026-11-20T16:00:00+08:00",
          soonestDeadline: "2026-11-20T15:10:00+08:00",
          points: 90,
          projectedPoints: 70,
          dimension: "logistics",
          dimensionTitle: "物流体验",
          dimensionTitleEn: "Logistics",
          dimensionScore: 88,
          projectedDimensionScore: 80,
        },
      ],
    },
    ...over,
  });
}

describe("score alert messages", () => {
  it("in zh-CN: the score against its line, what the due items would cost, the headroom, the sample label", () => {
    const c = content([scoreRecord()]);
    expect(plainText(c.title)).toBe("警告｜抖音 dy-tea-house 商家体验分");
    const item = plainText(c.items[0]!);
    for (const part of [
      "警告｜商家体验分 即将低于预警线",
      "店铺：dy-tea-house（抖音）",
      "商家体验分：**87.5 分**，预警线 ≥ 86 分",
      "若 3 单待揽收（16:00:00 前到期）全部超时，物流体验 降至 80，总分降至 85.1",
      "余量：再有 2 单超时揽收（24小时揽收率），总分即低于 86 分",
      "参数：样例参数，并非平台公布的值",
      "规则包：douyin@2023-06",
      `${GRAFANA}/d/scoreguard-shop?var-shop=douyin%3Ady-tea-house`,
    ])
      expect(item).toContain(part);
  });

  it("in English, and critical once below the line", () => {
    const en = plainText(content([scoreRecord()], {}, "en").items[0]!);
    expect(en).toContain("WARNING | Merchant experience score at risk");
    expect(en).toContain("if the 3 orders awaiting pickup due by 16:00:00 turn out late, Logistics drops to 80 and the total to 85.1");
    expect(en).toContain("Headroom: 2 more late pickups (24 h pickup rate) take the total below 86 points");
    const below = scoreRecord({
      severity: "critical",
      value: 84,
      dueCount: undefined,
      soonestDeadline: undefined,
      projectedValue: undefined,
      score: {
        title: "商家体验分",
        titleEn: "Merchant experience score",
        pack: "douyin@2023-06",
        total: 84,
        headroom: { line: 86, indicator: null, metric: null, items: 0, points: null, total: 84 },
      },
    });
    const zh = plainText(content([below]).items[0]!);
    expect(zh).toContain("严重｜商家体验分 低于预警线");
    expect(zh).toContain("余量：已低于预警线");
    expect(zh).not.toContain("若 ");
    expect(zh).not.toContain("样例参数");
    expect(plainText(content([below], {}, "en").items[0]!)).toContain("Headroom: already below the line");
  });

  it("a star line and a resolved score alert", () => {
    const stars = scoreRecord({ metric: "score_stars", unit: "stars", severity: "critical", value: 4, threshold: 4.5, score: undefined });
    const zh = plainText(content([stars]).items[0]!);
    expect(zh).toContain("score_stars");
    const titled = scoreRecord({ metric: "score_stars", unit: "stars", severity: "critical", value: 4, threshold: 4.5 });
    expect(plainText(content([titled]).items[0]!)).toContain("商家体验分星级：**4 星**，预警线 ≥ 4.5 星");
    const resolved = scoreRecord({ status: "resolved", value: 88 });
    const text = plainText(content([resolved]).items[0]!);
    expect(text).toContain("已恢复｜商家体验分");
    expect(text).toContain("当前值：88 分");
  });

  const CHANNELS = [
    createDingTalkChannel({ url: "http://x" }),
    createFeishuChannel({ url: "http://x" }),
    createWeComChannel({ url: "http://x" }),
    createSlackChannel({ url: "http://x" }),
    createWebhookChannel({ url: "http://x", receiver: "hook", externalUrl: GRAFANA }),
  ];
  for (const ch of CHANNELS) {
    it(`${ch.type}: the score alert's body names the score, its projection and the dimension`, () => {
      for (const [lang, words] of [
        ["zh-CN", ["商家体验分", "85.1", "物流体验 降至 80"]],
        ["en", ["Merchant experience score", "85.1", "Logistics drops to 80"]],
      ] as const) {
        const c = content([scoreRecord()], {}, lang);
        const body = JSON.stringify(ch.render(c, c.items.length).body);
        for (const w of words) expect(body, `${ch.type} ${lang}`).toContain(w);
      }
    });
  }
});
