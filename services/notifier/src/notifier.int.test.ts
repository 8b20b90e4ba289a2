// The whole path: sg.alerts on a real Kafka → notifier (state in a real Redis) → local robots that check
// signatures, payloads and limits as the real ones do (test/robots). alerts.md.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollUntil } from "../../../test/src/index.js";
import {
  startDingTalkRobot,
  startFeishuRobot,
  startSlackRobot,
  startWeComRobot,
  startWebhookReceiver,
  type DingTalkRobot,
  type FeishuRobot,
  type SlackRobot,
  type WeComRobot,
  type WebhookReceiver,
} from "../../../test/robots/index.js";
import { createDeliveryStatusReader } from "@sg/events/runtime";
import type { Notifier } from "./notifier.js";
import { FAST_TIMERS, alert, startHarness, type Harness } from "../testing/harness.js";

const SECRETS = {
  dingToken: "dt0ken7f3a9c2e1b4d6f8a0c2e4f6a8b",
  dingSecret: "SEC9f8e7d6c5b4a39281706f5e4d3c2b1a0",
  burstToken: "burst7f3a9c2e1b4d6f8a0c2e4f6a8b0c",
  burstSecret: "SECburst0a1b2c3d4e5f60718293a4b5c6d",
  feishuToken: "3f1c9a52-8d4e-4b7a-9c1f-2e6d8a0b4c7e",
  feishuSecret: "fs5ecret0a1b2c3d4e5f6a7b8c9d0e1f2a3",
  wecomKey: "693a91f6-7d2e-4c1b-9a8f-0e5d3c2b1a09",
  slackPath: "/services/T0TESTTEAM/B0TESTHOOK/xoxSlackHookSecret123456",
  hookSecret: "whsec_5f4e3d2c1b0a99887766554433221100",
};
const BURST_SHOPS = Array.from({ length: 100 }, (_, i) => `burst${i}`);

