// A metric tile's bad items on the board in a real Chromium: the processor on the harness's Kafka and Redis
// lists a Douyin shop's pickups (the evidence projection), the board's tile click fetches them through the
// read API with the board's token; another shop's token sees none of them (docs/evidence.md).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueName } from "../src/index.js";
import { boardFixture, type BoardFixture } from "./board-page.js";

const T0 = Date.parse("2026-11-20T12:00:00+08:00");

describe("the board's evidence in a browser", () => {
  const run = uniqueName("bevid").slice(-8);
  const shopA = `pick-a-${run}`;
  const shopB = `pick-b-${run}`;
  const tokenA = `tok-bevid-a-${run}-0123456789`;
  const tokenB = `tok-bevid-b-${run}-0123456789`;
  let board: BoardFixture;
  const ev = (shopId: string, id: string, type: string, at: string, orderId: string) => ({
    id: `${shopId}-${id}`,
    type,
    platform: "douyin",
    shopId,
    at,
    orderId,
  });

  beforeAll(async () => {
    board = await boardFixture({
      name: "bevid",
      apiTokens: [
        { token: tokenA, shops: [`douyin:${shopA}`] },
        { token: tokenB, shops: [`douyin:${shopB}`] },
      ],
      clock: () => T0,
      processor: { config: {} },
      heartbeatMs: 500,
    });
  }, 120_000);
  afterAll(async () => {
    await board?.close();
  });

  it(
    "clicking the pickup tile lists its late pickups with why and cost; another shop's token sees none",
    { timeout: 180_000 },
    async () => {
      // Shop A: LATE-A1 paid 11-18 10:00, picked up 11-19 12:10 (26 h 10 min: late); ONTIME-A2 picked up after 6 h.
      // pickup_24h_rate 1/2 = 50%; without LATE-A1: 1/1 = 100%. Shop B: its own late order LATE-B1.
      await board.post(tokenA, [
        ev(shopA, "e1", "order.paid", "2026-11-18T10:00:00+08:00", "LATE-A1"),
        ev(shopA, "e2", "logistics.picked_up", "2026-11-19T12:10:00+08:00", "LATE-A1"),
        ev(shopA, "e3", "order.paid", "2026-11-19T09:00:00+08:00", "ONTIME-A2"),
        ev(shopA, "e4", "logistics.picked_up", "2026-11-19T15:00:00+08:00", "ONTIME-A2"),
      ]);
      await board.post(tokenB, [
        ev(shopB, "e1", "order.paid", "2026-11-17T10:00:00+08:00", "LATE-B1"),
        ev(shopB, "e2", "logistics.picked_up", "2026-11-18T11:00:00+08:00", "LATE-B1"),
      ]);
      const url = (shopId: string) => `http://127.0.0.1:${board.port}/v1/shops/douyin/${shopId}/metrics/pickup_24h_rate/items?outcome=bad`;
      const get = (shopId: string, token: string) => fetch(url(shopId), { headers: { authorization: `Bearer ${token}` } });
      // The processor lists a shop's items after its evaluation: 503 until then.
      await expect.poll(async () => (await get(shopA, tokenA)).status, { timeout: 60_000 }).toBe(200);
      await expect.poll(async () => (await get(shopB, tokenB)).status, { timeout: 60_000 }).toBe(200);

      const page = await board.openBoard(tokenA);
      const card = await board.shopCard(page, shopA);
      await card.locator('.tile[data-metric="pickup_24h_rate"]').click();
      const panel = page.locator("#evidence");
      await panel.locator(".evidence-item").first().waitFor({ timeout: 30_000 });
      const items = panel.locator(".evidence-item");
      expect(await items.count()).toBe(1);
      expect(await items.first().getAttribute("data-id")).toBe("LATE-A1");
      expect(await items.first().locator(".evidence-why").textContent()).toBe("付款后26小时10分钟揽收；时限24小时");
      expect(await items.first().locator(".evidence-days").textContent()).toBe("计入 2026-11-19 · 移出 2026-12-19");
      expect(await items.first().locator(".evidence-cost").textContent()).toBe("剔除 LATE-A1 后指标为 100%");
      await page.click("#lang");
      await expect.poll(() => items.first().locator(".evidence-why").textContent()).toBe("picked up 26 h 10 min after payment; line 24 h");
      expect(await items.first().locator(".evidence-cost").textContent()).toBe("without LATE-A1 the value is 100%");

      // Shop B's token (the page's context shares its storage: forget A's token first): its board has no shop A,
      // its tile shows only its own late order, and A's items are refused.
      await page.click("#forget");
      await page.close();
      const other = await board.openBoard(tokenB);
      const cardB = await board.shopCard(other, shopB);
      await cardB.locator('.tile[data-metric="pickup_24h_rate"]').click();
      const otherItems = other.locator("#evidence .evidence-item");
      await otherItems.first().waitFor({ timeout: 30_000 });
      expect(await otherItems.evaluateAll((xs) => xs.map((x) => x.getAttribute("data-id")))).toEqual(["LATE-B1"]);
      expect(await other.locator("body").textContent()).not.toContain("LATE-A1");
      expect(await other.locator(".shop-card").filter({ hasText: shopA }).count()).toBe(0);
      const refused = await get(shopA, tokenB);
      expect(refused.status).toBe(403);
      expect(await refused.text()).not.toContain("LATE-A1");
    },
  );
});
