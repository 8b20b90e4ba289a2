import { describe, expect, it } from "vitest";
import { BASE_CONFIG, TOKENS, bearer, paidEvent, testGateway } from "../../testing/test-support.js";
import { DEFAULT_NEW_SHOPS_PER_DAY } from "../http/auth.js";
import type { NewShopQuota, QuotaAdmission, ShopRef } from "../ports.js";

const post = (gw: ReturnType<typeof testGateway>, payload: string | Buffer, headers = bearer(TOKENS.s1)) =>
  gw.app.inject({ method: "POST", url: "/v1/events", headers, payload });

describe("POST /v1/events", () => {
  it("takes one event, produces it and answers 202 only after the producer resolved", async () => {
    const gw = testGateway();
    const res = await post(gw, JSON.stringify(paidEvent()));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 1, ids: ["e-1"] });
    expect(gw.sink.events).toEqual([paidEvent()]);
  });

  it("takes an array of up to 1000 events", async () => {
    const gw = testGateway();
    const events = Array.from({ length: 1000 }, (_, i) => paidEvent({ id: `e-${i}`, orderId: `o-${i}` }));
    const res = await post(gw, JSON.stringify(events));
    expect(res.statusCode).toBe(202);
    expect(gw.sink.events).toHaveLength(1000);
  });

  it("refuses 1001 events with 413 and produces nothing", async () => {
    const gw = testGateway();
    const events = Array.from({ length: 1001 }, (_, i) => paidEvent({ id: `e-${i}` }));
    const res = await post(gw, JSON.stringify(events));
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toBe("too_many_events");
    expect(gw.sink.events).toEqual([]);
    expect(await gw.refusals("too_many_events")).toBe(1);
  });

  it("refuses a body over the limit with 413", async () => {
    const gw = testGateway();
    const huge = JSON.stringify(paidEvent({ note: "x".repeat(1024 * 1024) }));
    const res = await post(gw, huge);
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toBe("body_too_large");
    expect(await gw.refusals("body_too_large")).toBe(1);
  });

  it("refuses the whole request when any event is invalid, listing index, field and reason", async () => {
    const gw = testGateway();
    const res = await post(
      gw,
      JSON.stringify([
        paidEvent(),
        paidEvent({ id: "e-2", at: "2026-11-20 08:00" }),
        paidEvent({ id: "e-3", orderId: 7, type: "order.paid" }),
        { type: "nope" },
      ]),
    );
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe("invalid_event");
    expect(body.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ index: 1, field: "at" }),
        expect.objectContaining({ index: 2, field: "orderId" }),
        expect.objectContaining({ index: 3, field: "type" }),
      ]),
    );
    expect(body.problems.some((p: { index: number }) => p.index === 0)).toBe(false);
    expect(gw.sink.events).toEqual([]);
  });

  it("refuses events for shops the token does not list with 403", async () => {
    const gw = testGateway();
    const res = await post(gw, JSON.stringify([paidEvent(), paidEvent({ id: "e-2", shopId: "s2" })]));
    expect(res.statusCode).toBe(403);
    expect(res.json().problems).toEqual([{ index: 1, field: "shopId", reason: "the token does not list kuaishou:s2" }]);
    expect(gw.sink.events).toEqual([]);
    const wildcard = await post(gw, JSON.stringify(paidEvent({ platform: "douyin", shopId: "any" })), bearer(TOKENS.douyinAll));
    expect(wildcard.statusCode).toBe(202);
  });

  it("needs a known bearer token (401), counted and logged without the token", async () => {
    const gw = testGateway();
    expect((await post(gw, JSON.stringify(paidEvent()), { "content-type": "application/json" })).statusCode).toBe(401);
    const bad = await post(gw, JSON.stringify(paidEvent()), bearer("tok-stolen-secret-value"));
    expect(bad.statusCode).toBe(401);
    expect(bad.headers["www-authenticate"]).toBe("Bearer");
    expect(await gw.refusals("missing_token")).toBe(1);
    expect(await gw.refusals("unknown_token")).toBe(1);
    expect(JSON.stringify(gw.logger.lines)).not.toContain("tok-stolen-secret-value");
  });

  it("answers 503 (and stores nothing) when Kafka does not acknowledge, so the client resends", async () => {
    const gw = testGateway();
    gw.sink.failNext();
    const res = await post(gw, JSON.stringify(paidEvent()));
    expect(res.statusCode).toBe(503);
    expect(res.headers["retry-after"]).toBe("1");
    expect((await post(gw, JSON.stringify(paidEvent()))).statusCode).toBe(202);
  });

  it("limits each token's rate with 429 and Retry-After", async () => {
    // A frozen clock after the events' time (an earlier one would refuse them as future events).
    const gw = testGateway({ tokenRate: { ratePerSec: 1, burst: 2 }, now: () => Date.parse("2026-11-21T00:00:00Z") });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await post(gw, JSON.stringify(paidEvent()))).statusCode);
    expect(codes).toEqual([202, 202, 429, 429]);
    const res = await post(gw, JSON.stringify(paidEvent()));
    expect(res.headers["retry-after"]).toBe("1");
    // Another token is not affected.
    expect((await post(gw, JSON.stringify(paidEvent({ platform: "douyin" })), bearer(TOKENS.douyinAll))).statusCode).toBe(202);
    expect(await gw.refusals("rate_limited")).toBe(3);
  });

  describe("hostile corpus", () => {
    const cases: Array<[string, string | Buffer, number, string]> = [
      ["truncated JSON", '[{"id":"e-1","type":"order.paid"', 400, "malformed_json"],
      ["trailing garbage", `${JSON.stringify(paidEvent())}xyz`, 400, "malformed_json"],
      ["empty body", "", 400, "malformed_json"],
      ["empty array", "[]", 400, "invalid_request"],
      ["not UTF-8", Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 400, "invalid_encoding"],
      ["wrong types", JSON.stringify(paidEvent({ shopId: 12, at: true })), 400, "invalid_event"],
      ["null", "null", 400, "invalid_event"],
      ["a scalar", "42", 400, "invalid_event"],
      ["huge string id", JSON.stringify(paidEvent({ id: "x".repeat(200_000) })), 400, "invalid_event"],
      [
        "id beyond 2^53 as a number",
        '{"id":12345678901234567890,"type":"order.paid","platform":"kuaishou","shopId":"s1","at":0,"orderId":"o"}',
        400,
        "invalid_event",
      ],
      ["unknown type", JSON.stringify(paidEvent({ type: "order.teleported" })), 400, "invalid_event"],
      ["deep nesting", `${"[".repeat(50_000)}${"]".repeat(50_000)}`, 400, "malformed_json"],
      ["prototype pollution attempt", '{"__proto__":{"admin":true},"id":"e","type":"order.paid"}', 400, "invalid_event"],
    ];
    it.each(cases)("%s → %i %s, nothing produced, the gateway still serves", async (_name, payload, status, reason) => {
      const gw = testGateway();
      const res = await post(gw, payload);
      expect(res.statusCode).toBe(status);
      expect(res.json().error).toBe(reason);
      expect(gw.sink.events).toEqual([]);
      expect(await gw.refusals(reason)).toBe(1);
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
      expect((await post(gw, JSON.stringify(paidEvent()))).statusCode).toBe(202);
    });

    it("names the field and reason for wrong types", async () => {
      const gw = testGateway();
      const res = await post(gw, JSON.stringify(paidEvent({ shopId: 12 })));
      expect(res.json().problems).toEqual([{ index: 0, field: "shopId", reason: "Expected string, received number" }]);
    });
  });
});

