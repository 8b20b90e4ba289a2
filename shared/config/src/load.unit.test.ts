import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors.js";
import { loadScoreguardConfig, parseScoreguardConfig } from "./load.js";

const dir = mkdtempSync(join(tmpdir(), "sg-config-"));
let n = 0;
function file(text: string, ext = "yaml"): string {
  const path = join(dir, `config-${n++}.${ext}`);
  writeFileSync(path, text);
  return path;
}

/** The example of alerts.md "Configuration", with every `…` filled in. */
const EXAMPLE = `
shops:                                   # per-shop overrides; key is platform:shopId
  "kuaishou:s1":
    metrics:
      human_reply_3min_rate: { threshold: 0.75, target: 0.9 }   # either may be given
    jdServiceNorms: 20                   # JD spot-check points, when known
receivers:
  ops-dingtalk: { type: dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=dt-token-1", secret: "SECdingtalk-secret-1", atMobiles: ["13800000000"] }
  ops-feishu:   { type: feishu, url: "https://open.feishu.cn/open-apis/bot/v2/hook/6f1c2a7e-0000-4000-8000-000000000001", secret: "feishu-secret-1" }
  ops-wecom:    { type: wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-key-1" }
  oncall:       { type: webhook, url: "http://127.0.0.1:9093/api/hook", secret: "webhook-secret-1" }
routes:                                  # first match wins unless continue: true
  - match: { severity: critical }
    receivers: [ops-dingtalk, oncall]
    groupBy: [shop]
    groupWait: 30s
    groupInterval: 5m
    repeatInterval: 4h
  - match: { platform: douyin }
    receivers: [ops-feishu]
platforms:                               # credentials for platform pushes
  douyin: { appKey: "douyin-app-key", appSecret: "douyin-app-secret" }
  kuaishou: { messageSecret: "a3VhaXNob3UtbWVzc2FnZS1zZWNyZXQ=" }
  pdd: { clientId: "pdd-client-id", clientSecret: "pdd-client-secret", url: "wss://m.pinduoduo.example/ws" }
apiTokens:                               # read API and canonical event intake; each token sees only its shops
  - { token: "api-token-1-0123456789abcdef", shops: ["kuaishou:s1", "douyin:*"] }
`;

const DEFAULTS = {
  continue: false,
  groupBy: ["shop"],
  groupWait: 30_000,
  groupInterval: 300_000,
  repeatInterval: 14_400_000,
  resolveAfter: 60_000,
};

