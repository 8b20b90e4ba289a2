// A consultation followed through the board in a real Chromium, against the real gateway and a
// processor on the harness's Kafka and Redis, the processor's clock driven by the test.
import { pollUntil, uniqueName } from "../src/index.js";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boardFixture, type BoardFixture } from "./board-page.js";

const T0 = Date.parse("2026-03-02T10:00:00+08:00");
const S = 1000;

describe("the shop board in a browser", () => {
  const run = uniqueName("board").slice(-8);
  // Ids from outside, with markup in them: the page must show them as text.
  const shopId = `<b>shop&${run}`;
  const consumer = `<img src=x onerror="window.__sgXss=1">c1`;
  const tokenA = `tok-board-a-${run}-0123456789`;
  const tokenB = `tok-board-b-${run}-0123456789`;
  let clock = T0;
  let board: BoardFixture;

  const post = (events: object[]) => board.post(tokenA, events);
  let n = 0;
  const ev = (type: string, at: number, consumerId: string, extra: Record<string, unknown> = {}) => ({
    id: `${run}-${++n}`,
    type,
    platform: "kuaishou",
    shopId,
    at,
    consumerId,
    ...extra,
  });

  beforeAll(async () => {
    board = await boardFixture({
      name: "board",
      apiTokens: [
        { token: tokenA, shops: [`kuaishou:${shopId}`] },
        { token: tokenB, shops: ["kuaishou:someone-else"] },
      ],
      clock: () => clock,
      processor: { config: {} },
      heartbeatMs: 500,
    });
  }, 120_000);
  afterAll(async () => {
    await board?.close();
  });

  const tile = (page: Page) => page.locator('.tile[data-metric="human_reply_3min_rate"]');

  it(
    "follows a consultation: posted, counting down, urgent, answered, then a breach turns the tile red; another shop's token sees none of it",
    { timeout: 240_000 },
    async () => {
      // One consumer answered in time earlier, and one whose wait opens now: due at T0 + 180 s.
      await post([
        ev("chat.transferred", T0 - 600 * S, "c0"),
        ev("chat.message", T0 - 595 * S, "c0", { sender: "consumer" }),
        ev("chat.message", T0 - 590 * S, "c0", { sender: "agent" }),
        ev("chat.transferred", T0 - 5 * S, consumer),
        ev("chat.message", T0, consumer, { sender: "consumer" }),
      ]);

      const requests: string[] = [];
      board.browser.context.on("request", (r) => requests.push(r.url()));
      const page = await board.openBoard(tokenA);

      // The overview: the shop's card, its name shown as text, the metric's tile with line and target.
      const card = await board.shopCard(page, shopId);
      await expect.poll(() => card.locator(".shop-id").textContent()).toBe(shopId);
      await expect.poll(() => tile(page).locator(".tile-lines").textContent(), { timeout: 30_000 }).toBe("红线 70% · 目标 85%");

      // The queue: the consultation, with its consumer id as text and a countdown near 3 minutes.
      await card.locator(".shop-head").click();
      const item = page.locator(".due-item").filter({ hasText: consumer });
      await item.waitFor({ timeout: 30_000 });
      expect(await item.locator(".due-id").textContent()).toBe(consumer);
      expect(await item.locator(".countdown").textContent()).toMatch(/^(3:00|2:[0-5]\d)$/);
      expect(await item.getAttribute("class")).not.toContain("urgent");
      expect(await page.evaluate("typeof window.__sgXss")).toBe("undefined");
      expect(await page.locator("#queue img").count()).toBe(0);

      // The processor's clock moves to 40 s before the deadline: the item turns urgent.
      clock = T0 + 140 * S;
      await pollUntil(async () => (await item.getAttribute("class"))?.includes("urgent"), {
        timeoutMs: 30_000,
        message: "the item turns urgent",
      });
      expect(await item.locator(".countdown").textContent()).toMatch(/^0:[0-4]\d$/);

      // The gateway restarts; the page reconnects by itself.
      await board.stopGateway();
      await pollUntil(async () => (await page.locator("#conn").getAttribute("class"))?.includes("conn-reconnecting"), {
        timeoutMs: 30_000,
        message: "the page sees the gateway go",
      });
      await board.startGateway();
      await pollUntil(async () => (await page.locator("#conn").getAttribute("class"))?.includes("conn-open"), {
        timeoutMs: 60_000,
        message: "the page reconnects",
      });

      // An agent replies: the item leaves the queue.
      await post([ev("chat.message", T0 + 140 * S, consumer, { sender: "agent" })]);
      await pollUntil(async () => (await item.count()) === 0, { timeoutMs: 30_000, message: "the answered item leaves the queue" });

      // A second consultation goes unanswered past 3 minutes: 2 of 3 answered in time, under the 70% line.
      await post([ev("chat.transferred", T0 + 130 * S, "c2"), ev("chat.message", T0 + 135 * S, "c2", { sender: "consumer" })]);
      await page.locator(".due-item").filter({ hasText: "c2" }).waitFor({ timeout: 30_000 });
      clock = T0 + 320 * S;
      await pollUntil(async () => (await tile(page).getAttribute("class"))?.includes("status-breach"), {
        timeoutMs: 30_000,
        message: "the tile turns red",
      });
      // (The callback runs in the page; the test's TypeScript has no DOM types, hence the cast.)
      const borderTop = (e: unknown) =>
        (globalThis as unknown as { getComputedStyle(e: unknown): { borderTopColor: string } }).getComputedStyle(e).borderTopColor;
      expect(await tile(page).evaluate(borderTop)).toBe("rgb(229, 56, 59)");
      expect(await tile(page).locator(".tile-value").textContent()).toBe("66.7%");
      await page.locator('#alerts .alert[data-metric="human_reply_3min_rate"][data-kind="threshold"]').waitFor({ timeout: 30_000 });
      expect(await page.locator("#transitions li").count()).toBeGreaterThan(0);
      if (process.env.BOARD_SCREENSHOT_DIR)
        await page.screenshot({ path: `${process.env.BOARD_SCREENSHOT_DIR}/board-int-queue.png`, fullPage: true });

      // The token never travels in a URL.
      expect(requests.some((u) => u.includes(tokenA))).toBe(false);

      // Another shop's token: no card, no id, nothing of this shop on the page or in its stream.
      await page.click("#forget");
      await page.fill("#token", tokenB);
      await page.click("#token-form button[type=submit]");
      await page.goto(`http://127.0.0.1:${board.port}/board#/`);
      await page.locator("#no-shops").waitFor({ timeout: 30_000 });
      expect(await page.locator(".shop-card").count()).toBe(0);
      expect(await page.content()).not.toContain(run);
      expect(await board.streamAs(tokenB)).not.toContain(run);
      const forbidden = await fetch(`http://127.0.0.1:${board.port}/v1/shops/kuaishou/${encodeURIComponent(shopId)}/metrics`, {
        headers: { authorization: `Bearer ${tokenB}` },
      });
      expect(forbidden.status).toBe(403);
      await forbidden.text();

      // No token in the gateway's logs.
      const logged = JSON.stringify(board.logger.lines);
      expect(logged).toContain("board stream opened");
      expect(logged).not.toContain(tokenA);
      expect(logged).not.toContain(tokenB);
    },
  );

  it("streams a shop's snapshot once, then only what changed", { timeout: 120_000 }, async () => {
    const ctrl = new AbortController();
    const res = await fetch(`http://127.0.0.1:${board.port}/board/stream`, {
      headers: { authorization: `Bearer ${tokenA}` },
      signal: ctrl.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const events = () =>
      text
        .split("\n\n")
        .filter((b) => b.startsWith("event: "))
        .map((b) => ({
          event: b.slice(7, b.indexOf("\n")),
          data: JSON.parse(b.slice(b.indexOf("data: ") + 6)) as Record<string, unknown>,
        }));
    const readUntil = async (done: () => boolean) => {
      while (!done()) text += decoder.decode((await reader.read()).value, { stream: true });
    };
    try {
      await readUntil(() => text.includes("event: ready"));
      expect(
        events()
          .filter((e) => e.event === "snapshot")
          .map((e) => e.data.shop),
      ).toEqual([`kuaishou:${shopId}`]);
      await post([ev("chat.transferred", clock - 2 * S, "c3"), ev("chat.message", clock - S, "c3", { sender: "consumer" })]);
      const change = () => events().find((e) => e.event === "change" && JSON.stringify(e.data.due ?? {}).includes('"c3"'));
      await readUntil(() => change() !== undefined);
      const c = change()!.data as {
        shop: string;
        from: number;
        version: number;
        metrics?: Record<string, unknown>;
        due: { upsert: Array<{ id: string }> };
      };
      expect(c.shop).toBe(`kuaishou:${shopId}`);
      expect(c.version).toBeGreaterThan(c.from);
      expect(c.due.upsert.map((d) => d.id)).toEqual(["c3"]);
      // Unchanged metrics are not resent, and the shop's whole snapshot is not sent again.
      expect(Object.keys(c.metrics ?? {})).not.toContain("human_good_review_rate");
      expect(events().filter((e) => e.event === "snapshot")).toHaveLength(1);
    } finally {
      ctrl.abort();
    }
  });

  it(
    "lists a pending appeal with its effect, and the tile takes it once approved; another shop's token sees none of it",
    { timeout: 180_000 },
    async () => {
      // The consumer whose wait was missed (c2) is reported as malicious: pending, then approved (docs/exclusions.md).
      const appeal = {
        scope: "consumer",
        itemId: "c2",
        reason: "malicious_consumer",
        exclusionId: `KS-${run}`,
        metrics: ["human_reply_3min_rate"],
      };
      await post([ev("exclusion.requested", clock - S, "c2", appeal)]);
      // The browser still holds the other shop's token from the first test: forget it, then sign in as this shop.
      const page = await board.browser.context.newPage();
      await page.goto(`http://127.0.0.1:${board.port}/board`);
      await page.evaluate("localStorage.clear()");
      await page.reload();
      await page.fill("#token", tokenA);
      await page.click("#token-form button[type=submit]");
      const card = await board.shopCard(page, shopId);
      await card.locator(".shop-head").click();
      const row = page.locator("#appeals .appeal").filter({ hasText: `KS-${run}` });
      await row.waitFor({ timeout: 30_000 });
      expect(await row.locator(".appeal-id").textContent()).toBe("c2");
      expect(await row.locator(".appeal-reason").textContent()).toContain("恶意用户");
      // Counted now: c2 missed; should it be approved, every consumer of the day answered in time.
      const effect = row.locator('.appeal-effect[data-metric="human_reply_3min_rate"]');
      expect(await effect.textContent()).toMatch(/^人工3分钟回复率: \d+(\.\d)?% → 100% \(若通过\)$/);
      const before = await tile(page).locator(".tile-value").textContent();
      expect(before).not.toBe("100%");
      expect(await board.streamAs(tokenB)).not.toContain(`KS-${run}`);

      await post([ev("exclusion.decided", clock, "c2", { ...appeal, decision: "approved" })]);
      await pollUntil(async () => (await tile(page).locator(".tile-value").textContent()) === "100%", {
        timeoutMs: 30_000,
        message: "the approved exclusion takes c2 out of the tile's value",
      });
      await page.locator("#appeals-empty").waitFor({ timeout: 30_000 });
    },
  );
});
