import type { EvidenceItem, StoredEvidence } from "@sg/events";
import { describe, expect, it } from "vitest";
import type { ShopSnapshot, SnapshotReader } from "../ports.js";
import { TOKENS, testGateway } from "../../testing/test-support.js";
import type { EvidencePort } from "./evidence.route.js";

const SNAPSHOT: ShopSnapshot = {
  platform: "kuaishou",
  shopId: "s1",
  rulePack: "kuaishou@2023-03",
  metrics: { human_reply_3min_rate: { value: 0.75, numerator: 3, denominator: 4, status: "breach", pending: 0 } },
  alerts: [],
};
const snapshots: SnapshotReader = {
  async shop(platform, shopId) {
    return platform === "kuaishou" && shopId === "s1" ? SNAPSHOT : null;
  },
};

/** Three bad consumer-days, newest first, as the processor lists them; one id carries a comma and a quote. */
const bad = (id: string, day: string): EvidenceItem => ({
  scope: "consumer",
  id,
  outcome: "bad",
  moments: [{ name: "consumer_message", at: `${day}T10:00:00+08:00` }],
  why: { "zh-CN": "有消息4分钟后回复；时限3分钟", en: "a message answered after 4 min; line 3 min" },
  countsOn: day,
  leavesOn: "2026-11-21",
  cost: { valueWithout: 1 },
});
const STORED: StoredEvidence = {
  asOfMs: Date.parse("2026-11-20T10:00:00+08:00"),
  asOf: "2026-11-20T10:00:00+08:00",
  window: { from: "2026-11-20", to: "2026-11-20" },
  total: 3,
  items: [bad("u3", "2026-11-20"), bad('u,"2"', "2026-11-20"), bad("u1", "2026-11-20")],
};
/** The shops whose items were asked for (the processor lists only those). */
const wanted: string[] = [];
const port: EvidencePort = {
  async want(shop) {
    wanted.push(`${shop.platform}:${shop.shopId}`);
  },
  async page(shop, metric, outcome, offset, limit) {
    if (shop.shopId !== "s1" || metric !== "human_reply_3min_rate") return null;
    const list = outcome === "bad" ? STORED : { ...STORED, total: 0, items: [] };
    return { ...list, items: list.items.slice(offset, offset + limit), kept: list.items.length };
  },
};

const url = "/v1/shops/kuaishou/s1/metrics/human_reply_3min_rate/items";
const get = (gw: ReturnType<typeof testGateway>, path: string, token: string | null = TOKENS.s1, accept?: string) =>
  gw.app.inject({
    method: "GET",
    url: path,
    headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(accept ? { accept } : {}) },
  });

describe("evidence API", () => {
  it("serves the bad items newest first, paged with a cursor", async () => {
    const gw = testGateway({ snapshots, evidence: port });
    const first = await get(gw, `${url}?outcome=bad&limit=2`);
    expect(first.statusCode).toBe(200);
    const body = first.json();
    expect(body).toMatchObject({ platform: "kuaishou", shopId: "s1", metric: "human_reply_3min_rate", outcome: "bad", total: 3 });
    expect(body.items.map((i: EvidenceItem) => i.id)).toEqual(["u3", 'u,"2"']);
    expect(body.next).toEqual(expect.any(String));
    const second = (await get(gw, `${url}?outcome=bad&limit=2&cursor=${body.next}`)).json();
    expect(second.items.map((i: EvidenceItem) => i.id)).toEqual(["u1"]);
    expect(second.next).toBeNull();
    const good = (await get(gw, `${url}?outcome=good`)).json();
    expect(good).toMatchObject({ total: 0, items: [], next: null });
    await gw.close();
  });

  it("answers text/csv with a header row in zh-CN and English", async () => {
    const gw = testGateway({ snapshots, evidence: port });
    const res = await get(gw, `${url}?outcome=bad`, TOKENS.s1, "text/csv");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/csv");
    const lines = res.body
      .replace(/^\uFEFF/, "")
      .trimEnd()
      .split("\r\n");
    expect(lines[0]).toBe(
      "单号 / Item id,类型 / Scope,结果 / Outcome,原因 / Why,计入日期 / Counts on,移出窗口日期 / Leaves the window on,剔除后指标值 / Value without it,剔除后总分 / Score without it",
    );
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe(
      '"u,""2""",consumer,bad,有消息4分钟后回复；时限3分钟 / a message answered after 4 min; line 3 min,2026-11-20,2026-11-21,1,',
    );
    await gw.close();
  });

  it("refuses an unknown outcome, a bad limit or cursor with 400 naming the field", async () => {
    const gw = testGateway({ snapshots, evidence: port });
    for (const [q, field] of [
      ["outcome=worst", "outcome"],
      ["", "outcome"],
      ["outcome=bad&limit=0", "limit"],
      ["outcome=bad&limit=501", "limit"],
      ["outcome=bad&cursor=zzz", "cursor"],
    ] as const) {
      const res = await get(gw, `${url}?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(
        res.json().problems.map((p: { field: string }) => p.field),
        q,
      ).toContain(field);
    }
    await gw.close();
  });

  it("is scoped by token, 404 for a metric the shop's pack lacks or a shop without events, 503 without a reader", async () => {
    const gw = testGateway({ snapshots, evidence: port });
    wanted.length = 0;
    expect((await get(gw, `${url}?outcome=bad`, null)).statusCode).toBe(401);
    const other = await get(gw, "/v1/shops/kuaishou/s1/metrics/human_reply_3min_rate/items?outcome=bad", TOKENS.douyinAll);
    expect(other.statusCode).toBe(403);
    expect(other.body).not.toContain("u3");
    const unknown = await get(gw, "/v1/shops/kuaishou/s1/metrics/pickup_24h_rate/items?outcome=bad");
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toContain("kuaishou@2023-03");
    expect((await get(gw, "/v1/shops/kuaishou/s2/metrics/human_reply_3min_rate/items?outcome=bad", TOKENS.all)).statusCode).toBe(404);
    // Refused requests never make a shop listed; an allowed one does.
    expect(wanted).toEqual([]);
    expect((await get(gw, `${url}?outcome=bad`)).statusCode).toBe(200);
    expect(wanted).toEqual(["kuaishou:s1"]);
    await gw.close();
    const none = testGateway({ snapshots });
    expect((await get(none, `${url}?outcome=bad`)).statusCode).toBe(503);
    await none.close();
  });
});
