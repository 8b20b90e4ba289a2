import type { PlatformFigures, ReconciliationReport } from "@sg/events";
import { describe, expect, it } from "vitest";
import { TOKENS, testGateway } from "../../testing/test-support.js";
import type { ReconciliationPort } from "./reconciliation.route.js";

const REPORT: ReconciliationReport = {
  platform: "kuaishou",
  shopId: "s1",
  day: "2026-11-19",
  comparedAtMs: 1,
  figures: { status: "received", source: "kuaishou_api", attempts: 1 },
  packs: { platform: null, ours: "kuaishou@2023-03" },
  ours: { takenAtMs: 1, take: "settled" },
  lines: [],
  summary: { compared: 0, match: 0, drift: 0, missing: 0, unknown: 0 },
  causes: [],
};

function port(): ReconciliationPort & { imported: PlatformFigures[] } {
  const imported: PlatformFigures[] = [];
  return {
    imported,
    async report(shop, day) {
      return shop.platform === "kuaishou" && shop.shopId === "s1" && day === "2026-11-19" ? REPORT : null;
    },
    async importFigures(f) {
      imported.push(f);
    },
  };
}

const now = () => Date.parse("2026-11-20T10:00:00+08:00");
const auth = (token: string, type = "application/json") => ({ authorization: `Bearer ${token}`, "content-type": type });

describe("reconciliation API", () => {
  it("GET serves yesterday's report by default, scoped by token", async () => {
    const gw = testGateway({ reconciliation: port(), now });
    const ok = await gw.app.inject({ method: "GET", url: "/v1/shops/kuaishou/s1/reconciliation", headers: auth(TOKENS.s1) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual(REPORT);
    expect(
      (await gw.app.inject({ method: "GET", url: "/v1/shops/kuaishou/s1/reconciliation?day=2026-11-18", headers: auth(TOKENS.s1) }))
        .statusCode,
    ).toBe(404);
    expect((await gw.app.inject({ method: "GET", url: "/v1/shops/kuaishou/s2/reconciliation", headers: auth(TOKENS.s1) })).statusCode).toBe(
      403,
    );
    expect((await gw.app.inject({ method: "GET", url: "/v1/shops/kuaishou/s1/reconciliation" })).statusCode).toBe(401);
    expect(
      (await gw.app.inject({ method: "GET", url: "/v1/shops/kuaishou/s1/reconciliation?day=2026-13-01", headers: auth(TOKENS.s1) }))
        .statusCode,
    ).toBe(400);
    await gw.close();
  });

  it("POST imports a CSV file for the shop and day; a bad row refuses the whole file, naming row and column", async () => {
    const p = port();
    const gw = testGateway({ reconciliation: p, now });
    const good = await gw.app.inject({
      method: "POST",
      url: "/v1/shops/kuaishou/s1/reconciliation?day=2026-11-19",
      headers: auth(TOKENS.s1, "text/csv"),
      payload: "item,value,numerator,denominator\nhuman_reply_3min_rate,75%,3,4\n",
    });
    expect(good.statusCode).toBe(202);
    expect(p.imported).toEqual([
      expect.objectContaining({
        source: "import",
        day: "2026-11-19",
        items: { human_reply_3min_rate: { value: 0.75, numerator: 3, denominator: 4 } },
      }),
    ]);
    const bad = await gw.app.inject({
      method: "POST",
      url: "/v1/shops/kuaishou/s1/reconciliation?day=2026-11-19",
      headers: auth(TOKENS.s1, "text/csv"),
      payload: "item,value\nhuman_reply_3min_rate,0.75\nhuman_good_review_rate,ninety\n",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ row: 3, column: "value (B)" });
    expect(p.imported).toHaveLength(1);
    const other = await gw.app.inject({
      method: "POST",
      url: "/v1/shops/jd/9/reconciliation?day=2026-11-19",
      headers: auth(TOKENS.s1, "text/csv"),
      payload: "item,value\nx,1\n",
    });
    expect(other.statusCode).toBe(403);
    await gw.close();
  });
});
