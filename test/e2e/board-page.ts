// The board's browser tests' setup, in one place (test/e2e/board*.int.test.ts): the harness's Kafka and Redis
// under a unique key prefix, optionally a processor on the test's clock, the snapshot hub and the gateway
// serving /board, a real Chromium, and the steps every test takes on the page (sign in with a token, find a
// shop's card, read the SSE stream as another token).
import { createGateway, createProjectionReader, createSnapshotHub, type Gateway, type SnapshotHub } from "@sg/gateway";
import type { Processor } from "@sg/processor";
import { createEvidenceReader } from "@sg/events/runtime";
import { createRedis, type Redis } from "@sg/redis";
import type { Locator, Page } from "playwright-core";
import { Registry } from "prom-client";
import { expect } from "vitest";
import { testInfra, uniqueName } from "../src/index.js";
import { launchBrowser, type TestBrowser } from "../../services/gateway/testing/browser.js";
import { kafkaFixture, type KafkaFixture } from "../../services/gateway/testing/int-support.js";
import { recordingLogger } from "../../services/gateway/testing/test-support.js";
import type { ShopConfigSource } from "../../services/processor/src/shop-config.js";
import { startTestProcessor } from "../../services/processor/src/testing/test-processor.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

export interface BoardFixtureOptions {
  /** Names the run's topics, key prefix and groups. */
  name: string;
  apiTokens: { token: string; shops: string[] }[];
  /** The gateway's clock and, with `processor`, the processor's. */
  clock: () => number;
  /** A processor on the fixture's topics and key prefix, with this configuration (`{}`: the defaults). */
  processor?: { config: ShopConfigSource };
  /** The hub's per-shop overrides (a processor's `config.shops`). */
  overrides?: Parameters<typeof createSnapshotHub>[0]["overrides"];
  reconciliationRefreshMs?: number;
  heartbeatMs: number;
  /** Runs before the hub and gateway start (e.g. writes snapshots the board is to find). */
  before?: (redis: Redis, keyPrefix: string) => Promise<void>;
}

export interface BoardFixture {
  readonly fx: KafkaFixture;
  readonly redis: Redis;
  readonly keyPrefix: string;
  readonly processor: Processor | undefined;
  readonly browser: TestBrowser;
  /** The gateway's log lines (the current and any earlier gateway of this fixture). */
  readonly logger: ReturnType<typeof recordingLogger>;
  /** The gateway's port (the same across a restart). */
  readonly port: number;
  /** Starts the hub and gateway (again, after `stopGateway`). */
  startGateway(): Promise<void>;
  /** Stops them; `force` also closes idle keep-alive connections, which would hold close() for their timeout. */
  stopGateway(force?: boolean): Promise<void>;
  /** POSTs events to /v1/events as `token`; expects 202. */
  post(token: string, events: object[]): Promise<void>;
  /** A new page on /board, signed in with `token`. */
  openBoard(token: string): Promise<Page>;
  /** The card of `shopId` on `page`, once it shows. */
  shopCard(page: Page, shopId: string): Promise<Locator>;
  /** Reads /board/stream as `token` until `event: ready` and at least `minMs`, then closes it; the text read. */
  streamAs(token: string, minMs?: number): Promise<string>;
  close(): Promise<void>;
}

export async function boardFixture(o: BoardFixtureOptions): Promise<BoardFixture> {
  const fx = await kafkaFixture(o.name);
  const keyPrefix = uniqueName(`sg-${o.name}`);
  const redis = createRedis(testInfra().redisUrl);
  const logger = recordingLogger();
  const processor = o.processor
    ? await startTestProcessor({
        kafka: fx.kafka,
        topics: fx.topics,
        redis,
        keyPrefix,
        groupId: uniqueName(`${o.name}-processor`),
        clock: o.clock,
        config: o.processor.config,
        log: quiet,
      })
    : undefined;
  await o.before?.(redis, keyPrefix);
  let gw: Gateway | undefined;
  let hub: SnapshotHub | undefined;
  let port = 0;
  const startGateway = async () => {
    hub = createSnapshotHub({
      redis,
      keyPrefix,
      overrides: o.overrides ?? {},
      logger,
      // Which day is "yesterday" for the tiles' history lines: the test's clock, not the wall clock.
      now: o.clock,
      ...(o.reconciliationRefreshMs === undefined ? {} : { reconciliationRefreshMs: o.reconciliationRefreshMs }),
    });
    gw = createGateway({
      config: { apiTokens: o.apiTokens, platforms: {} },
      sink: fx.sink,
      registry: new Registry(),
      logger,
      snapshots: createProjectionReader(redis, keyPrefix),
      evidence: createEvidenceReader(redis, keyPrefix),
      now: o.clock,
      board: { hub, heartbeatMs: o.heartbeatMs },
    });
    port = await gw.listen(port, "127.0.0.1");
  };
  const stopGateway = async (force = false) => {
    const closing = gw?.close();
    if (force) gw?.app.server.closeAllConnections();
    await closing;
    await hub?.close();
  };
  await startGateway();
  const browser = await launchBrowser();
  return {
    fx,
    redis,
    keyPrefix,
    processor,
    browser,
    logger,
    get port() {
      return port;
    },
    startGateway,
    stopGateway,
    async post(token, events) {
      const res = await fetch(`http://127.0.0.1:${port}/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(events),
      });
      expect(res.status).toBe(202);
      await res.text();
    },
    async openBoard(token) {
      const page = await browser.context.newPage();
      await page.goto(`http://127.0.0.1:${port}/board`);
      await page.fill("#token", token);
      await page.click("#token-form button[type=submit]");
      return page;
    },
    async shopCard(page, shopId) {
      const card = page.locator(".shop-card").filter({ hasText: shopId });
      await card.waitFor({ timeout: 60_000 });
      return card;
    },
    async streamAs(token, minMs = 0) {
      const ctrl = new AbortController();
      const res = await fetch(`http://127.0.0.1:${port}/board/stream`, {
        headers: { authorization: `Bearer ${token}` },
        signal: ctrl.signal,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = "";
      const until = Date.now() + minMs;
      try {
        while (!text.includes("event: ready") || Date.now() < until) text += decoder.decode((await reader.read()).value, { stream: true });
      } finally {
        await reader.cancel();
        ctrl.abort();
      }
      return text;
    },
    async close() {
      await browser.close();
      await stopGateway(true).catch(() => undefined);
      await processor?.stop();
      await fx.close();
      await redis.quit();
    },
  };
}
