import { describe, expect, it } from "vitest";
import { createDingTalkChannel } from "../channels/dingtalk/dingtalk.channel.js";
import { createWebhookChannel } from "../channels/webhook/webhook.channel.js";
import { createWeComChannel } from "../channels/wecom/wecom.channel.js";
import { GRAFANA, notification } from "../../testing/content.js";
import { composeNotification, composeSummary } from "../messages/compose.js";
import { loadTemplates } from "../messages/templates.js";
import { record } from "../../testing/fixtures.js";
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

  it("splits like a greedy fill, composing a few summaries per message rather than one per prefix", () => {
    const wecom = createWeComChannel({ url: "http://x" });
    // Varied sizes: some notifications hold several alerts.
    const ns = Array.from({ length: 300 }, (_, i) =>
      notification(
        Array.from({ length: 1 + (i % 4) }, (_, k) => record({ shopId: `s${i}`, metric: k === 0 ? "human_reply_3min_rate" : `m${k}` })),
        {},
        `g${i}#1`,
      ),
    );
    let calls = 0;
    const counting: Composer = {
      one: compose.one,
      many: (xs) => {
        calls += 1;
        return compose.many(xs);
      },
    };
    const plan = planMessages(wecom, ns, counting);
    // The reference: extend the current message while its summary still fits.
    const greedy: string[][] = [];
    let cur: typeof ns = [];
    for (const n of ns) {
      const c = compose.many([...cur, n]);
      if (cur.length === 0 || wecom.render(c, c.items.length).size <= wecom.maxBytes) cur = [...cur, n];
      else {
        greedy.push(cur.map((x) => x.id));
        cur = [n];
      }
    }
    greedy.push(cur.map((x) => x.id));
    expect(plan.map((m) => m.notifications.map((n) => n.id))).toEqual(greedy);
    expect(calls).toBeLessThanOrEqual(plan.length * (Math.ceil(Math.log2(ns.length)) + 1));
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
