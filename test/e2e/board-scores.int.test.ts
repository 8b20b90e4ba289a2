// The board shows a shop's score in a real Chromium: total, dimensions, the indicator that costs the most,
// the headroom and the score alert, in zh-CN and English; the processor on the harness's Kafka and Redis
// scores a Douyin shop under douyin@2023-06 with the sample parameters, its clock driven by the test.
import { parseScoreguardConfig } from "@sg/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollUntil, uniqueName } from "../src/index.js";
import { boardFixture, type BoardFixture } from "./board-page.js";
import { TEA } from "../../services/processor/src/testing/score-params.js";
import { douyinScoreMonth } from "./score-month.js";

const T0 = Date.parse("2026-03-02T15:00:00+08:00");

describe("the board's score in a browser", () => {
  const run = uniqueName("bscore").slice(-8);
  const shopId = `tea-${run}`;
  const key = `douyin:${shopId}`;
  const token = `tok-bscore-${run}-0123456789`;
  // A Kuaishou shop on its seed pack (kuaishou@2023-03, no score model): its view has no score block.
  const ksShopId = `flowers-${run}`;
  const clock = T0;
  let board: BoardFixture;

  beforeAll(async () => {
    const config = parseScoreguardConfig({
      packs: { douyin: "latest" },
      shops: { [key]: { industry: "tea", scoreLines: { total: 87 } } },
      scoreParameters: { "douyin@2023-06": { tea: TEA } },
    });
    board = await boardFixture({
      name: "bscore",
      apiTokens: [{ token, shops: [key, `kuaishou:${ksShopId}`] }],
      clock: () => clock,
      processor: { config },
      overrides: config.shops,
      heartbeatMs: 500,
    });
  }, 120_000);
  afterAll(async () => {
    await board?.close();
  });

  it("total, dimensions, the costliest indicator, headroom and the score alert, in both languages", { timeout: 180_000 }, async () => {
    // One bad review of 20 signed orders: 5% (band 6: 50), goods (50 + 100)/2 = 75, logistics and service 100;
    // total 75×0.4 + 100×0.2 + 100×0.4 = 90, the bad reviews costing 50 × 50% × 40% = 10 points.
    // Three pickups due at T0 + 2 h: if late, logistics 80 and the total 86, below the line 87: at risk.
    // Headroom: one quality return (1/21 > 1%: band 6) costs 10 points, the most of any single item: total 80.
    await board.post(token, douyinScoreMonth({ shopId, run, t0: T0, badReviews: 1, pendingPickups: 3 }));

    const page = await board.openBoard(token);
    const card = await board.shopCard(page, shopId);
    const score = card.locator(".score");
    await expect.poll(() => score.locator(".score-total").textContent(), { timeout: 30_000 }).toBe("商家体验分 90 · 样例参数");
    expect(await score.locator(".score-dims").textContent()).toBe("商品体验 75 ×40% · 物流体验 100 ×20% · 服务体验 100 ×40%");
    expect(await score.locator(".score-cost").textContent()).toBe("失分最多：商品差评率（−10）");
    await expect
      .poll(() => score.locator(".score-headroom").allTextContents())
      .toEqual(["余量：再有 1 单品质退货，品质退货率即降档（总分 80）", "预警线 87：再有 1 单品质退货（品质退货率），总分即低于（80）"]);

    await card.locator(".shop-head").click();
    const alert = page.locator('#alerts .alert[data-metric="score_total"][data-kind="score"]');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toBe("商家体验分 分数线 · 预警 · 90");

    await page.click("#lang");
    await pollUntil(async () => (await page.locator("#shop .score-total").textContent()) === "Experience score 90 · SAMPLE parameters", {
      timeoutMs: 10_000,
      message: "the score in English",
    });
    expect(await page.locator("#shop .score-dims").textContent()).toBe("Goods 75 ×40% · Logistics 100 ×20% · Service 100 ×40%");
    expect(await page.locator("#shop .score-cost").textContent()).toBe("costs the most: Bad review rate (−10)");
    expect(await page.locator("#shop .score-headroom").allTextContents()).toEqual([
      "headroom: 1 more quality return lowers Quality return rate's band (total 80)",
      "line 87: 1 more quality return (Quality return rate) takes the total below it (80)",
    ]);
    expect(await alert.textContent()).toBe("Experience score score line · warning · 90");
  });

  it("a shop without a score shows no score block in its view, and no stray text where it would be", { timeout: 120_000 }, async () => {
    const ev = (type: string, extra: Record<string, unknown>) => ({
      id: `${run}-ks-${type}`,
      type,
      platform: "kuaishou",
      shopId: ksShopId,
      at: "2026-03-02T14:58:00+08:00",
      consumerId: "ks-buyer",
      ...extra,
    });
    await board.post(token, [ev("chat.transferred", {}), ev("chat.message", { sender: "consumer" })]);
    // The browser keeps the token the first test pasted.
    const page = await board.browser.context.newPage();
    await page.goto(`http://127.0.0.1:${board.port}/board#/shop/${encodeURIComponent(`kuaishou:${ksShopId}`)}`);
    await page.locator("#shop .tile").first().waitFor({ timeout: 30_000 });
    expect(await page.locator("#shop .score").count()).toBe(0);
    // Text directly inside the view (not in one of its blocks): a missing block once showed here as "null".
    type TextNodes = { childNodes: ArrayLike<{ nodeType: number; textContent: string | null }> };
    const stray = await page.locator("#shop").evaluate((main: TextNodes) =>
      Array.from(main.childNodes)
        .filter((n) => n.nodeType === 3)
        .map((n) => n.textContent),
    );
    expect(stray).toEqual([]);
    await page.close();
  });
});
