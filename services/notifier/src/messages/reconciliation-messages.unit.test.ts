import type { AlertRecord } from "@sg/events";
import { describe, expect, it } from "vitest";
import { content, GRAFANA, notification } from "../../testing/content.js";
import { record } from "../../testing/fixtures.js";
import { createDingTalkChannel } from "../channels/dingtalk/dingtalk.channel.js";
import { createFeishuChannel } from "../channels/feishu/feishu.channel.js";
import { createSlackChannel } from "../channels/slack/slack.channel.js";
import { createWebhookChannel } from "../channels/webhook/webhook.channel.js";
import { createWeComChannel } from "../channels/wecom/wecom.channel.js";
import { composeSummary } from "./compose.js";
import { loadTemplates } from "./templates.js";
import { plainText } from "./untrusted.js";

/** A drift alert as the reconciler writes it (reconciler.ts, drift-alert.ts): 2 of 12 items differ on 2026-12-05. */
function driftRecord(over: Partial<AlertRecord> = {}): AlertRecord {
  return record({
    platform: "douyin",
    shopId: "dy-tea-house",
    metric: "reconciliation",
    kind: "reconciliation_drift",
    severity: "warning",
    at: "2026-12-06T10:05:00+08:00",
    rulePack: "douyin@2023-06",
    direction: "max",
    unit: "count",
    value: 2,
    threshold: 0,
    target: null,
    numerator: 2,
    denominator: 12,
    headroom: undefined,
    reconciliation: {
      day: "2026-12-05",
      compared: 12,
      drift: 2,
      items: [
        { item: "delivery_hours", kind: "metric", unit: "hours", platform: 20.1, ours: 19.4 },
        { item: "pickup_24h_rate", kind: "metric", unit: "ratio", platform: 0.9512, ours: 0.9488 },
      ],
    },
    ...over,
  });
}

describe("reconciliation drift messages", () => {
  it("in zh-CN: how many items differ on which day, each with both figures; no line or target", () => {
    const c = content([driftRecord()]);
    expect(plainText(c.title)).toBe("警告｜抖音 dy-tea-house 平台数据核对");
    const item = plainText(c.items[0]!);
    expect(item.split("\n")).toEqual([
      "**警告｜平台数据核对：2/12 项不一致**",
      "- 店铺：dy-tea-house（抖音）",
      "- 2026-12-05 共比对 12 项，2 项与平台数据不一致（平均配送时长：平台 20.1 小时，我方 19.4 小时；24小时揽收率：平台 95.12%，我方 94.88%）",
      "- 规则包：douyin@2023-06",
      "- 时间：2026-12-06 10:05:00",
      `- [查看店铺看板](${GRAFANA}/d/scoreguard-shop?var-shop=douyin%3Ady-tea-house)`,
    ]);
  });

  it("in English", () => {
    const c = content([driftRecord()], {}, "en");
    expect(plainText(c.title)).toBe("WARNING | Douyin dy-tea-house Reconciliation with the platform");
    const item = plainText(c.items[0]!);
    expect(item).toContain("**WARNING | Reconciliation with the platform: 2 of 12 differ**");
    expect(item).toContain(
      "- 2 of 12 indicators differ from the platform's figures for 2026-12-05 (average delivery time: platform 20.1 h, ours 19.4 h; 24 h pickup rate: platform 95.12%, ours 94.88%)",
    );
    expect(item).not.toContain("≤ 0");
  });

  it("names the total and a dimension, an unknown item by its id, a missing figure as a dash, and items not listed", () => {
    const r = driftRecord({
      value: 5,
      numerator: 5,
      reconciliation: {
        day: "2026-12-05",
        compared: 12,
        drift: 5,
        items: [
          { item: "score.total", kind: "total", unit: "points", platform: 88.456, ours: 87 },
          { item: "score.dimension.logistics", kind: "dimension", unit: "points", platform: 80, ours: null },
          { item: "brand_new_metric", kind: "metric", unit: "count", platform: 3, ours: 1 },
        ],
      },
    });
    expect(plainText(content([r]).items[0]!)).toContain(
      "2026-12-05 共比对 12 项，5 项与平台数据不一致（总分：平台 88.46 分，我方 87 分；logistics维度：平台 80 分，我方 —；brand_new_metric：平台 3，我方 1；另有 2 项）",
    );
    expect(plainText(content([r], {}, "en").items[0]!)).toContain(
      "(Total score: platform 88.46 points, ours 87 points; logistics dimension: platform 80 points, ours —; brand_new_metric: platform 3, ours 1; 2 more)",
    );
  });

  it("a record without the detail (an older reconciler) still says how many differ; resolved and in a summary", () => {
    const bare = driftRecord({ reconciliation: undefined });
    const zh = plainText(content([bare]).items[0]!);
    expect(zh).toContain("- 共比对 12 项，2 项与平台数据不一致");
    const resolved = driftRecord({
      status: "resolved",
      value: 0,
      numerator: 0,
      reconciliation: { day: "2026-12-06", compared: 12, drift: 0, items: [] },
    });
    const text = plainText(content([resolved]).items[0]!);
    expect(text).toContain("已恢复｜平台数据核对");
    expect(text).toContain("当前值：0/12 项不一致");
    expect(text).not.toContain("平台线");
    const summary = composeSummary([notification([driftRecord()]), notification([record()], {}, "n2")], {
      templates: loadTemplates("en"),
      grafanaUrl: GRAFANA,
    });
    expect(summary.items.map(plainText)).toContain("- WARNING | Douyin dy-tea-house | Reconciliation with the platform 2 of 12 differ");
  });

  it("marks an item name from the record as a value from outside: each robot escapes it", () => {
    const r = driftRecord({
      reconciliation: {
        day: "2026-12-05",
        compared: 1,
        drift: 1,
        items: [{ item: "**x**<at>", kind: "metric", unit: "count", platform: 1, ours: 0 }],
      },
    });
    const c = content([r]);
    const ding = JSON.stringify(createDingTalkChannel({ url: "http://x" }).render(c, c.items.length).body);
    expect(ding).not.toContain("**x**<at>");
  });

  const CHANNELS = [
    createDingTalkChannel({ url: "http://x" }),
    createFeishuChannel({ url: "http://x" }),
    createWeComChannel({ url: "http://x" }),
    createSlackChannel({ url: "http://x" }),
    createWebhookChannel({ url: "http://x", receiver: "hook", externalUrl: GRAFANA }),
  ];
  for (const ch of CHANNELS) {
    it(`${ch.type}: the drift alert's body names the day, the counts and the drifting items with both figures`, () => {
      for (const [lang, words] of [
        ["zh-CN", ["平台数据核对", "2026-12-05", "2 项与平台数据不一致", "平均配送时长", "20.1 小时", "19.4 小时", "95.12%"]],
        [
          "en",
          [
            "Reconciliation with the platform",
            "2026-12-05",
            "2 of 12 indicators differ",
            "average delivery time",
            "20.1 h",
            "19.4 h",
            "95.12%",
          ],
        ],
      ] as const) {
        const c = content([driftRecord()], {}, lang);
        const body = JSON.stringify(ch.render(c, c.items.length).body);
        for (const w of words) expect(body, `${ch.type} ${lang}`).toContain(w);
      }
    });
  }
});
