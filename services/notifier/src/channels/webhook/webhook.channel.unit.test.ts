import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { record } from "../../../testing/fixtures.js";
import { answer, content } from "../../../testing/content.js";
import { createWebhookChannel, type AmWebhookBody } from "./webhook.channel.js";

describe("webhook channel", () => {
  const ch = createWebhookChannel({
    url: "http://127.0.0.1:9093/api/hook",
    secret: "whsec",
    receiver: "oncall",
    externalUrl: "http://grafana:3000",
  });

  it("sends the Alertmanager webhook v4 body", () => {
    const c = content([
      record(),
      record({ kind: "at_risk", severity: "warning", dueCount: 3, soonestDeadline: "2026-11-20T14:02:10+08:00", projectedValue: 0.6 }),
    ]);
    const body = ch.render(c, 2).body as AmWebhookBody;
    expect(body).toMatchObject({
      version: "4",
      groupKey: '{}/r0:{shop="kuaishou:s1"}',
      truncatedAlerts: 0,
      status: "firing",
      receiver: "oncall",
      groupLabels: { shop: "kuaishou:s1" },
      commonLabels: {
        platform: "kuaishou",
        shop: "kuaishou:s1",
        metric: "human_reply_3min_rate",
        alertname: "human_reply_3min_rate",
        rulePack: "kuaishou@2023-03",
      },
      externalURL: "http://grafana:3000",
    });
    expect(body.alerts).toHaveLength(2);
    const a = body.alerts[0]!;
    expect(a).toMatchObject({ status: "firing", endsAt: "0001-01-01T00:00:00Z", startsAt: "2026-11-20T14:00:00+08:00" });
    expect(a.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(a.generatorURL).toBe("http://grafana:3000/d/scoreguard-shop?var-shop=kuaishou%3As1");
    expect(body.alerts[1]?.annotations).toMatchObject({ dueCount: "3", projectedValue: "0.6" });
    expect(body.alerts[1]?.annotations.summary).toContain("最早截止 14:02:10");
  });

  it("signs the exact body with HMAC-SHA256", () => {
    const body = ch.render(content(), 1).body;
    const req = ch.request(body, 0);
    expect(req.headers["x-scoreguard-signature"]).toBe(`sha256=${createHmac("sha256", "whsec").update(req.body).digest("hex")}`);
  });

  it("retries 5xx and 429, not other 4xx", () => {
    expect(ch.classify(answer(204, ""))).toEqual({ outcome: "ok", code: "http_204" });
    expect(ch.classify(answer(503, ""))).toEqual({ outcome: "retryable", code: "http_503" });
    expect(ch.classify(answer(429, "", { "retry-after": "2" }))).toEqual({ outcome: "retryable", code: "http_429", retryAfterMs: 2000 });
    expect(ch.classify(answer(400, ""))).toEqual({ outcome: "permanent", code: "http_400" });
    expect(ch.classify(answer(404, ""))).toEqual({ outcome: "permanent", code: "http_404" });
  });
});
