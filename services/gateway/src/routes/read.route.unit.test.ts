import { toMillis, toShanghaiIso } from "@sg/events";
import { SilenceInput, compileSilence, type Silence } from "@sg/events";
import type { SilenceStore } from "@sg/events/runtime";
import { describe, expect, it } from "vitest";
import type { ShopSnapshot, SnapshotReader } from "../ports.js";
import { TOKENS, testGateway } from "../../testing/test-support.js";

const ALERTS: ShopSnapshot["alerts"] = [
  { metric: "human_reply_3min_rate", kind: "threshold", severity: "critical", status: "firing", value: 0.75, threshold: 0.8, target: 0.9 },
];
const SNAPSHOT: ShopSnapshot = {
  platform: "kuaishou",
  shopId: "s1",
  rulePack: "kuaishou@2023-03",
  metrics: { human_reply_3min_rate: { value: 0.75, numerator: 3, denominator: 4, status: "breach", pending: 0 } },
  alerts: ALERTS,
};

const snapshots: SnapshotReader = {
  async shop(platform, shopId) {
    return platform === SNAPSHOT.platform && shopId === SNAPSHOT.shopId ? SNAPSHOT : null;
  },
};

/** An in-memory stand-in for the notifier's Redis store (unit tier; the int tier uses the real one). */
function memorySilences(): SilenceStore {
  const all = new Map<string, Silence>();
  let n = 0;
  return {
    async create(input) {
      const s = SilenceInput.parse(input);
      const silence: Silence = {
        id: `sil-${++n}`,
        matchers: s.matchers,
        startsAt: toShanghaiIso(s.startsAt === undefined ? Date.now() : toMillis(s.startsAt)),
        endsAt: toShanghaiIso(toMillis(s.endsAt)),
      };
      all.set(silence.id, silence);
      return silence;
    },
    async list() {
      return [...all.values()];
    },
    // The stand-in has no index: it answers every silence and the route's scope check does the rest.
    async listFor() {
      return [...all.values()];
    },
    async forShop() {
      return [...all.values()].flatMap((s) => compileSilence(s) ?? []);
    },
    async get(id) {
      return all.get(id) ?? null;
    },
    async remove(id) {
      return all.delete(id);
    },
  };
}