function problemsOf(input: unknown): string[] {
  try {
    parseScoreguardConfig(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const err = e as ConfigError;
    const lines = err.problems.map((p) => `${p.path}: ${p.reason}`);
    for (const line of lines) expect(err.message).toContain(line);
    return lines;
  }
  throw new Error("expected a ConfigError");
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("loadScoreguardConfig", () => {
  it("parses the example of alerts.md, durations in ms and defaults applied", () => {
    const config = loadScoreguardConfig(file(EXAMPLE));
    expect(config.shops["kuaishou:s1"]).toEqual({
      metrics: { human_reply_3min_rate: { threshold: 0.75, target: 0.9 } },
      jdServiceNorms: 20,
    });
    expect(Object.keys(config.receivers)).toEqual(["ops-dingtalk", "ops-feishu", "ops-wecom", "oncall"]);
    expect(config.receivers["ops-dingtalk"]).toEqual({
      type: "dingtalk",
      url: "https://oapi.dingtalk.com/robot/send?access_token=dt-token-1",
      secret: "SECdingtalk-secret-1",
      atMobiles: ["13800000000"],
    });
    expect(config.routes).toEqual([
      { ...DEFAULTS, match: { severity: ["critical"] }, receivers: ["ops-dingtalk", "oncall"] },
      { ...DEFAULTS, match: { platform: ["douyin"] }, receivers: ["ops-feishu"] },
    ]);
    expect(config.platforms.pdd?.url).toBe("wss://m.pinduoduo.example/ws");
    expect(config.platforms.kuaishou).toEqual({ messageSecret: "a3VhaXNob3UtbWVzc2FnZS1zZWNyZXQ=" });
    expect(config.apiTokens).toEqual([{ token: "api-token-1-0123456789abcdef", shops: ["kuaishou:s1", "douyin:*"] }]);
    expect(config.language).toBe("zh-CN");
    expect(config.grafana).toBeUndefined();
  });

  it("reads JSON the same way", () => {
    const json = {
      receivers: { s: { type: "slack", url: "https://hooks.slack.com/services/T0/B0/x", language: "en" } },
      routes: [
        {
          match: { metric: ["a_rate", "b_rate"], kind: "at_risk" },
          receivers: ["s"],
          continue: true,
          groupBy: [],
          resolveAfter: "0s",
          quietHours: { start: "22:00", end: "08:00" },
          mentions: { mobiles: ["+8613800000000"], all: false },
        },
      ],
      shops: { "jd:1001": { metrics: { x_rate: { threshold: null, leadTime: "1h30m" } } } },
      platforms: { kuaidi100: { key: "k", salt: "s" } },
      grafana: { url: "http://127.0.0.1:3000" },
      language: "en",
    };
    const config = loadScoreguardConfig(file(JSON.stringify(json, null, 2), "json"));
    expect(config.routes[0]).toEqual({
      ...DEFAULTS,
      match: { metric: ["a_rate", "b_rate"], kind: ["at_risk"] },
      receivers: ["s"],
      continue: true,
      groupBy: [],
      resolveAfter: 0,
      quietHours: { start: "22:00", end: "08:00" },
      mentions: { mobiles: ["+8613800000000"], all: false },
    });
    expect(config.shops["jd:1001"]?.metrics?.x_rate).toEqual({ threshold: null, leadTime: 5_400_000 });
    expect(config.language).toBe("en");
  });

  it("gives the empty config without a path, and for an empty file", () => {
    const empty = {
      shops: {},
      receivers: {},
      routes: [],
      platforms: {},
      apiTokens: [],
      language: "zh-CN",
      quotas: { shopLiveEntities: 500_000 },
    };
    expect(loadScoreguardConfig()).toEqual(empty);
    expect(loadScoreguardConfig(file("# nothing yet\n"))).toEqual(empty);
  });

  it("names the path of a missing file", () => {
    const path = join(dir, "missing.yaml");
    const err = errorOf(() => loadScoreguardConfig(path));
    expect(err.message).toContain(`${path}: file not found`);
  });

  it("reports YAML syntax errors by position, without quoting the source line", () => {
    const path = file('receivers:\n  a: { type: slack, url: "https://hooks.slack.com/services/T1/B1/syntax-secret" x: 1 }\n');
    const err = errorOf(() => loadScoreguardConfig(path));
    expect(err.message).toMatch(/^Invalid YAML\/JSON in ScoreGuard config .*:\n {2}line 2, column \d+: /);
    expect(err.message).not.toContain("syntax-secret");
    expect(err.cause).toBeUndefined();
  });

  it("refuses a short API token unless the file is a development configuration, naming the path, never the token", () => {
    const short = "apiTokens:\n  - { token: long-enough-token-0123456789, shops: ['*'] }\n  - { token: dev-token, shops: ['*'] }\n";
    const err = errorOf(() => loadScoreguardConfig(file(short)));
    expect(err.problems).toEqual([
      { path: "apiTokens[1].token", reason: "must be at least 24 characters (mark a development configuration with development: true)" },
    ]);
    expect(err.message).toContain("apiTokens[1].token: must be at least 24 characters");
    expect(err.message).not.toContain("dev-token");
    expect(loadScoreguardConfig(file(`development: true\n${short}`)).apiTokens[1]?.token).toBe("dev-token");
    // development: false, or anything but true, is a production configuration.
    expect(() => loadScoreguardConfig(file(`development: false\n${short}`))).toThrow(ConfigError);
    expect(problemsOf({ development: "yes", apiTokens: [{ token: "x".repeat(23), shops: ["*"] }] })).toEqual([
      "development: expected boolean, got string",
      "apiTokens[0].token: must be at least 24 characters (mark a development configuration with development: true)",
    ]);
    expect(loadScoreguardConfig(file(`apiTokens:\n  - { token: "${"x".repeat(24)}", shops: ['*'] }\n`)).apiTokens).toHaveLength(1);
  });

  it("refuses duplicate keys", () => {
    const err = errorOf(() => loadScoreguardConfig(file("language: en\nlanguage: zh-CN\n")));
    expect(err.message).toContain("line 2, column 1: Map keys must be unique (DUPLICATE_KEY)");
  });
});

describe("config errors name their path", () => {
  const slack = { type: "slack", url: "https://hooks.slack.com/services/T1/B1/abc" };

  it.each<[string, unknown, string]>([
    ["an unknown top-level key", { recievers: {} }, "recievers: unknown key"],
    [
      "an unknown route key",
      { receivers: { s: slack }, routes: [{ receivers: ["s"], gropuBy: ["shop"] }] },
      "routes[0].gropuBy: unknown key",
    ],
    ["an unknown receiver key", { receivers: { s: { ...slack, secret: "x" } } }, "receivers.s.secret: unknown key"],
    [
      "a wrong type",
      { shops: { "kuaishou:s1": { metrics: { reply_rate: { threshold: "0.8" } } } } },
      'shops["kuaishou:s1"].metrics.reply_rate.threshold: expected number, got string',
    ],
    [
      "a number where a string belongs",
      { platforms: { douyin: { appKey: 7012345, appSecret: "x" } } },
      "platforms.douyin.appKey: expected string, got number (quote the value)",
    ],
    ["a missing field", { platforms: { douyin: { appKey: "k" } } }, "platforms.douyin.appSecret: is required"],
    ["a missing receiver url", { receivers: { s: { type: "slack" } } }, "receivers.s.url: is required"],
    [
      "a non-http receiver url",
      { receivers: { s: { type: "slack", url: "ftp://example.com/x" } } },
      "receivers.s.url: must be an http:// or https:// URL",
    ],
    [
      "an unknown receiver type",
      { receivers: { s: { type: "telegram", url: "https://x" } } },
      "receivers.s.type: must be one of dingtalk, feishu, wecom, slack, webhook",
    ],
    [
      "a bad receiver name",
      { receivers: { "ops dingtalk": slack } },
      'receivers["ops dingtalk"]: must be 1-64 letters, digits, _ . or -, starting with a letter or digit',
    ],
    [
      "a bad mobile",
      { receivers: { d: { type: "dingtalk", url: "https://x", atMobiles: ["call me"] } } },
      "receivers.d.atMobiles[0]: must be a mobile number (digits, optional + and -)",
    ],
    ["a bad language", { language: "fr" }, 'language: must be one of zh-CN, en, got "fr"'],
    [
      "a bad shop key",
      { shops: { taobao_1: {} } },
      "shops.taobao_1: must be platform:shopId with platform one of kuaishou, douyin, jd, pdd",
    ],
    [
      "a bad metric name",
      { shops: { "jd:1": { metrics: { "Reply Rate": {} } } } },
      'shops["jd:1"].metrics["Reply Rate"]: must be a metric name in snake_case, e.g. human_reply_3min_rate',
    ],
    ["jdServiceNorms out of range", { shops: { "jd:1": { jdServiceNorms: 21 } } }, 'shops["jd:1"].jdServiceNorms: must be at most 20'],
    [
      "a bad duration",
      { receivers: { s: slack }, routes: [{ receivers: ["s"], groupWait: "30 sec" }] },
      'routes[0].groupWait: invalid duration "30 sec": use a whole number and a unit (ms, s, m, h, d), largest first, e.g. 500ms, 30s, 5m, 4h, 1h30m',
    ],
    [
      "a bare number as duration",
      { receivers: { s: slack }, routes: [{ receivers: ["s"], repeatInterval: 3600 }] },
      "routes[0].repeatInterval: must be a duration string; use a whole number and a unit (ms, s, m, h, d), largest first, e.g. 500ms, 30s, 5m, 4h, 1h30m",
    ],
    [
      "a zero interval",
      { receivers: { s: slack }, routes: [{ receivers: ["s"], groupInterval: "0s" }] },
      "routes[0].groupInterval: must be greater than 0",
    ],
    [
      "a bad leadTime",
      { shops: { "pdd:9": { metrics: { ship_rate: { leadTime: "soon" } } } } },
      'shops["pdd:9"].metrics.ship_rate.leadTime: invalid duration "soon": use a whole number and a unit (ms, s, m, h, d), largest first, e.g. 500ms, 30s, 5m, 4h, 1h30m',
    ],
    [
      "a bad match value",
      { receivers: { s: slack }, routes: [{ match: { severity: ["warning", "critcal"] }, receivers: ["s"] }] },
      'routes[0].match.severity[1]: must be one of warning, critical, got "critcal"',
    ],
    [
      "an empty match list",
      { receivers: { s: slack }, routes: [{ match: { platform: [] }, receivers: ["s"] }] },
      "routes[0].match.platform: must not be empty",
    ],
    [
      "a bad groupBy label",
      { receivers: { s: slack }, routes: [{ receivers: ["s"], groupBy: ["store"] }] },
      'routes[0].groupBy[0]: must be one of platform, shop, metric, kind, severity, got "store"',
    ],
    [
      "a repeated groupBy label",
      { receivers: { s: slack }, routes: [{ receivers: ["s"], groupBy: ["shop", "shop"] }] },
      'routes[0].groupBy[1]: repeats "shop"',
    ],
    ["a route without receivers", { routes: [{ match: {} }] }, "routes[0].receivers: is required"],
    [
      "a bad quiet hour",
      { receivers: { s: slack }, routes: [{ receivers: ["s"], quietHours: { start: "24:00", end: "08:00" } }] },
      "routes[0].quietHours.start: must be HH:MM, 00:00 to 23:59",
    ],
    [
      "empty quiet hours",
      { receivers: { s: slack }, routes: [{ receivers: ["s"], quietHours: { start: "08:00", end: "08:00" } }] },
      "routes[0].quietHours.end: must differ from start",
    ],
    [
      "a dangling receiver",
      { receivers: { "ops-dingtalk": slack, oncall: slack }, routes: [{ receivers: ["oncall", "ops-dingtlak"] }] },
      'routes[0].receivers[1]: unknown receiver "ops-dingtlak"',
    ],
    [
      "a receiver listed twice",
      { receivers: { s: slack }, routes: [{ receivers: ["s", "s"] }] },
      'routes[0].receivers[1]: receiver "s" is listed twice',
    ],
    [
      "a bad pdd url",
      { platforms: { pdd: { clientId: "c", clientSecret: "s", url: "https://pdd" } } },
      "platforms.pdd.url: must be a ws:// or wss:// URL",
    ],
    ["an unknown platform", { platforms: { taobao: {} } }, "platforms.taobao: unknown key"],
    [
      "a bad token scope",
      { apiTokens: [{ token: "t", shops: ["kuaishou:s1", "kuaishou"] }] },
      'apiTokens[0].shops[1]: must be "*", "platform:*" or "platform:shopId" with platform one of kuaishou, douyin, jd, pdd',
    ],
    ["a token without shops", { apiTokens: [{ token: "t", shops: [] }] }, "apiTokens[0].shops: must not be empty"],
    [
      "a repeated token",
      {
        apiTokens: [
          { token: "t", shops: ["*"] },
          { token: "t", shops: ["jd:*"] },
        ],
      },
      "apiTokens[1].token: same token as apiTokens[0]",
    ],
    ["a bad grafana url", { grafana: { url: "grafana.local" } }, "grafana.url: must be an http:// or https:// URL"],
    ["a config that is not a mapping", ["routes"], "(root): expected object, got array"],
  ])("%s", (_name, input, expected) => {
    expect(problemsOf(input)).toContain(expected);
  });

  it("lists every problem at once, a dangling receiver next to type errors elsewhere", () => {
    const problems = problemsOf({
      receivers: { s: slack },
      routes: [{ receivers: ["s", "nope"], groupWait: 30 }],
      shops: { "jd:1": { jdServiceNorms: "20" } },
      extra: 1,
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'routes[0].receivers[1]: unknown receiver "nope"',
        expect.stringMatching(/^routes\[0\]\.groupWait: must be a duration string/),
        'shops["jd:1"].jdServiceNorms: expected number, got string',
        "extra: unknown key",
      ]),
    );
    expect(problems).toHaveLength(4);
  });
});

describe("config errors never show a secret", () => {
  const SECRETS = [
    "dt-access-token-0001",
    "SECdt-sign-secret-0002",
    "feishu-hook-id-0003",
    "feishu-secret-0004",
    "wecom-key-0005",
    "slack-path-token-0006",
    "webhook-secret-0007",
    "douyin-app-secret-0008",
    "ks-message-secret-0009",
    "pdd-client-secret-0010",
    "kuaidi100-key-0011",
    "kuaidi100-salt-0012",
    "api-token-0013",
    "api-token-0014",
  ];

  it("in schema errors, even when the secret sits in the wrong field or has the wrong type", () => {
    const input = {
      receivers: {
        dt: { type: "dingtalk", url: `ftp://oapi.dingtalk.com/robot/send?access_token=${SECRETS[0]}`, secret: 42 },
        dt2: { type: "dingtalk", url: "https://oapi.dingtalk.com/robot/send", secret: SECRETS[1], atMobiles: [SECRETS[1]] },
        fs: { type: "feishu", url: `open.feishu.cn/open-apis/bot/v2/hook/${SECRETS[2]}`, secret: SECRETS[3], colour: "red" },
        wc: { type: "wecom", url: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${SECRETS[4]}`, language: SECRETS[4] },
        sl: { type: "slack", url: `https://hooks.slack.com/services/T1/B1/${SECRETS[5]}`, secret: SECRETS[6] },
        wh: { type: "webhook", url: "http://127.0.0.1:9/hook", secret: "", headerName: "bad header" },
      },
      routes: [{ receivers: [`https://hooks.slack.com/services/T1/B1/${SECRETS[5]}`, SECRETS[6]], groupWait: "soon" }],
      platforms: {
        douyin: { appKey: 1, appSecret: SECRETS[7] },
        kuaishou: { messageSecret: SECRETS[8], extra: SECRETS[8] },
        pdd: { clientId: "c", clientSecret: SECRETS[9], url: `https://pdd?token=${SECRETS[9]}` },
        kuaidi100: { key: SECRETS[10], salt: 12, other: SECRETS[11] },
      },
      apiTokens: [
        { token: SECRETS[12], shops: ["nowhere"] },
        { token: SECRETS[12], shops: ["*"] },
        { token: SECRETS[13], shops: [SECRETS[13]] },
      ],
      language: SECRETS[13],
    };
    const err = errorOf(() => parseScoreguardConfig(input));
    expect(err.problems.length).toBeGreaterThan(10);
    for (const secret of SECRETS) expect(err.message).not.toContain(secret);
  });

  it("in file errors", () => {
    const path = file(
      `receivers:\n  dt: { type: dingtalk, url: "https://x/robot/send?access_token=${SECRETS[0]}" secret: *${SECRETS[1]} }\n`,
    );
    const err = errorOf(() => loadScoreguardConfig(path));
    for (const secret of SECRETS) expect(err.message).not.toContain(secret);
    const alias = errorOf(() => loadScoreguardConfig(file(`platforms:\n  douyin: { appKey: k, appSecret: *${SECRETS[7]} }\n`)));
    expect(alias.message).toContain("(document): Unresolved alias");
    expect(alias.message).not.toContain(SECRETS[7]);
  });
});
