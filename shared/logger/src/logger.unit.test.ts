import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";

/** A destination stream that keeps every line, as pino writes it. */
function capture() {
  const lines: string[] = [];
  return {
    lines,
    destination: { write: (s: string) => void lines.push(s) },
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    text: () => lines.join(""),
  };
}

const SECRET = {
  dingtalkToken: "dt-access-token-1a2b3c",
  dingtalkSign: "c2lnbmF0dXJlLXZhbHVl",
  dingtalkSecret: "SECdingtalk-secret-4d5e6f",
  feishuHook: "6f1c2a7e-1234-4000-8000-00000000abcd",
  feishuSecret: "feishu-secret-7g8h9i",
  wecomKey: "wecom-key-0j1k2l",
  slackPath: "SLACKPATHSECRET1234567890",
  appSecret: "douyin-app-secret-3m4n",
  messageSecret: "a3VhaXNob3Utc2VjcmV0",
  clientSecret: "pdd-client-secret-5o6p",
  apiToken: "api-token-7q8r9s",
  bearer: "bearer-token-0t1u2v3w",
  redisPassword: "redis-password-4x5y",
  cookie: "session=cookie-value-6z7a",
};

const dingtalkUrl = `https://oapi.dingtalk.com/robot/send?access_token=${SECRET.dingtalkToken}&timestamp=1763600000000&sign=${SECRET.dingtalkSign}`;
const feishuUrl = `https://open.feishu.cn/open-apis/bot/v2/hook/${SECRET.feishuHook}`;
const wecomUrl = `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${SECRET.wecomKey}`;
const slackUrl = `https://hooks.slack.com/services/T0001/B0002/${SECRET.slackPath}`;

function expectNoSecret(text: string): void {
  for (const [name, value] of Object.entries(SECRET)) {
    expect(text, `${name} leaked`).not.toContain(value);
  }
}

describe("createLogger", () => {
  it("writes JSON lines with name, level label and message", () => {
    const out = capture();
    const log = createLogger({ name: "notifier", level: "debug", destination: out.destination });
    log.debug({ shop: "kuaishou:s1" }, "grouped %d alerts", 3);
    log.trace("not written");
    log.info(undefined as unknown as string);
    log.info({ msg: "from object", err: new Error("e") });
    expect(out.records()).toEqual([
      expect.objectContaining({ name: "notifier", level: "debug", shop: "kuaishou:s1", msg: "grouped 3 alerts" }),
      expect.objectContaining({ level: "info" }),
      expect.objectContaining({ msg: "from object", err: expect.objectContaining({ message: "e" }) }),
    ]);
  });

  it("never writes a secret held in a logged object, at any depth", () => {
    const out = capture();
    const log = createLogger({ name: "t", destination: out.destination });
    log.info({
      receiver: { name: "ops", type: "dingtalk", url: dingtalkUrl, secret: SECRET.dingtalkSecret },
      receivers: { feishu: { url: feishuUrl, secret: SECRET.feishuSecret }, wecom: { url: wecomUrl }, slack: { url: slackUrl } },
      platforms: {
        douyin: { appKey: "k", appSecret: SECRET.appSecret },
        kuaishou: { messageSecret: SECRET.messageSecret },
        pdd: { client_secret: SECRET.clientSecret },
      },
      apiTokens: [{ token: SECRET.apiToken, shops: ["*"] }],
      request: { headers: { Authorization: `Bearer ${SECRET.bearer}`, cookie: SECRET.cookie }, url: dingtalkUrl },
      deep: { a: { b: { c: { d: { e: { secret: SECRET.dingtalkSecret, list: [{ webhook: feishuUrl }] } } } } } },
      redis: new URL(`redis://default:${SECRET.redisPassword}@127.0.0.1:6379`),
    });
    expectNoSecret(out.text());
    const [line] = out.records();
    expect(line?.receiver).toEqual({
      name: "ops",
      type: "dingtalk",
      url: "https://oapi.dingtalk.com/robot/send?access_token=***&timestamp=***&sign=***",
      secret: "[Redacted]",
    });
    expect(line?.redis).toBe("redis://***@127.0.0.1:6379");
  });

  it("never writes a secret held in a message, printf arguments or child bindings", () => {
    const out = capture();
    const log = createLogger({ name: "t", destination: out.destination });
    log.info(`POST ${dingtalkUrl}`);
    log.warn("retrying %s after %o", wecomUrl, { url: slackUrl, secret: SECRET.feishuSecret });
    log.info({ body: JSON.stringify({ token: SECRET.apiToken, msg: "x" }), form: `client_secret=${SECRET.clientSecret}&a=1` }, "raw");
    const child = log.child({
      receiver: { url: feishuUrl, secret: SECRET.feishuSecret },
      redis: `redis://:${SECRET.redisPassword}@h:6379`,
    });
    child.info("sent");
    child.child({ token: SECRET.apiToken }).info({ headers: { authorization: `Bearer ${SECRET.bearer}` } }, "nested child");
    expectNoSecret(out.text());
    expect(out.records()).toHaveLength(5);
    expect(out.records()[3]).toMatchObject({ receiver: { url: "https://open.feishu.cn/open-apis/bot/v2/hook/***" }, msg: "sent" });
  });

  it("never writes a secret held in an error's message, stack, properties or cause", () => {
    const out = capture();
    const log = createLogger({ name: "t", destination: out.destination });
    const cause = new Error(`connect redis://:${SECRET.redisPassword}@h:6379 refused`);
    const err = Object.assign(new Error(`POST ${dingtalkUrl} failed: 310000`, { cause }), {
      request: { url: slackUrl, headers: { authorization: `Bearer ${SECRET.bearer}` } },
      secret: SECRET.dingtalkSecret,
    });
    log.error(err);
    log.error({ err }, "delivery failed");
    log.error({ err });
    log.warn({ error: new Error(`bad sign=${SECRET.dingtalkSign} for ?access_token=${SECRET.dingtalkToken}`) }, "rejected");
    expectNoSecret(out.text());
    const [first, second, third] = out.records();
    expect(first?.msg).toBe("POST https://oapi.dingtalk.com/robot/send?access_token=***&timestamp=***&sign=*** failed: 310000");
    expect(first?.err).toMatchObject({ type: "Error", secret: "[Redacted]" });
    expect(String((first?.err as { stack?: unknown }).stack)).toContain("caused by: Error: connect redis://***@h:6379 refused");
    expect(second?.msg).toBe("delivery failed");
    expect(third?.msg).toBe(first?.msg);
  });

  it("survives cycles and keeps ordinary fields", () => {
    const out = capture();
    const log = createLogger({ name: "t", destination: out.destination });
    const a: Record<string, unknown> = { shop: "douyin:9", key: "sg:{douyin:9}:day:20261120", tokens: 3 };
    a.self = a;
    log.info(a, "bucket");
    expect(out.records()[0]).toMatchObject({ shop: "douyin:9", key: "sg:{douyin:9}:day:20261120", tokens: 3, self: "[Circular]" });
  });
});
