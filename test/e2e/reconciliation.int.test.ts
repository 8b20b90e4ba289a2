import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Reconciliation as ReconciliationConfig } from "@sg/config";
import type { AlertRecord, CanonicalEvent, ReconciliationReport, Topics } from "@sg/events";
import type { Producer } from "@sg/kafka";
import type { Processor } from "@sg/processor";
import type { Redis } from "@sg/redis";
import { itemAliases, parseFiguresFile, storeImportedFigures } from "@sg/figures";
import { createDouyinSource, createKuaishouSource, createReconciler, createReconcilerMetrics } from "@sg/reconciler";
import { Registry } from "prom-client";
import { startFakeDouyin, startFakeKuaishou, type FakePlatform } from "../../services/reconciler/testing/fake-platforms.js";
import { createGateway, createProjectionReader } from "@sg/gateway";
import { createDayEndReader } from "@sg/events/runtime";
import { recordingLogger, recordingSink } from "../../services/gateway/testing/test-support.js";
import { pollUntil } from "../src/index.js";
import { testPipeline, type TestPipeline } from "../../services/processor/src/testing/test-processor.js";

const DAY = "2026-03-02";
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

/**
 * A replayed day through the real pipeline (Kafka → processor → day-end values in Redis), then the
 * reconciler against fake Douyin and Kuaishou servers that check every signature with python3's vector.
 */