// The cases run concurrently (each its own shops, and its own robot or its own shop label on the shared
// webhook receiver), so their group waits and quiet periods overlap; the log check runs last, on their logs.
describe("notifier, end to end", () => {
  let h: Harness;
  let notifier: Notifier;
  let ding: DingTalkRobot;
  let burst: DingTalkRobot;
  let feishu: FeishuRobot;
  let wecom: WeComRobot;
  let slack: SlackRobot;
  let hook: WebhookReceiver;

  beforeAll(async () => {
    h = await startHarness();
    ding = await startDingTalkRobot({ accessToken: SECRETS.dingToken, secret: SECRETS.dingSecret });
    burst = await startDingTalkRobot({ accessToken: SECRETS.burstToken, secret: SECRETS.burstSecret });
    feishu = await startFeishuRobot({ token: SECRETS.feishuToken, secret: SECRETS.feishuSecret });
    wecom = await startWeComRobot({ key: SECRETS.wecomKey });
    slack = await startSlackRobot({ path: SECRETS.slackPath });
    hook = await startWebhookReceiver({ secret: SECRETS.hookSecret });
    notifier = await h.notifier({
      receivers: {
        ding: { type: "dingtalk", url: ding.url, secret: SECRETS.dingSecret, atMobiles: ["13800000000"] },
        feishu: { type: "feishu", url: feishu.url, secret: SECRETS.feishuSecret },
        burst: { type: "dingtalk", url: burst.url, secret: SECRETS.burstSecret },
        wecom: { type: "wecom", url: wecom.url },
        slack: { type: "slack", url: slack.url },
        hook: { type: "webhook", url: hook.url, secret: SECRETS.hookSecret },
      },
      routes: [
        { match: { shop: ["crit"] }, receivers: ["ding", "feishu"], mentions: { mobiles: ["13900000000"] }, ...FAST_TIMERS },
        { match: { shop: ["inh", "sil", "silctl", "res"] }, receivers: ["hook"], ...FAST_TIMERS },
        { match: { shop: BURST_SHOPS }, receivers: ["burst"], ...FAST_TIMERS },
        { match: { shop: ["rl"] }, receivers: ["wecom"], ...FAST_TIMERS },
        { match: { shop: ["perm"] }, receivers: ["slack"], ...FAST_TIMERS },
      ],
    });
    await pollUntil(() => notifier.ready(), { timeoutMs: 60_000, message: "notifier joined its consumer group" });
  });

  afterAll(async () => {
    await h?.close();
    await Promise.all([ding, burst, feishu, wecom, slack, hook].filter(Boolean).map((r) => r.close()));
  });

  it.concurrent("delivers a critical breach to two robots, each correctly signed", async ({ expect }) => {
    const sentAt = Date.now();
    await h.publish([alert({ shopId: "crit", value: 0.62, headroom: -2 })]);
    await pollUntil(() => ding.messages.length >= 1 && feishu.messages.length >= 1, {
      timeoutMs: 20_000,
      message: "both robots got the alert",
    });
    const elapsed = Date.now() - sentAt;
    expect(elapsed).toBeGreaterThanOrEqual(1_000); // group_wait
    expect(ding.answers).toEqual([0]);
    expect(feishu.answers).toEqual([0]);
    const d = ding.messages[0]!;
    expect(d.title).toBe("严重｜快手 crit 人工3分钟回复率");
    expect(d.text).toContain("当前值：**62%**");
    expect(d.text).toContain("平台线：≥ 70%");
    expect(d.text).toContain("http://grafana.test:3000/d/scoreguard-shop?var-shop=kuaishou%3Acrit");
    // DingTalk: mentioned mobiles are in `at` and in the text.
    expect(d.atMobiles).toEqual(["13800000000", "13900000000"]);
    expect(d.text).toContain("@13800000000 @13900000000");
    expect(feishu.messages[0]?.template).toBe("red");
    expect(feishu.messages[0]?.content).toContain("人工3分钟回复率");
    // Signed fresh per request: the robot checked a timestamp within the hour.
    expect(Math.abs(Number(d.timestamp) - Date.now())).toBeLessThan(60_000);
  });

  it.concurrent("mutes a warning of the same shop and metric while a critical fires (inhibition)", async ({ expect }) => {
    await h.publish([
      alert({
        shopId: "inh",
        kind: "at_risk",
        severity: "warning",
        dueCount: 3,
        soonestDeadline: "2026-11-20T14:02:10+08:00",
        projectedValue: 0.6,
      }),
      alert({ shopId: "inh", kind: "threshold", severity: "critical" }),
    ]);
    const body = await pollUntil(() => hook.bodies.find((b) => b.groupLabels.shop === "kuaishou:inh"), {
      timeoutMs: 20_000,
      message: "hook got shop inh",
    });
    expect(body.alerts.map((a) => `${a.labels.kind}/${a.labels.severity}`)).toEqual(["threshold/critical"]);
  });

  it.concurrent("holds a silenced alert while an unsilenced one goes through", async ({ expect }) => {
    await notifier.silences.create({
      matchers: [{ name: "shop", value: "kuaishou:sil" }],
      endsAt: Date.now() + 3600_000,
      createdBy: "test",
    });
    await h.publish([alert({ shopId: "sil" }), alert({ shopId: "silctl" })]);
    await pollUntil(() => hook.bodies.some((b) => b.groupLabels.shop === "kuaishou:silctl"), {
      timeoutMs: 20_000,
      message: "control shop delivered",
    });
    // Both were in the same batch and group timings; give the silenced one a further group_wait and more.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(hook.bodies.filter((b) => b.groupLabels.shop === "kuaishou:sil")).toEqual([]);
  });

  it.concurrent("sends resolved only after the firing went out and the condition stayed clear for resolve_after", async ({ expect }) => {
    const firing = alert({ shopId: "res" });
    await h.publish([firing]);
    await pollUntil(() => hook.bodies.some((b) => b.groupLabels.shop === "kuaishou:res"), {
      timeoutMs: 20_000,
      message: "firing delivered",
    });
    const resolvedAt = Date.now();
    await h.publish([alert({ shopId: "res", status: "resolved", seq: firing.seq + 1, value: 0.75 })]);
    const resolved = await pollUntil(() => hook.bodies.find((b) => b.groupLabels.shop === "kuaishou:res" && b.status === "resolved"), {
      timeoutMs: 20_000,
      message: "resolved delivered",
    });
    expect(Date.now() - resolvedAt).toBeGreaterThanOrEqual(1_000);
    expect(resolved.alerts[0]?.endsAt).not.toBe("0001-01-01T00:00:00Z");
    // A stale record (lower seq) changes nothing.
    await h.publish([{ ...firing }]);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(hook.bodies.filter((b) => b.groupLabels.shop === "kuaishou:res").map((b) => b.status)).toEqual(["firing", "resolved"]);
  });

  it.concurrent("merges a burst of 100 alerts for one robot, within its rate limit, losing none", async ({ expect }) => {
    await h.publish(BURST_SHOPS.map((shopId) => alert({ shopId })));
    const covered = () => {
      const text = burst.messages.map((m) => m.text).join("\n");
      return BURST_SHOPS.every((s) => new RegExp(`快手 ${s}｜`).test(text));
    };
    await pollUntil(covered, { timeoutMs: 30_000, message: "all 100 shops reached the robot" });
    expect(burst.answers.every((c) => c === 0)).toBe(true); // never rate limited
    expect(burst.messages.length).toBeLessThanOrEqual(5);
    const first = burst.messages[0]!;
    const last = burst.messages[burst.messages.length - 1]!;
    expect(burst.messages.length).toBeLessThanOrEqual(20 + Math.floor((last.at - first.at) / 3000));
    expect(burst.messages.some((m) => m.title.startsWith("告警汇总"))).toBe(true);
  });

  it.concurrent("retries a robot that answers rate limited, and succeeds", async ({ expect }) => {
    wecom.failNext(2, "rate_limited");
    await h.publish([alert({ shopId: "rl" })]);
    await pollUntil(() => wecom.messages.length >= 1, { timeoutMs: 20_000, message: "wecom delivered after retries" });
    expect(wecom.answers).toEqual([45009, 45009, 0]);
    const gaps = wecom.received.slice(1).map((r, i) => r.at - wecom.received[i]!.at);
    expect(gaps.every((g) => g >= 150)).toBe(true); // backed off (base 300 ms, half of it at least)
  });

  it.concurrent("does not retry a permanent error; records it with the channel's code", async ({ expect }) => {
    slack.failNext(1, "archived");
    await h.publish([alert({ shopId: "perm" })]);
    await pollUntil(() => slack.received.length >= 1, { timeoutMs: 20_000, message: "slack was called" });
    await new Promise((r) => setTimeout(r, 2_500));
    expect(slack.answers).toEqual([410]);
    const failures = await createDeliveryStatusReader(h.redis, h.keyPrefix).failures();
    expect(failures[0]).toMatchObject({ receiver: "slack", channel: "slack", outcome: "permanent", code: "channel_is_archived" });
    expect(failures[0]?.alerts).toEqual(["kuaishou:perm:human_reply_3min_rate:threshold"]);
    const metrics = await notifier.registry.getSingleMetricAsString("sg_notifier_delivery_failures_total");
    expect(metrics).toContain('sg_notifier_delivery_failures_total{receiver="slack",channel="slack",code="channel_is_archived"} 1');
    const logged = h.logs.json().find((l) => l.msg === "delivery failed; notifications given up and recorded");
    expect(logged).toMatchObject({ receiver: "slack", channel: "slack", code: "channel_is_archived", level: "error" });
  });

  it("never writes a secret, token or webhook URL to the logs", () => {
    expect(h.logs.lines.length).toBeGreaterThan(5);
    const all = h.logs.lines.join("\n");
    for (const [name, secret] of Object.entries(SECRETS)) expect(all, name).not.toContain(secret);
    for (const robot of [ding, burst, feishu, wecom, slack, hook]) expect(all).not.toContain(robot.url);
    expect(all).not.toMatch(/sign=[A-Za-z0-9%]/);
  });
});
