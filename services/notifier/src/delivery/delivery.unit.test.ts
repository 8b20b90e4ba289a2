import { describe, expect, it } from "vitest";
import { createDingTalkChannel } from "../channels/dingtalk/dingtalk.channel.js";
import { createWebhookChannel } from "../channels/webhook/webhook.channel.js";
import { createWeComChannel } from "../channels/wecom/wecom.channel.js";
import { GRAFANA, notification } from "../channels/test-content.js";
import { composeNotification, composeSummary } from "../messages/compose.js";
import { loadTemplates } from "../messages/templates.js";
import { record } from "../model/fixtures.js";
import { backoffMs, DEFAULT_RETRY } from "./backoff.js";
import { planMessages, type Composer } from "./plan.js";

const opts = { templates: loadTemplates("zh-CN"), grafanaUrl: GRAFANA };
const compose: Composer = { one: (n) => composeNotification(n, opts), many: (ns) => composeSummary(ns, opts) };
const queued = (n: number) => Array.from({ length: n }, (_, i) => notification([record({ shopId: `s${i}` })], {}, `g${i}#1`));

describe("planMessages", () => {
  it("merges a burst for a rate-limited robot into one summary when it fits", () => {
    const ding = createDingTalkChannel({ url: "http://x" });
    const plan = planMessages(ding, queued(100), compose);
    expect(plan).toHaveLength(1);
    expect(plan[0]?.notifications).toHaveLength(100);
    expect(plan[0]?.content.items).toHaveLength(100);
  });

  it("splits a summary at notification boundaries to fit the byte limit, losing nothing", () => {
    const wecom = createWeComChannel({ url: "http://x" });
    const plan = planMessages(wecom, queued(100), compose);
    expect(plan.length).toBeGreaterThan(1);
    expect(plan.flatMap((m) => m.notifications.map((n) => n.id))).toEqual(queued(100).map((n) => n.id));
    for (const m of plan) expect(wecom.render(m.content, m.content.items.length).size).toBeLessThanOrEqual(4096);
  });

  it("sends one queued notification in detail, and one message per notification to a webhook", () => {
    const ding = createDingTalkChannel({ url: "http://x" });
    expect(planMessages(ding, queued(1), compose)[0]?.content.itemSeparator).toBe("\n\n");
    const hook = createWebhookChannel({ url: "http://x", receiver: "h", externalUrl: GRAFANA });
    expect(planMessages(hook, queued(3), compose)).toHaveLength(3);
  });
});

describe("backoffMs", () => {
  it("doubles up to the cap, with jitter in the upper half, and honours Retry-After", () => {
    expect(backoffMs(DEFAULT_RETRY, 1, () => 0)).toBe(500);
    expect(backoffMs(DEFAULT_RETRY, 1, () => 1)).toBe(1000);
    expect(backoffMs(DEFAULT_RETRY, 3, () => 1)).toBe(4000);
    expect(backoffMs(DEFAULT_RETRY, 30, () => 1)).toBe(60_000);
    expect(backoffMs(DEFAULT_RETRY, 1, () => 0, 5000)).toBe(5000);
  });
});