describe("intake shutdown", () => {
  it("answers 503 once intake stopped, while /livez still answers", async () => {
    const gw = testGateway();
    gw.stopIntake();
    expect((await post(gw, JSON.stringify(paidEvent()))).statusCode).toBe(503);
    expect((await gw.ops.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(503);
    expect((await gw.ops.inject({ method: "GET", url: "/livez" })).statusCode).toBe(200);
  });
});

describe("the quota of new shops per token", () => {
  /** The port as the Redis quota answers it (quota/new-shop-quota.int.test.ts tests that one on Redis). */
  const answering = (answer: QuotaAdmission) => {
    const calls: Array<{ token: string; limit: number; shops: ShopRef[] }> = [];
    const remembered: ShopRef[][] = [];
    const quota: NewShopQuota = {
      async admit(token, limit, shops) {
        calls.push({ token, limit, shops: [...shops] });
        return answer;
      },
      async remember(shops) {
        remembered.push([...shops]);
      },
    };
    return { quota, calls, remembered };
  };
  const config = {
    ...BASE_CONFIG,
    apiTokens: [...BASE_CONFIG.apiTokens, { token: "tok-douyin-quota-0123456789", shops: ["douyin:*", "douyin:named"], newShopsPerDay: 7 }],
  };

  it("asks only about shops reached through a wildcard, with the token's limit, and remembers accepted shops", async () => {
    const { quota, calls, remembered } = answering({ ok: true });
    const gw = testGateway({ config, newShops: quota });
    const events = [paidEvent({ platform: "douyin", shopId: "named" }), paidEvent({ platform: "douyin", shopId: "x", id: "e-2" })];
    expect((await post(gw, JSON.stringify(events), bearer("tok-douyin-quota-0123456789"))).statusCode).toBe(202);
    expect(calls).toEqual([{ token: expect.stringMatching(/^[0-9a-f]{12}$/), limit: 7, shops: [{ platform: "douyin", shopId: "x" }] }]);
    expect(remembered).toEqual([
      [
        { platform: "douyin", shopId: "named" },
        { platform: "douyin", shopId: "x" },
      ],
    ]);
    // The default limit for a token that sets none.
    expect((await post(gw, JSON.stringify(paidEvent({ platform: "jd", shopId: "y" })), bearer(TOKENS.all))).statusCode).toBe(202);
    expect(calls[1]?.limit).toBe(DEFAULT_NEW_SHOPS_PER_DAY);
  });

  it("refuses the whole request with 429 naming the quota and the new shops' events, producing nothing", async () => {
    const { quota, remembered } = answering({ ok: false, used: 7, fresh: [{ platform: "douyin", shopId: "x" }] });
    const gw = testGateway({ config, newShops: quota, now: () => Date.parse("2026-11-20T23:00:00+08:00") });
    const events = [paidEvent({ platform: "douyin", shopId: "named" }), paidEvent({ platform: "douyin", shopId: "x", id: "e-2" })];
    const res = await post(gw, JSON.stringify(events), bearer("tok-douyin-quota-0123456789"));
    expect(res.statusCode).toBe(429);
    expect(res.headers["retry-after"]).toBe("3600");
    expect(res.json()).toMatchObject({
      error: "quota_exceeded",
      quota: "newShopsPerDay",
      limit: 7,
      used: 7,
      problems: [{ index: 1, field: "shopId", reason: "a new shop beyond the quota newShopsPerDay (7)" }],
    });
    expect(gw.sink.events).toEqual([]);
    expect(remembered).toEqual([]);
    expect(await gw.registry.getSingleMetric("sg_gateway_quota_reached_total")?.get()).toMatchObject({
      values: [{ labels: { quota: "new_shops_per_day" }, value: 1 }],
    });
  });

  it("admits a request whose quota could not be checked, and counts it", async () => {
    const { quota } = answering({ ok: "unchecked" });
    const gw = testGateway({ newShops: quota });
    expect((await post(gw, JSON.stringify(paidEvent({ platform: "jd", shopId: "z" })), bearer(TOKENS.all))).statusCode).toBe(202);
    expect(await gw.registry.getSingleMetric("sg_gateway_quota_unchecked_total")?.get()).toMatchObject({
      values: [{ labels: { quota: "new_shops_per_day" }, value: 1 }],
    });
  });
});
