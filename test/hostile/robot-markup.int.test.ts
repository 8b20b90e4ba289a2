// A hostile tenant's ids reach the operators' robots as text: sg.alerts on a real Kafka → the real notifier
// (state in a real Redis) → the local robots of test/robots, on all five channels. A shop id written as a
// markdown link and a forged line must show as the id, with no link of its own and no extra line; the only
// links in a message are the configured dashboard's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertKey, topicNames, type AlertRecord } from "@sg/events";
import { pollUntil } from "../src/index.js";
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
} from "../robots/index.js";
import { FAST_TIMERS, alert, startHarness, type Harness } from "../../services/notifier/testing/harness.js";

const HOSTILE_SHOP = "[点此立即处理](https://evil.example/l)\n- 平台线：已豁免";
/** Another value of the record written as markup: the rule pack, with a link and a mention. */
const HOSTILE_PACK = "kuaishou@2023-03 <!channel> [查看](https://evil.example/p) **加粗**";
/** Fields an alert record does not have: an order and a consumer id in markup never reach a robot. */
const HOSTILE_EXTRA = { orderId: "[订单](https://evil.example/o)", consumerId: "<https://evil.example/c|买家>" };
const GRAFANA = "http://grafana.test:3000";

const SECRETS = {
  dingToken: "hostile7f3a9c2e1b4d6f8a0c2e4f6a8b",
  dingSecret: "SEChostile8e7d6c5b4a39281706f5e4d3c2",
  feishuToken: "5c2a9b41-8d4e-4b7a-9c1f-2e6d8a0b4c7e",
  feishuSecret: "fshostile0a1b2c3d4e5f6a7b8c9d0e1f2a3",
  wecomKey: "7a3b91f6-7d2e-4c1b-9a8f-0e5d3c2b1a09",
  slackPath: "/services/T0HOSTILE/B0HOSTILE/xoxHostileHookSecret1234",
  hookSecret: "whsec_hostile3d2c1b0a99887766554433221",
};

/**
 * What a reader sees of a value, whatever the channel's escaping: HTML character references decoded (Slack,
 * Feishu), backslash escapes dropped (CommonMark), full-width look-alikes folded (NFKC), one line.
 */