const get = (gw: ReturnType<typeof testGateway>, url: string, token?: string) =>
  gw.app.inject({ method: "GET", url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

describe("GET /v1/shops/{platform}/{shopId}/metrics and /alerts", () => {
  const gw = testGateway({ snapshots });

  it("answers the shop's snapshot, the same JSON as one shop of replay's output", async () => {
    const res = await get(gw, "/v1/shops/kuaishou/s1/metrics", TOKENS.s1);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(SNAPSHOT);
  });

  it("answers the alerts firing now", async () => {
    const res = await get(gw, "/v1/shops/kuaishou/s1/alerts", TOKENS.s1);
    expect(res.json()).toEqual({ platform: "kuaishou", shopId: "s1", rulePack: "kuaishou@2023-03", alerts: SNAPSHOT.alerts });
  });

  it("is scoped by token: 401 without one, 403 for a shop it does not list, 404 for a shop without events", async () => {
    expect((await get(gw, "/v1/shops/kuaishou/s1/metrics")).statusCode).toBe(401);
    expect((await get(gw, "/v1/shops/kuaishou/s2/metrics", TOKENS.s1)).statusCode).toBe(403);
    expect((await get(gw, "/v1/shops/kuaishou/s1/alerts", TOKENS.douyinAll)).statusCode).toBe(403);
    expect((await get(gw, "/v1/shops/douyin/nope/metrics", TOKENS.douyinAll)).statusCode).toBe(404);
    expect((await get(gw, "/v1/shops/taobao/s1/metrics", TOKENS.all)).statusCode).toBe(400);
  });
});

describe("/v1/silences", () => {
  const endsAt = "2099-01-01T00:00:00+08:00";
  const shopSilence = {
    matchers: [
      { name: "platform", value: "kuaishou" },
      { name: "shop", value: "s1" },
    ],
    endsAt,
    comment: "maintenance",
  };
  const post = (gw: ReturnType<typeof testGateway>, body: unknown, token: string) =>
    gw.app.inject({
      method: "POST",
      url: "/v1/silences",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      payload: JSON.stringify(body),
    });

  it("creates, lists and deletes a silence of a shop the token lists", async () => {
    const gw = testGateway({ silences: memorySilences() });
    const created = await post(gw, shopSilence, TOKENS.s1);
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const list = await get(gw, "/v1/silences", TOKENS.s1);
    expect(list.json().silences.map((s: Silence) => s.id)).toEqual([id]);
    expect((await get(gw, `/v1/silences/${id}`, TOKENS.s1)).statusCode).toBe(200);
    const del = await gw.app.inject({ method: "DELETE", url: `/v1/silences/${id}`, headers: { authorization: `Bearer ${TOKENS.s1}` } });
    expect(del.statusCode).toBe(204);
    expect((await get(gw, "/v1/silences", TOKENS.s1)).json().silences).toEqual([]);
  });

  it("accepts a shop matcher written platform:shopId, and DELETE ?id=", async () => {
    const gw = testGateway({ silences: memorySilences() });
    const created = await post(gw, { matchers: [{ name: "shop", value: "kuaishou:s1" }], endsAt }, TOKENS.s1);
    expect(created.statusCode).toBe(201);
    const del = await gw.app.inject({
      method: "DELETE",
      url: `/v1/silences?id=${created.json().id}`,
      headers: { authorization: `Bearer ${TOKENS.s1}` },
    });
    expect(del.statusCode).toBe(204);
  });

  it("refuses silences reaching beyond the token's shops with 403, and hides others' silences", async () => {
    const gw = testGateway({ silences: memorySilences() });
    expect((await post(gw, { matchers: [{ name: "severity", value: "critical" }], endsAt }, TOKENS.s1)).statusCode).toBe(403);
    expect((await post(gw, { matchers: [{ name: "platform", value: "kuaishou" }], endsAt }, TOKENS.s1)).statusCode).toBe(403);
    expect(
      (
        await post(
          gw,
          {
            matchers: [
              { name: "platform", value: "kuaishou" },
              { name: "shop", value: "s.*", isRegex: true },
            ],
            endsAt,
          },
          TOKENS.s1,
        )
      ).statusCode,
    ).toBe(403);
    // douyin:* may silence all of douyin; * anything.
    expect((await post(gw, { matchers: [{ name: "platform", value: "douyin" }], endsAt }, TOKENS.douyinAll)).statusCode).toBe(201);
    const global = await post(gw, { matchers: [{ name: "severity", value: "warning" }], endsAt }, TOKENS.all);
    expect(global.statusCode).toBe(201);
    expect((await get(gw, "/v1/silences", TOKENS.s1)).json().silences).toEqual([]);
    expect((await get(gw, "/v1/silences", TOKENS.all)).json().silences).toHaveLength(2);
    const del = await gw.app.inject({
      method: "DELETE",
      url: `/v1/silences/${global.json().id}`,
      headers: { authorization: `Bearer ${TOKENS.s1}` },
    });
    expect(del.statusCode).toBe(403);
    expect((await get(gw, "/v1/silences")).statusCode).toBe(401);
  });

  it("refuses an invalid silence with 400 naming the field", async () => {
    const gw = testGateway({ silences: memorySilences() });
    const res = await post(gw, { matchers: [{ name: "colour", value: "red" }] }, TOKENS.all);
    expect(res.statusCode).toBe(400);
    expect(res.json().problems.map((p: { field: string }) => p.field)).toEqual(expect.arrayContaining(["matchers.0.name", "endsAt"]));
    expect(
      (await gw.app.inject({ method: "DELETE", url: "/v1/silences/none", headers: { authorization: `Bearer ${TOKENS.all}` } })).statusCode,
    ).toBe(404);
  });
});

describe("ops routes", () => {
  const ops = (gw: ReturnType<typeof testGateway>, url: string) => gw.ops.inject({ method: "GET", url });

  it("serves /metrics with the refusal counters, /livez, /readyz on the ops server, and /openapi.json", async () => {
    const gw = testGateway({ ready: () => true });
    await get(gw, "/v1/shops/kuaishou/s1/metrics");
    const metrics = await ops(gw, "/metrics");
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('sg_gateway_refusals_total{route="/v1/shops/:platform/:shopId/metrics",reason="missing_token"} 1');
    expect((await ops(gw, "/livez")).statusCode).toBe(200);
    expect((await ops(gw, "/readyz")).json()).toEqual({ status: "ready" });
    const doc = (await get(gw, "/openapi.json")).json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/v1/events",
        "/v1/shops/{platform}/{shopId}/metrics",
        "/v1/shops/{platform}/{shopId}/alerts",
        "/v1/silences",
        "/webhooks/douyin",
      ]),
    );
  });

  it("is not ready while its dependencies are not", async () => {
    const gw = testGateway({ ready: () => false });
    expect((await ops(gw, "/readyz")).statusCode).toBe(503);
  });

  it("serves no ops endpoint on the public port: /metrics names every shop", async () => {
    const gw = testGateway({ ready: () => true });
    for (const url of ["/metrics", "/livez", "/readyz"]) expect((await get(gw, url)).statusCode, url).toBe(404);
    // And the ops server serves nothing of the public API.
    expect((await ops(gw, "/v1/shops/kuaishou/s1/metrics")).statusCode).toBe(404);
    expect((await ops(gw, "/openapi.json")).statusCode).toBe(404);
  });
});
