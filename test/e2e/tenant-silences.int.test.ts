// Silences created by a scoped tenant through the gateway's /v1/silences, applied by a real notifier (real
// Kafka and Redis): a tenant's silence mutes only its own shop, and a pathological regex cannot stall the
// notifier. Both were reproduced on the running system before the fix (ReDoS and cross-tenant silences).
import { createGateway, type Gateway } from "@sg/gateway";
import { createSilenceStore } from "@sg/events/runtime";
import type { Notifier } from "@sg/notifier";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../robots/index.js";
import { pollUntil } from "../src/index.js";
import { alert, FAST_TIMERS, startHarness, type Harness } from "../../services/notifier/testing/harness.js";
import { recordingLogger, recordingSink } from "../../services/gateway/testing/test-support.js";

const TENANT = "tok-douyin-77-0123456789abcdef";
/** Within the one-year horizon a silence may reach. */
const endsAt = Date.now() + 30 * 86_400_000;
/** Long enough to see a message that was going to be sent: more than group_wait (1 s) plus a tick. */
const QUIET_MS = 3_000;

describe("tenant silences through the gateway and the notifier", () => {
  let h: Harness;
  let notifier: Notifier;
  let hook: WebhookReceiver;
  let gw: Gateway;

  const postSilence = (body: unknown) =>
    gw.app.inject({
      method: "POST",
      url: "/v1/silences",
      headers: { authorization: `Bearer ${TENANT}`, "content-type": "application/json" },
      payload: JSON.stringify(body),
    });
  const delivered = (shop: string) => hook.bodies.filter((b) => b.groupLabels.shop === shop);

  beforeAll(async () => {
    h = await startHarness();
    hook = await startWebhookReceiver();
    notifier = await h.notifier({
      receivers: { hook: { type: "webhook", url: hook.url } },
      routes: [{ match: { platform: ["douyin", "kuaishou"] }, receivers: ["hook"], ...FAST_TIMERS }],
    });
    gw = createGateway({
      config: { apiTokens: [{ token: TENANT, shops: ["douyin:77"] }], platforms: {} },
      sink: recordingSink(),
      registry: new Registry(),
      logger: recordingLogger(),
      silences: createSilenceStore(h.redis, h.keyPrefix),
    });
    await pollUntil(() => notifier.ready(), { timeoutMs: 60_000, message: "notifier joined its consumer group" });
  });

  afterAll(async () => {
    await gw?.close();
    await h?.close();
    await hook?.close();
  });

  it("a catastrophic-backtracking regex from a tenant neither stalls the notifier nor mutes what it does not match", async () => {
    const created = await postSilence({
      matchers: [
        { name: "platform", value: "douyin" },
        { name: "shop", value: "77" },
        { name: "metric", value: "(?:(?:\\w+)+)+!", isRegex: true },
      ],
      endsAt,
    });
    expect(created.statusCode).toBe(201);
    await h.publish([alert({ platform: "douyin", shopId: "77", metric: "human_reply_3min_rate", rulePack: "douyin@2023-06" })]);
    await pollUntil(() => delivered("douyin:77").length > 0, {
      timeoutMs: 30_000,
      message: "the douyin:77 alert delivered past the regex silence",
    });
    expect(await notifier.ready()).toBe(true);
    // A pattern longer than the cap is refused at the edge.
    const long = await postSilence({
      matchers: [
        { name: "shop", value: "douyin:77" },
        { name: "metric", value: "a".repeat(129), isRegex: true },
      ],
      endsAt,
    });
    expect(long.statusCode).toBe(400);
  });

  it("a silence of `douyin:77` by the douyin:77 tenant does not mute the Kuaishou shop whose id is `douyin:77`", async () => {
    const created = await postSilence({ matchers: [{ name: "shop", value: "douyin:77" }], endsAt });
    expect(created.statusCode).toBe(201);
    const before = delivered("douyin:77").length;
    await h.publish([
      alert({ platform: "douyin", shopId: "77", metric: "pickup_24h_rate", rulePack: "douyin@2023-06" }),
      alert({ platform: "kuaishou", shopId: "douyin:77" }),
    ]);
    await pollUntil(() => delivered("kuaishou:douyin:77").length > 0, {
      timeoutMs: 30_000,
      message: "the Kuaishou look-alike shop's alert delivered",
    });
    // The silenced one was published in the same batch with the same timings: a quiet period settles it.
    await new Promise((r) => setTimeout(r, QUIET_MS));
    expect(delivered("douyin:77")).toHaveLength(before);
  });
});