function seen(text: string): string {
  const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', nbsp: " " };
  return text
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&([a-z]+);/g, (m, n: string) => named[n] ?? m)
    .replace(/\\([!-/:-@[-`{-~])/g, "$1")
    .normalize("NFKC")
    .replace(/\s+/g, " ");
}
const SHOP_AS_TEXT = seen(HOSTILE_SHOP);
const PACK_AS_TEXT = seen(HOSTILE_PACK);

/** Every markdown link target and every Slack `<url|…>` link of a text; none may point anywhere but Grafana. */
function linkTargets(text: string): string[] {
  return [...text.matchAll(/\]\(\s*([^)\s]*)/g), ...text.matchAll(/<((?:https?|mailto|ftp):[^|>]*)/gi)].map((m) => m[1] ?? "");
}

function expectOnlyConfiguredLinks(text: string): void {
  expect(text).not.toContain("evil.example/l)");
  for (const target of linkTargets(text)) expect(target.startsWith(`${GRAFANA}/`), `link to ${target}`).toBe(true);
  expect(text).not.toMatch(/<!channel>|<!here>|<!everyone>/);
}

/** The message of the hostile shop has the benign one's lines, and no line of the forged text. */
function expectSameLines(hostile: string, benign: string): void {
  const lines = hostile.split("\n");
  expect(lines).toHaveLength(benign.split("\n").length);
  for (const line of lines) expect(line.trimStart().startsWith("- 平台线：已豁免")).toBe(false);
  expect(lines.some((l) => seen(l).includes(SHOP_AS_TEXT))).toBe(true);
}

describe("robot messages say only what ScoreGuard means (hostile ids)", () => {
  let h: Harness;
  let ding: DingTalkRobot;
  let feishu: FeishuRobot;
  let wecom: WeComRobot;
  let slack: SlackRobot;
  let hook: WebhookReceiver;

  const arrived = (n: number) =>
    ding.messages.length >= n &&
    feishu.messages.length >= n &&
    wecom.messages.length >= n &&
    slack.messages.length >= n &&
    hook.bodies.length >= n;

  beforeAll(async () => {
    h = await startHarness();
    ding = await startDingTalkRobot({ accessToken: SECRETS.dingToken, secret: SECRETS.dingSecret });
    feishu = await startFeishuRobot({ token: SECRETS.feishuToken, secret: SECRETS.feishuSecret });
    wecom = await startWeComRobot({ key: SECRETS.wecomKey });
    slack = await startSlackRobot({ path: SECRETS.slackPath });
    hook = await startWebhookReceiver({ secret: SECRETS.hookSecret });
    const notifier = await h.notifier({
      receivers: {
        ding: { type: "dingtalk", url: ding.url, secret: SECRETS.dingSecret },
        feishu: { type: "feishu", url: feishu.url, secret: SECRETS.feishuSecret },
        wecom: { type: "wecom", url: wecom.url },
        slack: { type: "slack", url: slack.url },
        hook: { type: "webhook", url: hook.url, secret: SECRETS.hookSecret },
      },
      routes: [{ receivers: ["ding", "feishu", "wecom", "slack", "hook"], ...FAST_TIMERS }],
    });
    await pollUntil(() => notifier.ready(), { timeoutMs: 60_000, message: "notifier joined its consumer group" });

    // A benign shop first, alone, so that each robot's first message is the shape to compare with.
    await h.publish([alert({ shopId: "calm", headroom: 2 })]);
    await pollUntil(() => arrived(1), { timeoutMs: 30_000, message: "every robot got the benign alert" });
    const hostile: AlertRecord & typeof HOSTILE_EXTRA = {
      ...alert({ shopId: HOSTILE_SHOP, rulePack: HOSTILE_PACK, headroom: 2 }),
      ...HOSTILE_EXTRA,
    };
    await h.producer.send({
      topic: topicNames(h.topicPrefix).alerts,
      messages: [{ key: alertKey(hostile), value: JSON.stringify(hostile) }],
    });
    await pollUntil(() => arrived(2), { timeoutMs: 30_000, message: "every robot got the hostile alert" });
  });

  afterAll(async () => {
    await h?.close();
    await Promise.all([ding, feishu, wecom, slack, hook].filter(Boolean).map((r) => r.close()));
  });

  it("DingTalk: the id is text in the title and the markdown, with no link and no extra line", () => {
    const [benign, m] = [ding.messages[0]!, ding.messages[1]!];
    expect(m.title).not.toContain("\n");
    expect(seen(m.title)).toContain(SHOP_AS_TEXT);
    expectOnlyConfiguredLinks(m.text);
    expectSameLines(m.text, benign.text);
    expect(seen(m.text)).toContain(PACK_AS_TEXT);
    expect(m.text).toContain(`${GRAFANA}/d/scoreguard-shop?var-shop=`);
  });

  it("Feishu: the id is text in the card header and the lark_md body, with no link and no extra line", () => {
    const [benign, m] = [feishu.messages[0]!, feishu.messages[1]!];
    expect(m.title).not.toContain("\n");
    expect(seen(m.title)).toContain(SHOP_AS_TEXT);
    expectOnlyConfiguredLinks(m.content);
    expect(m.content).not.toMatch(/<at\b|<font\b/);
    expectSameLines(m.content, benign.content);
    expect(seen(m.content)).toContain(PACK_AS_TEXT);
  });

  it("WeCom: the id is text in the markdown, with no link and no extra line", () => {
    const [benign, m] = [wecom.messages[0]!, wecom.messages[1]!];
    expectOnlyConfiguredLinks(m.content);
    expect(m.content).not.toMatch(/<@/);
    expectSameLines(m.content, benign.content);
    expect(seen(m.content)).toContain(PACK_AS_TEXT);
  });

  it("Slack: the id is text in the header, the fallback text and the mrkdwn section, with no link and no extra line", () => {
    const [benign, m] = [slack.messages[0]!, slack.messages[1]!];
    const section = (msg: typeof m) => {
      const block = msg.blocks.find((b) => (b as { type?: string }).type === "section") as { text: { text: string } };
      return block.text.text;
    };
    const header = (m.blocks.find((b) => (b as { type?: string }).type === "header") as { text: { text: string } }).text.text;
    expect(header).not.toContain("\n");
    expect(seen(header)).toContain(SHOP_AS_TEXT);
    // The fallback `text` is mrkdwn too (it is what a notification shows).
    expect(m.text).not.toContain("\n");
    expect(m.text).not.toMatch(/<http|<!/);
    expect(seen(m.text)).toContain(SHOP_AS_TEXT);
    const text = section(m);
    expectOnlyConfiguredLinks(text);
    expectSameLines(text, section(benign));
    expect(seen(text)).toContain(PACK_AS_TEXT);
  });

  it("generic webhook: labels keep the id as data; the markdown summary shows it as text, with no link", () => {
    const [benign, body] = [hook.bodies[0]!, hook.bodies[1]!];
    const a = body.alerts[0]!;
    expect(a.labels.shop).toBe(`kuaishou:${HOSTILE_SHOP}`);
    expect(a.labels.rulePack).toBe(HOSTILE_PACK);
    const summary = a.annotations.summary ?? "";
    expectOnlyConfiguredLinks(summary);
    expectSameLines(summary, benign.alerts[0]?.annotations.summary ?? "");
    expect(seen(summary)).toContain(PACK_AS_TEXT);
  });

  it("fields an alert record does not have (order, consumer ids) reach no robot", () => {
    const everything = JSON.stringify([ding.messages, feishu.messages, wecom.messages, slack.messages, hook.bodies]);
    expect(everything).not.toContain("evil.example/o");
    expect(everything).not.toContain("evil.example/c");
    // The composer's marks around values never reach a robot.
    expect(everything).not.toMatch(/[\uE000-\uE003]/);
  });
});
