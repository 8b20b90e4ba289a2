// The robots against the notifier's channels: a correctly signed request is accepted, a wrong one gets
// the real robot's code, and the limits answer as the real ones do.
import { afterAll, describe, expect, it } from "vitest";
import { createDingTalkChannel } from "../../services/notifier/src/channels/dingtalk/dingtalk.channel.js";
import { createFeishuChannel } from "../../services/notifier/src/channels/feishu/feishu.channel.js";
import { sendOnce } from "../../services/notifier/src/channels/http.js";
import { createSlackChannel } from "../../services/notifier/src/channels/slack/slack.channel.js";
import { content } from "../../services/notifier/testing/content.js";
import { createWebhookChannel } from "../../services/notifier/src/channels/webhook/webhook.channel.js";
import { createWeComChannel } from "../../services/notifier/src/channels/wecom/wecom.channel.js";
import type { Channel } from "../../services/notifier/src/channels/channel.js";
import { startDingTalkRobot, startFeishuRobot, startSlackRobot, startWeComRobot, startWebhookReceiver } from "./index.js";

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
});

function send(ch: Channel, now = Date.now()) {
  return sendOnce(ch, ch.render(content(), 1).body, { now, timeoutMs: 2000 });
}

describe("dingtalk robot", () => {
  it("accepts a signed message and refuses a wrong secret, a stale timestamp, a missing keyword", async () => {
    const robot = await startDingTalkRobot({ accessToken: "tok", secret: "SECgood", keyword: "ScoreGuard" });
    closers.push(robot.close);
    expect(await send(createDingTalkChannel({ url: robot.url, secret: "SECgood" }))).toEqual({ outcome: "ok", code: "0" });
    expect(robot.messages[0]?.text).toContain("人工3分钟回复率");
    expect(await send(createDingTalkChannel({ url: robot.url, secret: "SECbad" }))).toEqual({ outcome: "permanent", code: "310000" });
    expect(await send(createDingTalkChannel({ url: robot.url, secret: "SECgood" }), Date.now() - 2 * 3600_000)).toEqual({
      outcome: "permanent",
      code: "310000",
    });
    expect(await send(createDingTalkChannel({ url: robot.url.replace("tok", "nope"), secret: "SECgood" }))).toEqual({
      outcome: "permanent",
      code: "300001",
    });
  });

  it("limits 20 messages a minute, and fails on demand", async () => {
    const robot = await startDingTalkRobot({ accessToken: "tok" });
    closers.push(robot.close);
    const ch = createDingTalkChannel({ url: robot.url });
    for (let i = 0; i < 20; i++) expect((await send(ch)).outcome).toBe("ok");
    expect(await send(ch)).toEqual({ outcome: "retryable", code: "130101" });
    robot.failNext(1, "too_large");
    expect(await send(ch)).toEqual({ outcome: "too_large", code: "460101" });
  });
});

describe("feishu robot", () => {
  it("checks the body signature", async () => {
    const robot = await startFeishuRobot({ token: "hook-1", secret: "s3" });
    closers.push(robot.close);
    expect(await send(createFeishuChannel({ url: robot.url, secret: "s3" }))).toEqual({ outcome: "ok", code: "0" });
    expect(robot.messages[0]?.template).toBe("red");
    expect(await send(createFeishuChannel({ url: robot.url, secret: "s4" }))).toEqual({ outcome: "permanent", code: "19021" });
    expect(await send(createFeishuChannel({ url: robot.url }))).toEqual({ outcome: "permanent", code: "19021" });
  });

  it("limits 5 a second", async () => {
    const robot = await startFeishuRobot({ token: "hook-2" });
    closers.push(robot.close);
    const ch = createFeishuChannel({ url: robot.url });
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await send(ch));
    expect(results.filter((r) => r.outcome === "ok")).toHaveLength(5);
    expect(results[5]).toEqual({ outcome: "retryable", code: "11232" });
  });
});

describe("wecom robot", () => {
  it("accepts markdown on the right key only", async () => {
    const robot = await startWeComRobot({ key: "k-1" });
    closers.push(robot.close);
    expect(await send(createWeComChannel({ url: robot.url }))).toEqual({ outcome: "ok", code: "0" });
    expect(await send(createWeComChannel({ url: robot.url.replace("k-1", "k-2") }))).toEqual({ outcome: "permanent", code: "93000" });
    robot.failNext(1, "rate_limited");
    expect(await send(createWeComChannel({ url: robot.url }))).toEqual({ outcome: "retryable", code: "45009" });
  });
});

describe("slack robot", () => {
  it("answers ok, then 429 with Retry-After past the rate", async () => {
    const robot = await startSlackRobot({ path: "/services/T1/B1/xyz" });
    closers.push(robot.close);
    const ch = createSlackChannel({ url: robot.url });
    expect(await send(ch)).toEqual({ outcome: "ok", code: "ok" });
    robot.failNext(1, "rate_limited");
    expect(await send(ch)).toEqual({ outcome: "retryable", code: "http_429", retryAfterMs: 1000 });
    expect(await send(createSlackChannel({ url: `${robot.origin}/services/T1/B1/nope` }))).toEqual({
      outcome: "permanent",
      code: "no_service",
    });
  });
});

describe("webhook receiver", () => {
  it("verifies the HMAC header and the v4 body", async () => {
    const robot = await startWebhookReceiver({ secret: "whsec" });
    closers.push(robot.close);
    const ok = createWebhookChannel({ url: robot.url, secret: "whsec", receiver: "oncall", externalUrl: "http://g" });
    expect(await send(ok)).toEqual({ outcome: "ok", code: "http_200" });
    expect(robot.bodies[0]?.alerts[0]?.labels.metric).toBe("human_reply_3min_rate");
    const bad = createWebhookChannel({ url: robot.url, secret: "other", receiver: "oncall", externalUrl: "http://g" });
    expect(await send(bad)).toEqual({ outcome: "permanent", code: "http_401" });
    robot.failNext(1, 503);
    expect(await send(ok)).toEqual({ outcome: "retryable", code: "http_503" });
  });
});
