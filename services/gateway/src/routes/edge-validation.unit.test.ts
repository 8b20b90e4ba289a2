import { MAX_EVENT_AGE_MS } from "@sg/events";
import { describe, expect, it } from "vitest";
import { KUAISHOU_SECRET, encrypted, envelope, orderInfo } from "../../testing/kuaishou.fixtures.js";
import { BASE_CONFIG, TOKENS, bearer, paidEvent, testGateway } from "../../testing/test-support.js";

/** The gateway applies the processor's time rules and refuses broken ids with 400 naming the field. */
const NOW = Date.parse("2026-11-20T08:00:00+08:00");
const post = (gw: ReturnType<typeof testGateway>, body: unknown) =>
  gw.app.inject({ method: "POST", url: "/v1/events", headers: bearer(TOKENS.all), payload: JSON.stringify(body) });

describe("POST /v1/events: edge validation", () => {
  it.each([
    ["2100-01-01T00:00:00+08:00", "more than 5 minutes in the future"],
    [NOW + 5 * 60_000 + 1, "more than 5 minutes in the future"],
    ["2026-02-30T10:00:00+08:00", "not a real time"],
    ["2026-11-20T25:00:00+08:00", "not a real time"],
    ["2026-11-20T10:00:00+25:00", "not a real time"],
  ])("refuses at=%s with 400 naming at, and produces nothing", async (at, reason) => {
    const gw = testGateway({ now: () => NOW });
    const res = await post(gw, [paidEvent({ id: "ok" }), paidEvent({ id: "bad", at })]);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe("invalid_event");
    expect(res.json().problems).toEqual([{ index: 1, field: "at", reason: expect.stringContaining(reason) }]);
    expect(gw.sink.events).toEqual([]);
  });

  it("accepts backfills within the retention (90 days) and events up to 5 minutes ahead", async () => {
    const gw = testGateway({ now: () => NOW });
    const res = await post(gw, [
      paidEvent({ id: "old", at: NOW - MAX_EVENT_AGE_MS }),
      paidEvent({ id: "month", at: "2026-10-20T08:00:00+08:00" }),
      paidEvent({ id: "soon", at: NOW + 5 * 60_000 }),
    ]);
    expect(res.statusCode).toBe(202);
    expect(gw.sink.events.map((e) => e.id)).toEqual(["old", "month", "soon"]);
  });

  it.each([["1970-01-01T00:00:01Z"], [0], ["2020-01-01T10:00:00+08:00"], [NOW - MAX_EVENT_AGE_MS - 1]])(
    "refuses at=%s, older than the retention the processor would dead-letter, with 400 naming at",
    async (at) => {
      const gw = testGateway({ now: () => NOW });
      const res = await post(gw, [paidEvent({ id: "ok" }), paidEvent({ id: "old", at })]);
      expect(res.statusCode).toBe(400);
      expect(res.json().problems).toEqual([
        { index: 1, field: "at", reason: expect.stringContaining("older than the retention (90 days)") },
      ]);
      expect(gw.sink.events).toEqual([]);
    },
  );

  it("refuses lone surrogates in shopId, orderId and id (sent as JSON escapes) with 400 naming each field", async () => {
    const gw = testGateway({ now: () => NOW });
    const text =
      `[${JSON.stringify(paidEvent({ id: "a" })).replace('"shopId":"s1"', '"shopId":"s\\ud800"')},` +
      `${JSON.stringify(paidEvent({ id: "b" })).replace('"orderId":"o-1"', '"orderId":"\\udc00"')},` +
      `${JSON.stringify(paidEvent()).replace('"id":"e-1"', '"id":"e\\udbff"')}]`;
    const res = await gw.app.inject({ method: "POST", url: "/v1/events", headers: bearer(TOKENS.all), payload: text });
    expect(res.statusCode).toBe(400);
    const problems = res.json().problems as Array<{ index: number; field: string; reason: string }>;
    expect(problems.map((p) => [p.index, p.field])).toEqual([
      [0, "shopId"],
      [1, "orderId"],
      [2, "id"],
    ]);
    for (const p of problems) expect(p.reason).toContain("lone UTF-16 surrogate");
    expect(gw.sink.events).toEqual([]);
  });
});

describe("webhooks: the same time rule", () => {
  it("dead-letters a platform message more than 5 minutes ahead with the reason, and acknowledges the push", async () => {
    const gw = testGateway({ now: () => NOW, config: { ...BASE_CONFIG, platforms: { kuaishou: { messageSecret: KUAISHOU_SECRET } } } });
    const send = (info: string) =>
      gw.app.inject({
        method: "POST",
        url: "/webhooks/kuaishou",
        headers: { "content-type": "text/plain" },
        payload: encrypted(envelope("kwaishop_order_paySuccess", info)),
      });
    const future = await send(orderInfo({ updateTime: Date.parse("2100-01-01T00:00:00Z") }));
    expect(future.json()).toEqual({ result: 1 });
    expect(gw.sink.events).toEqual([]);
    expect(gw.sink.dead).toEqual([
      expect.objectContaining({ source: "kuaishou", problems: [{ field: "at", reason: "more than 5 minutes in the future" }] }),
    ]);
    // One older than the retention is dead-lettered here too, with the processor's reason.
    expect((await send(orderInfo({ updateTime: Date.parse("2020-01-01T00:00:00Z") }))).json()).toEqual({ result: 1 });
    expect(gw.sink.dead[1]?.problems).toEqual([{ field: "at", reason: expect.stringContaining("older than the retention (90 days)") }]);
    expect(gw.sink.events).toEqual([]);
    // The same message at a present time is produced.
    expect((await send(orderInfo({ updateTime: NOW - 60_000 }))).json()).toEqual({ result: 1 });
    expect(gw.sink.events).toHaveLength(1);
  });
});
