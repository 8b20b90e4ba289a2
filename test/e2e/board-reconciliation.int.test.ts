// The board's reconciliation tile in a real Chromium: a Douyin shop's snapshot written by the processor's
// projection writer, its report compared by the reconciler (compareDay) and stored in the harness's Redis. Before
// any report the tile says the platform's figures have not arrived; a report stored while the page is open
// shows within the hub's refresh, with the drifting item by name, in zh-CN and English. Another shop's token
// sees nothing of it.
import { Reconciliation } from "@sg/config";
import { addDays, dayEndKeys, type DayEnd, type PlatformFigures } from "@sg/events";
import { ProjectionWriter } from "@sg/processor";
import { compareDay, createReconciler } from "@sg/reconciler";
import type { Redis } from "@sg/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollUntil, uniqueName } from "../src/index.js";
import { boardFixture, type BoardFixture } from "./board-page.js";

// 09:30 in Shanghai on 2026-12-06: the report of 2026-12-05 is "yesterday's".
const NOW = Date.parse("2026-12-06T09:30:00+08:00");
const DAY = "2026-12-05";
const quiet = { info() {}, warn() {}, error() {} };

describe("the board's reconciliation tile in a browser", () => {
  const run = uniqueName("brecon").slice(-8);
  const shopId = `<i>dy&${run}`;
  const otherId = `ks-other-${run.split("").reverse().join("")}`;
  const tokenA = `tok-brecon-a-${run}-0123456789`;
  const tokenB = `tok-brecon-b-${run}-0123456789`;
  let board: BoardFixture;
  let redis: Redis;
  let keyPrefix: string;

  beforeAll(async () => {
    board = await boardFixture({
      name: "brecon",
      apiTokens: [
        { token: tokenA, shops: [`douyin:${shopId}`] },
        { token: tokenB, shops: [`kuaishou:${otherId}`] },
      ],
      clock: () => NOW,
      reconciliationRefreshMs: 200,
      heartbeatMs: 300,
      before: async (r, prefix) => {
        const writer = new ProjectionWriter(r, prefix);
        await writer.write([
          {
            snapshot: {
              platform: "douyin",
              shopId,
              rulePack: "douyin@2023-06",
              metrics: {
                quality_return_rate: { value: 0.01, numerator: 2, denominator: 200, status: "ok" },
                pickup_24h_rate: { value: 0.99, numerator: 198, denominator: 200, status: "ok" },
              },
              alerts: [],
            },
            asOfMs: NOW,
            due: [],
          },
          {
            snapshot: { platform: "kuaishou", shopId: otherId, rulePack: "kuaishou@2023-03", metrics: {}, alerts: [] },
            asOfMs: NOW,
            due: [],
          },
        ]);
      },
    });
    ({ redis, keyPrefix } = board);
  }, 120_000);
  afterAll(async () => {
    await board?.close();
  });

  /** The reconciler compares the day: 200 signed orders on both sides, the platform counts 3 quality returns, we saw 2. */
  const storeReport = async () => {
    const figures: PlatformFigures = {
      platform: "douyin",
      shopId,
      day: DAY,
      source: "import",
      receivedAtMs: NOW - 60_000,
      dimensions: {},
      items: {
        quality_return_rate: { value: 0.015, numerator: 3, denominator: 200 },
        pickup_24h_rate: { value: 0.99, numerator: 198, denominator: 200 },
      },
    };
    const ours: DayEnd = {
      day: DAY,
      asOfMs: Date.parse("2026-12-06T00:00:00+08:00") - 1,
      takenAtMs: NOW - 3_600_000,
      take: "settled",
      rulePack: "douyin@2023-06",
      metrics: { quality_return_rate: { v: 0.01, s: "ok", n: 2, d: 200 }, pickup_24h_rate: { v: 0.99, s: "ok", n: 198, d: 200 } },
    };
    const report = compareDay({
      platform: "douyin",
      shopId,
      day: DAY,
      nowMs: NOW,
      figures,
      figuresState: { status: "received", source: "import", attempts: 1 },
      ours,
      units: { quality_return_rate: "ratio", pickup_24h_rate: "ratio" },
      tolerances: {},
    });
    expect(report.summary).toMatchObject({ compared: 2, match: 1, drift: 1 });
    const reconciler = createReconciler({ redis, keyPrefix, config: Reconciliation.parse({}), clock: () => NOW, log: quiet, sources: [] });
    await reconciler.store.saveReport(report);
  };

  it(
    "no platform figures yet, then yesterday's comparison with the drifting item, in both languages; scoped by token",
    { timeout: 180_000 },
    async () => {
      const page = await board.openBoard(tokenA);
      const card = await board.shopCard(page, shopId);
      const recon = card.locator(".recon");
      await expect.poll(() => recon.locator(".recon-head").textContent(), { timeout: 30_000 }).toBe("尚无平台数据");
      expect(await recon.getAttribute("data-state")).toBe("missing");

      await storeReport();
      await pollUntil(async () => (await recon.locator(".recon-head").textContent()) === "与平台一致：昨日 2 项中 1 项", {
        timeoutMs: 30_000,
        message: "the stored report reaches the open page",
      });
      expect(await recon.getAttribute("data-state")).toBe("drift");
      expect(await recon.getAttribute("data-day")).toBe(DAY);
      expect(await recon.locator(".recon-items").textContent()).toBe("不一致：品质退货率（平台 1.5%，我方 1%）");
      // The shop id with markup is text, never markup.
      expect(await card.locator(".shop-id").textContent()).toBe(shopId);
      expect(await page.locator(".shop-card i").count()).toBe(0);

      await page.click("#lang");
      await pollUntil(
        async () => (await recon.locator(".recon-head").textContent()) === "matches the platform: 1 of 2 indicators yesterday",
        {
          timeoutMs: 10_000,
          message: "the tile in English",
        },
      );
      expect(await recon.locator(".recon-items").textContent()).toBe("differs: Quality return rate (platform 1.5%, ours 1%)");

      // The shop's own view shows it too.
      await card.locator(".shop-head").click();
      await page.locator("#shop .recon").waitFor({ timeout: 10_000 });
      expect(await page.locator("#shop .recon .recon-head").textContent()).toBe("matches the platform: 1 of 2 indicators yesterday");

      // A fresh board gets the report with the shop's first snapshot.
      const fresh = await board.browser.context.newPage();
      await fresh.goto(`http://127.0.0.1:${board.port}/board#/`);
      const freshRecon = fresh.locator(".shop-card .recon .recon-head");
      await freshRecon.waitFor({ timeout: 30_000 });
      expect(await freshRecon.textContent()).toBe("matches the platform: 1 of 2 indicators yesterday");

      // Another shop's token: its own shop without figures, and nothing of the first shop in its stream, even
      // across several of the hub's refreshes.
      const text = await board.streamAs(tokenB, 2_000);
      expect(text).toContain(otherId);
      expect(text).toContain('"reconciliation":null');
      expect(text).not.toContain(run);
      expect(text).not.toContain("event: reconciliation");
      expect(text).not.toContain("quality_return_rate");
      await page.close();
      await fresh.close();
    },
  );
  it(
    "each tile draws its last 30 end-of-day values; a day settled while the page is open redraws it; scoped by token",
    { timeout: 180_000 },
    async () => {
      // The processor's day-end history (the contract key of day-end.ts): 20 days up to the day before yesterday.
      const shop = { platform: "douyin", shopId };
      const dayEnd = (day: string, v: number): DayEnd => ({
        day,
        asOfMs: Date.parse(`${day}T23:59:59.999+08:00`),
        takenAtMs: Date.parse(`${day}T23:59:59.999+08:00`) + 7_200_000,
        take: "settled",
        rulePack: "douyin@2023-06",
        metrics: { pickup_24h_rate: { v, n: Math.round(v * 200), d: 200, s: "ok" } },
      });
      const key = dayEndKeys(keyPrefix).history(shop);
      for (let i = 1; i <= 20; i++) {
        const day = addDays(DAY, -i);
        await redis.hset(key, day, JSON.stringify(dayEnd(day, 0.95 + (i % 5) / 100)));
      }
      const page = await board.browser.context.newPage();
      // The token as the board keeps it (the browser profile is shared with the test above, which may have stored one).
      await page.goto(`http://127.0.0.1:${board.port}/board`);
      await page.evaluate(
        (t) =>
          (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem(
            "scoreguard.board.token",
            t,
          ),
        tokenA,
      );
      await page.reload();
      const spark = page.locator('.shop-card .tile[data-metric="pickup_24h_rate"] svg.spark');
      await spark.waitFor({ timeout: 60_000 });
      expect(await spark.getAttribute("data-days")).toBe("20");
      expect(await spark.locator("polyline").count()).toBe(1);
      // A metric without history draws no line.
      expect(await page.locator('.shop-card .tile[data-metric="quality_return_rate"] svg.spark').count()).toBe(0);

      // Yesterday is taken while the page is open: the hub's refresh sends it, and the line gains the day.
      await redis.hset(key, DAY, JSON.stringify(dayEnd(DAY, 0.99)));
      await pollUntil(async () => (await spark.getAttribute("data-days")) === "21", {
        timeoutMs: 30_000,
        message: "yesterday's value reaches the open page",
      });
      // An older day written while the page is open (a rebuild, a late take): the whole line is re-read, so it
      // reaches the page too, although yesterday did not change.
      await redis.hset(key, addDays(DAY, -21), JSON.stringify(dayEnd(addDays(DAY, -21), 0.9)));
      await pollUntil(async () => (await spark.getAttribute("data-days")) === "22", {
        timeoutMs: 30_000,
        message: "an older day written later reaches the open page",
      });

      // The processor's next snapshot carries the metric's forecast (docs/forecast.md): the tile's line goes on
      // with the 7 projected day-ends of its roll-off, dashed, after the kept days.
      const points = [0, 1, 2, 3, 4, 5, 6].map((k) => ({ day: addDays(DAY, k + 1), value: 0.97 - k / 100, status: "ok" as const }));
      const path = { points, crosses: null };
      await new ProjectionWriter(redis, keyPrefix).write([
        {
          snapshot: {
            platform: "douyin",
            shopId,
            rulePack: "douyin@2023-06",
            metrics: {
              quality_return_rate: { value: 0.01, numerator: 2, denominator: 200, status: "ok" },
              pickup_24h_rate: {
                value: 0.99,
                numerator: 198,
                denominator: 200,
                status: "ok",
                forecast: { rollOff: path, atPace: path, toRecover: null },
              },
            },
            alerts: [],
          },
          asOfMs: NOW + 1,
          due: [],
        },
      ]);
      await pollUntil(async () => (await spark.getAttribute("data-projected-days")) === "7", {
        timeoutMs: 30_000,
        message: "the forecast's projected days reach the open page",
      });
      expect(await spark.getAttribute("data-days")).toBe("22");
      expect(await spark.locator("polyline.spark-line").count()).toBe(1);
      const projected = spark.locator("polyline.spark-projected");
      expect(await projected.count()).toBe(1);
      // Joined to yesterday's point, then one point per projected day.
      expect((await projected.getAttribute("points"))!.split(" ")).toHaveLength(8);

      // Another shop's token: nothing of the first shop's history in its stream.
      const text = await board.streamAs(tokenB, 1_500);
      expect(text).toContain('"history":null');
      expect(text).not.toContain("pickup_24h_rate");
      expect(text).not.toContain("event: history");
      expect(text).not.toContain("rollOff");
      await page.close();
    },
  );
});
