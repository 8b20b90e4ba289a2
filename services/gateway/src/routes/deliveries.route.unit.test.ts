import type { DeliveryFailure, DeliveryStatus } from "@sg/events";
import type { DeliveryStatusReader } from "@sg/events/runtime";
import { describe, expect, it } from "vitest";
import { TOKENS, testGateway } from "../../testing/test-support.js";

const okStatus: DeliveryStatus = {
  receiver: "ops-dingtalk",
  channel: "dingtalk",
  outcome: "ok",
  code: "0",
  at: "2026-11-20T08:00:00+08:00",
  notificationIds: ["n-1"],
};

const fail = (n: number, alerts: string[], over: Partial<DeliveryFailure> = {}): DeliveryFailure => ({
  receiver: "ops-dingtalk",
  channel: "dingtalk",
  outcome: "permanent",
  code: "310000",
  at: `2026-11-20T08:${String(n).padStart(2, "0")}:00+08:00`,
  notificationIds: [`n-${n}`],
  alerts,
  ...over,
});

/** A small in-memory implementation of the reader port: failures kept newest first, like the notifier's list. */
function memoryDeliveries(
  receivers: Record<string, DeliveryStatus>,
  failuresNewestFirst: DeliveryFailure[],
): DeliveryStatusReader & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    async receivers() {
      return receivers;
    },
    async failures(limit = 50) {
      asked.push(limit);
      return failuresNewestFirst.slice(0, limit);
    },
  };
}

const S1 = "kuaishou:s1:human_reply_3min_rate:threshold";
const S2 = "kuaishou:s2:human_reply_3min_rate:threshold";
const DY = "douyin:880001:pickup_24h_rate:at_risk";

// Newest first: f5 is the latest.
const FAILURES = [
  fail(5, [S1]),
  fail(4, [S1, S2]), // mixed shops: only tokens listing both see it
  fail(3, [DY]),
  fail(2, []), // carries no alert: belongs to no shop
  fail(1, [S1, "kuaishou:s1:pickup_24h_rate:at_risk"], { receiver: "ops-feishu", channel: "feishu", code: "19021" }),
];

const get = (gw: ReturnType<typeof testGateway>, url: string, token?: string) =>
  gw.app.inject({ method: "GET", url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

describe("GET /v1/deliveries", () => {
  const reader = memoryDeliveries({ "ops-dingtalk": okStatus }, FAILURES);
  const gw = testGateway({ deliveries: reader });

  it("answers 401 without a token, or with an unknown one", async () => {
    const res = await get(gw, "/v1/deliveries");
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toBe("missing_token");
    expect((await get(gw, "/v1/deliveries", "not-a-token")).statusCode).toBe(401);
    expect(await gw.refusals("missing_token")).toBeGreaterThanOrEqual(1);
  });

  it("shows a `*` token every receiver and failure, newest first", async () => {
    const res = await get(gw, "/v1/deliveries", TOKENS.all);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ receivers: { "ops-dingtalk": okStatus }, failures: FAILURES });
  });

  it("shows any other token no receivers and only failures whose alerts all belong to its shops", async () => {
    const s1 = await get(gw, "/v1/deliveries", TOKENS.s1);
    expect(s1.statusCode).toBe(200);
    expect(s1.json()).toEqual({ receivers: {}, failures: [FAILURES[0], FAILURES[4]] });

    const douyin = await get(gw, "/v1/deliveries", TOKENS.douyinAll);
    expect(douyin.json()).toEqual({ receivers: {}, failures: [FAILURES[2]] });
  });

  it("cuts to ?limit= (default 50), after filtering for a scoped token", async () => {
    expect((await get(gw, "/v1/deliveries?limit=2", TOKENS.all)).json().failures).toEqual(FAILURES.slice(0, 2));
    expect(reader.asked.at(-1)).toBe(2);
    await get(gw, "/v1/deliveries", TOKENS.all);
    expect(reader.asked.at(-1)).toBe(50);
    // The scoped token's two failures are the newest and the oldest: both are found, one is returned.
    expect((await get(gw, "/v1/deliveries?limit=1", TOKENS.s1)).json().failures).toEqual([FAILURES[0]]);
    expect((await get(gw, "/v1/deliveries?limit=200", TOKENS.s1)).json().failures).toEqual([FAILURES[0], FAILURES[4]]);
  });

  it.each(["0", "201", "-1", "abc", "1.5", "", "1e2", "9999"])("refuses limit=%j with a 400 naming limit", async (limit) => {
    const res = await get(gw, `/v1/deliveries?limit=${limit}`, TOKENS.all);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: "invalid_request", problems: [{ field: "limit" }] });
  });

  it("refuses a repeated limit", async () => {
    const res = await get(gw, "/v1/deliveries?limit=1&limit=2", TOKENS.all);
    expect(res.statusCode).toBe(400);
    expect(res.json().problems[0].field).toBe("limit");
  });

  it("passes on only the known fields, never anything else a stored record might hold", async () => {
    const leaky = {
      ...fail(9, [S1]),
      url: "https://oapi.dingtalk.com/robot/send?access_token=SECRET",
      secret: "SECxyz",
    } as DeliveryFailure;
    const leakyStatus = { ...okStatus, url: "https://example.invalid/hook?key=SECRET" } as DeliveryStatus;
    const g = testGateway({ deliveries: memoryDeliveries({ "ops-dingtalk": leakyStatus }, [leaky]) });
    for (const token of [TOKENS.all, TOKENS.s1]) {
      const res = await get(g, "/v1/deliveries", token);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain("SECRET");
      expect(res.body).not.toContain("SECxyz");
      expect(res.body).not.toContain("url");
    }
  });

  it("answers 503 when no reader is configured", async () => {
    const res = await get(testGateway(), "/v1/deliveries", TOKENS.all);
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toBe("unavailable");
  });

  it("is described in /openapi.json", async () => {
    const doc = (await get(gw, "/openapi.json")).json();
    const op = doc.paths["/v1/deliveries"].get;
    expect(op.security).toEqual([{ bearer: [] }]);
    expect(op.parameters).toEqual([
      expect.objectContaining({ name: "limit", in: "query", schema: expect.objectContaining({ minimum: 1, maximum: 200, default: 50 }) }),
    ]);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["200", "400", "401"]));
    expect(doc.components.schemas.DeliveryFailure.required).toContain("alerts");
  });
});
