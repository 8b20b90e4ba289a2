import { toDayEnd, type DayEnd } from "@sg/events";
import { describe, expect, it } from "vitest";
import type { ShopSnapshot, SnapshotReader } from "../ports.js";
import { TOKENS, testGateway } from "../../testing/test-support.js";
import type { HistoryPort } from "./history.route.js";

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

/** Day-end values as the processor writes them (toDayEnd), one a day from 2026-11-01 to 2026-11-19. */
function kept(): DayEnd[] {
  const out: DayEnd[] = [];
  for (let d = 1; d <= 19; d++) {
    const day = `2026-11-${String(d).padStart(2, "0")}`;
    const denominator = 10 + d;
    const snap: ShopSnapshot = {
      ...SNAPSHOT,
      metrics: { human_reply_3min_rate: { value: d / denominator, numerator: d, denominator, status: "ok", pending: 0 } },
    };
    out.push(toDayEnd(snap, day, Date.parse(`${day}T23:59:59.999+08:00`) + 60_000, "settled"));
  }
  return out;
}

function port(): HistoryPort & { asked: [string, string][] } {
  const all = kept();
  const asked: [string, string][] = [];
  return {
    asked,
    async range(shop, from, to) {
      asked.push([from, to]);
      if (shop.platform !== "kuaishou" || shop.shopId !== "s1") return [];
      return all.filter((d) => d.day >= from && d.day <= to);
    },
  };
}

// The fixture clock's day is 2026-11-20 in Shanghai: yesterday is the last day served.
const now = () => Date.parse("2026-11-20T10:00:00+08:00");
const get = (gw: ReturnType<typeof testGateway>, url: string, token: string | null = TOKENS.s1) =>
  gw.app.inject({ method: "GET", url, headers: token === null ? {} : { authorization: `Bearer ${token}` } });

describe("metric history API", () => {
  it("serves the last 30 day-end values up to yesterday, oldest first, with counts and the pack", async () => {
    const p = port();
    const gw = testGateway({ snapshots, history: p, now });
    const res = await get(gw, "/v1/shops/kuaishou/s1/metrics/human_reply_3min_rate/history");
    expect(res.statusCode).toBe(200);
    expect(p.asked).toEqual([["2026-10-21", "2026-11-19"]]);
    const body = res.json();
    expect(body).toMatchObject({ platform: "kuaishou", shopId: "s1", metric: "human_reply_3min_rate" });
    expect(body.days).toHaveLength(19);
    expect(body.days[0]).toEqual({
      day: "2026-11-01",
      value: 0.09090909091, // 1/11 to the ten significant digits the day-end record keeps
      numerator: 1,
      denominator: 11,
      status: "ok",
      rulePack: "kuaishou@2023-03",
    });
    expect(body.days[18].day).toBe("2026-11-19");
    await gw.close();
  });

  it("takes ?days=N (1–90) and refuses anything else naming the field", async () => {
    const p = port();
    const gw = testGateway({ snapshots, history: p, now });
    const three = await get(gw, "/v1/shops/kuaishou/s1/metrics/human_reply_3min_rate/history?days=3");
    expect(three.json().days.map((d: { day: string }) => d.day)).toEqual(["2026-11-17", "2026-11-18", "2026-11-19"]);
    for (const bad of ["0", "91", "two", "1.5"]) {
      const res = await get(gw, `/v1/shops/kuaishou/s1/metrics/human_reply_3min_rate/history?days=${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(JSON.stringify(res.json()), bad).toContain("days");
    }
    await gw.close();
  });

  it("is scoped by token, and answers 404 for a metric the shop's pack does not have or a shop without events", async () => {
    const gw = testGateway({ snapshots, history: port(), now });
    expect((await get(gw, "/v1/shops/kuaishou/s1/metrics/human_reply_3min_rate/history", null)).statusCode).toBe(401);
    expect((await get(gw, "/v1/shops/kuaishou/s2/metrics/human_reply_3min_rate/history")).statusCode).toBe(403);
    const unknown = await get(gw, "/v1/shops/kuaishou/s1/metrics/pickup_24h_rate/history");
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toContain("kuaishou@2023-03");
    expect((await get(gw, "/v1/shops/kuaishou/s2/metrics/human_reply_3min_rate/history", TOKENS.all)).statusCode).toBe(404);
    expect((await get(gw, "/v1/shops/kuaishou/s1/metrics/Bad-Name/history")).statusCode).toBe(400);
    await gw.close();
  });

  it("answers 503 when no history reader is configured", async () => {
    const gw = testGateway({ snapshots, now });
    expect((await get(gw, "/v1/shops/kuaishou/s1/metrics/human_reply_3min_rate/history")).statusCode).toBe(503);
    await gw.close();
  });
});