describe("reconciliation with the platforms' figures", () => {
  let pipe: TestPipeline;
  let redis: Redis;
  let producer: Producer;
  let processor: Processor;
  let topics: Topics;
  let run: string;
  let clock = Date.parse("2026-03-02T23:00:00+08:00");
  let douyin: FakePlatform;
  let kuaishou: FakePlatform;
  let alerts: AlertRecord[] = [];

  const order = (shopId: string, id: string, paid: string, picked: string): CanonicalEvent[] =>
    [
      { id: `${shopId}-${id}-p`, type: "order.paid", platform: "douyin", shopId, at: `${DAY}T${paid}+08:00`, orderId: id },
      { id: `${shopId}-${id}-u`, type: "logistics.picked_up", platform: "douyin", shopId, at: `${DAY}T${picked}+08:00`, orderId: id },
    ] as unknown as CanonicalEvent[];

  beforeAll(async () => {
    pipe = await testPipeline("recon", { partitions: 1 });
    ({ run, topics, redis, producer } = pipe);
    alerts = (await pipe.readAlerts()).records;
    processor = await pipe.startTestProcessor({ clock: () => clock, log: quiet, dayEnd: { settleMs: 3_600_000 } });
    // m1: three orders picked up on time. w1: the same day with order C's events withheld from ScoreGuard.
    const all = [
      ...order("m1", "A", "09:00:00", "12:00:00"),
      ...order("m1", "B", "10:00:00", "13:00:00"),
      ...order("m1", "C", "11:00:00", "14:00:00"),
      ...order("w1", "A", "09:00:00", "12:00:00"),
      ...order("w1", "B", "10:00:00", "13:00:00"),
      ...order("o1", "A", "09:00:00", "12:00:00"),
      ...(["X", "Y"].map((id) => ({
        id: `p1-${id}`,
        type: "order.paid",
        platform: "pdd",
        shopId: "p1",
        at: `${DAY}T10:00:00+08:00`,
        orderId: id,
      })) as unknown as CanonicalEvent[]),
    ];
    await pipe.send(all);
    await pipe.untilHandled(processor);
    await processor.flush();
    // After the settle delay: the day-end values of 2026-03-02 are taken (settled).
    clock = Date.parse("2026-03-03T03:00:00+08:00");
    await processor.flush();
    await pollUntil(
      async () => (await redis.hexists(`${run}:{douyin:w1}:dayend`, DAY)) + (await redis.hexists(`${run}:{pdd:p1}:dayend`, DAY)) === 2,
      {
        message: "day-end values taken",
      },
    );
    douyin = await startFakeDouyin({ appKey: "dy-app", appSecret: "dy-secret" });
    kuaishou = await startFakeKuaishou({ appKey: "ks-app", signSecret: "ks-secret" });
  }, 180_000);

  afterAll(async () => {
    await pipe?.close();
    await douyin?.close();
    await kuaishou?.close();
  });

  const platformDay = (n: number) => ({
    collect_ontime_rate: { value: 1, numerator: n, denominator: n },
    prod_dsr: { value: 4.8, score: 90 },
  });

  it("match, drift with the count difference, an outage reported missing then retried, a drift alert and counter", async () => {
    douyin.days.set(`m1|${DAY}`, { data: platformDay(3) });
    douyin.days.set(`w1|${DAY}`, { data: platformDay(3) });
    douyin.days.set(`o1|${DAY}`, { outage: true });
    const config = ReconciliationConfig.parse({
      douyin: {
        appKey: "dy-app",
        appSecret: "dy-secret",
        host: douyin.url,
        pullAt: "10:00",
        shops: { m1: { accessToken: "token-m1" }, w1: { accessToken: "token-w1" }, o1: { accessToken: "token-o1" } },
      },
      backoff: "1m",
      // The fake computes each expected signature by starting python3: seconds on a loaded machine.
      timeout: "60s",
    });
    const registry = new Registry();
    const metrics = createReconcilerMetrics(registry);
    const rec = createReconciler({
      redis,
      keyPrefix: run,
      config,
      clock: () => clock,
      log: quiet,
      metrics,
      alerts: { producer, topic: topics.alerts },
      random: () => 0,
    });

    // Before the configured pull time nothing is pulled.
    clock = Date.parse("2026-03-03T09:59:00+08:00");
    await rec.tick();
    expect(douyin.accepted).toBe(0);

    clock = Date.parse("2026-03-03T10:05:00+08:00");
    await rec.tick();
    const report = async (shopId: string) => (await rec.store.report({ platform: "douyin", shopId }, DAY))!;
    const m1 = await report("m1");
    expect(m1.figures).toMatchObject({ status: "received", attempts: 1 });
    expect(m1.packs).toEqual({ platform: null, ours: "douyin@2023-06" });
    expect(m1.ours?.take).toBe("settled");
    const line = (r: ReconciliationReport, item: string) => r.lines.find((l) => l.item === item);
    expect(line(m1, "pickup_24h_rate")).toMatchObject({
      status: "match",
      platform: 1,
      ours: 1,
      counts: { platformDenominator: 3, oursDenominator: 3 },
    });
    expect(line(m1, "product_rating")).toMatchObject({ status: "unknown" }); // an indicator douyin@2023-06 does not compute
    expect(m1.summary).toMatchObject({ compared: 1, match: 1, drift: 0 });

    const w1 = await report("w1");
    expect(line(w1, "pickup_24h_rate")).toMatchObject({
      status: "drift",
      counts: { platformNumerator: 3, oursNumerator: 2, platformDenominator: 3, oursDenominator: 2 },
    });
    expect(line(w1, "pickup_24h_rate")?.explanation).toContain(
      "platform counted 3 orders due for pickup, we saw 2: 1 order's events are missing",
    );
    expect(w1.causes[0]).toContain("events missing from ScoreGuard's feed");

    // The outage: reported missing with the next retry, not fatal; the other shops went on.
    const o1 = await report("o1");
    expect(o1.figures).toMatchObject({ status: "missing", attempts: 1, reason: "HTTP 503", nextRetryAtMs: clock + 60_000 });
    expect(o1.lines.every((l) => l.status === "missing")).toBe(true);
    expect(douyin.outages).toBe(1);
    // Not before the backoff: no second request.
    await rec.tick();
    expect(douyin.outages).toBe(1);
    // The platform is back; after the backoff the retry succeeds.
    douyin.days.set(`o1|${DAY}`, { data: platformDay(1) });
    clock += 61_000;
    await rec.tick();
    const o1b = await report("o1");
    expect(o1b.figures).toMatchObject({ status: "received", attempts: 2 });
    expect(line(o1b, "pickup_24h_rate")).toMatchObject({ status: "match" });
    expect(douyin.refused).toBe(0);

    // One drift counted by platform and item, no shop label; a second comparison does not count it again.
    await rec.reconcile({ platform: "douyin", shopId: "w1" }, DAY);
    const text = await registry.metrics();
    expect(text).toContain('sg_reconciliation_drifts_total{platform="douyin",metric="pickup_24h_rate"} 1');
    expect(text).not.toContain("w1");
    const drift = await pollUntil(() => alerts.find((a) => a.kind === "reconciliation_drift" && a.shopId === "w1"), {
      message: "drift alert",
    });
    expect(drift).toMatchObject({ status: "firing", severity: "warning", metric: "reconciliation", value: 1 });
    // The alert names the day and the drifting item with both figures, for the notifier's message.
    expect(drift.reconciliation).toMatchObject({ day: DAY, drift: 1, items: [{ item: "pickup_24h_rate", kind: "metric", unit: "ratio" }] });
    expect(alerts.some((a) => a.kind === "reconciliation_drift" && a.shopId === "m1")).toBe(false);
  });

  it("a wrong signature is refused by the fake Douyin and the figures stay missing, not retried", async () => {
    const before = douyin.refused;
    const cfg = ReconciliationConfig.parse({
      douyin: { appKey: "dy-app", appSecret: "not-the-secret", host: douyin.url, shops: { m1: { accessToken: "token-m1" } } },
    }).douyin!;
    const bad = createDouyinSource(cfg, 60_000);
    await expect(bad.pull("m1", DAY, clock)).rejects.toMatchObject({
      name: "PullError",
      retriable: false,
      message: "douyin: platform error 30001",
    });
    expect(douyin.refused).toBe(before + 1);
  });

  it("Kuaishou: a signed pull is accepted and compared (its score is unknown to ScoreGuard); a wrong signature is refused", async () => {
    kuaishou.days.set(`k1|${DAY}`, { data: { overall_score: 95.5, product_score: 96 } });
    const config = ReconciliationConfig.parse({
      kuaishou: {
        appKey: "ks-app",
        signSecret: "ks-secret",
        host: kuaishou.url,
        pullAt: "09:00",
        shops: { k1: { accessToken: "token-k1" } },
      },
      timeout: "60s",
    });
    const rec = createReconciler({ redis, keyPrefix: run, config, clock: () => clock, log: quiet });
    await rec.tick();
    expect(kuaishou.accepted).toBe(1);
    const r = (await rec.store.report({ platform: "kuaishou", shopId: "k1" }, DAY))!;
    expect(r.figures.status).toBe("received");
    expect(r.lines.map((l) => [l.item, l.platform, l.status])).toEqual([
      ["score.total", 95.5, "unknown"],
      ["score.dimension.product", 96, "unknown"],
    ]);
    const bad = createKuaishouSource({ ...config.kuaishou!, signSecret: "wrong" }, 60_000);
    await expect(bad.pull("k1", DAY, clock)).rejects.toMatchObject({ retriable: false, message: "kuaishou: platform error 10001" });
    expect(kuaishou.refused).toBe(1);
  });

  it("imported figures (CSV) are compared at the next pass; the counts show which side is short", async () => {
    const csv = "指标,值,分子,分母\n平台求助率,0.00%,0,3\n";
    const figures = await parseFiguresFile(Buffer.from(csv), {
      platform: "pdd",
      shopId: "p1",
      day: DAY,
      nowMs: clock,
      aliases: itemAliases("pdd"),
    });
    // A Chinese title names the pack's item: 平台求助率 is pdd@2026's platform_help_rate.
    expect(Object.keys(figures.items)).toEqual(["platform_help_rate"]);
    const direct = await parseFiguresFile(Buffer.from("item,value,numerator,denominator\nintervention_rate,0,0,3\n"), {
      platform: "pdd",
      shopId: "p1",
      day: DAY,
      nowMs: clock,
    });
    await storeImportedFigures(redis, run, direct, clock);
    const rec = createReconciler({ redis, keyPrefix: run, config: ReconciliationConfig.parse({}), clock: () => clock, log: quiet });
    await rec.tick();
    const r = (await rec.store.report({ platform: "pdd", shopId: "p1" }, DAY))!;
    expect(r.figures).toMatchObject({ status: "received", source: "import" });
    expect(r.lines).toEqual([
      expect.objectContaining({
        item: "intervention_rate",
        status: "drift",
        platform: 0,
        ours: 0,
        counts: { platformNumerator: 0, oursNumerator: 0, platformDenominator: 3, oursDenominator: 2 },
      }),
    ]);
    expect(r.lines[0]!.explanation).toBe("platform counted 3 paid orders, we saw 2: 1 order's events are missing");
    expect(await redis.zcard(`${run}:recon:requests`)).toBe(0);
  });
  it("the read API serves the same day-end values as the metric's history, scoped by token", async () => {
    const token = "tok-history-w1-0123456789";
    const gw = createGateway({
      config: { apiTokens: [{ token, shops: ["douyin:w1"] }], platforms: {} },
      sink: recordingSink(),
      registry: new Registry(),
      logger: recordingLogger(),
      snapshots: createProjectionReader(redis, run),
      history: createDayEndReader(redis, run),
      now: () => clock,
    });
    try {
      const get = (url: string) => gw.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } });
      const res = await get("/v1/shops/douyin/w1/metrics/pickup_24h_rate/history?days=7");
      expect(res.statusCode).toBe(200);
      // The day before DAY was taken too (missed days are filled at their own cut-off): no orders, no data.
      // w1 saw two orders paid on DAY, both picked up within 24 h: 2 of 2, as the reconciliation compared.
      expect(res.json().days).toEqual([
        { day: "2026-03-01", value: null, numerator: 0, denominator: 0, status: "no_data", rulePack: "douyin@2023-06" },
        { day: DAY, value: 1, numerator: 2, denominator: 2, status: "ok", rulePack: "douyin@2023-06" },
      ]);
      expect((await get("/v1/shops/douyin/m1/metrics/pickup_24h_rate/history")).statusCode).toBe(403);
      expect((await get("/v1/shops/douyin/w1/metrics/no_such_metric/history")).statusCode).toBe(404);
    } finally {
      await gw.close();
    }
  });
});
