// Hostile tenants: one shop's batch must never stop a partition. Twelve concurrent requests of 1,000
// after-sale requests each for one shop (distinct after-sales and orders) once made loadEntities.lua's HMGET
// too large for Lua ("too many results to unpack"): the batch failed forever, the consumer crashed again and
// again, and a shop of another tenant on the same partition was answered 202 and never became visible.
import { Partitioners } from "@sg/kafka";
import { createProcessor, createSnapshotReader, type Processor } from "@sg/processor";
import { createRedis, type Redis } from "@sg/redis";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway, type Gateway } from "@sg/gateway";
import { createSilenceStore } from "@sg/events/runtime";
import { kafkaFixture, type KafkaFixture, type TopicReader } from "../../services/gateway/testing/int-support.js";
import { BASE_CONFIG, TOKENS, recordingLogger } from "../../services/gateway/testing/test-support.js";
import { pollUntil, testInfra, uniqueName } from "../src/index.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const PARTITIONS = 3; // kafkaFixture's sg.events

/** The partition the gateway's producer (kafkajs's default, Java-compatible partitioner) picks for a key. */
function partitionOf(key: string): number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, i) => ({
    partitionErrorCode: 0,
    partitionId: i,
    leader: 0,
    replicas: [0],
    isr: [0],
    offlineReplicas: [],
  }));
  return partitioner({ topic: "t", partitionMetadata, message: { key, value: null } });
}

/** A shop id on the same partition as `key`. */
function neighbourOf(key: string, platform: string, prefix: string): string {
  for (let i = 0; ; i++) if (partitionOf(`${platform}:${prefix}${i}`) === partitionOf(key)) return `${prefix}${i}`;
}

interface Run {
  fx: KafkaFixture;
  redis: Redis;
  processor: Processor;
  gw: Gateway;
  dlq: TopicReader;
  now: number;
  stop(): Promise<void>;
}

async function startRun(
  name: string,
  opts: { poison?: string[]; deferStart?: boolean; quotas?: { shopLiveEntities: number } } = {},
): Promise<Run> {
  const fx = await kafkaFixture(name);
  const keyPrefix = uniqueName(`sg-${name}`);
  const redis = createRedis(testInfra().redisUrl);
  const now = Date.now();
  const processor = createProcessor({
    kafka: fx.kafka,
    redis,
    topics: fx.topics,
    keyPrefix,
    groupId: uniqueName(`${name}-processor`),
    clock: () => now,
    config: opts.quotas ? { quotas: opts.quotas } : {},
    log: quiet,
    tickMs: 0,
    ...(opts.poison ? { testPoisonShops: new Set(opts.poison) } : {}),
  });
  if (!opts.deferStart) await processor.start();
  const gw = createGateway({
    config: BASE_CONFIG,
    sink: fx.sink,
    registry: new Registry(),
    logger: recordingLogger(),
    snapshots: createSnapshotReader({ redis, keyPrefix, config: {}, now: () => now }),
    silences: createSilenceStore(redis, keyPrefix),
    now: () => now,
  });
  const dlq = await fx.read(fx.topics.dlq);
  return {
    fx,
    redis,
    processor,
    gw,
    dlq,
    now,
    async stop() {
      await gw.close();
      await processor.stop();
      await fx.close();
      await redis.quit();
    },
  };
}

const auth = { authorization: `Bearer ${TOKENS.all}`, "content-type": "application/json" };
const iso = (ms: number) => new Date(ms).toISOString();

/** Short ids and values: as many records as possible fit one fetch, so one batch holds thousands of the shop's after-sales. */
function poisonRequest(shopId: string, n: number, at: number, tag: string) {
  return Array.from({ length: n }, (_, i) => ({
    id: `${tag}${i}`,
    type: "aftersale.requested",
    platform: "pdd",
    shopId,
    at: iso(at),
    afterSaleId: `${tag}${i}`,
    orderId: `${tag}${i}`,
    kind: "refund_only",
    reason: "quality",
    afterShipment: false,
  }));
}

/**
 * Posts the bodies concurrently, as a client would: a 503 (Kafka did not acknowledge within the gateway's
 * produce timeout, as happens on a loaded two-core machine with 12 MB in flight) is sent again after its
 * Retry-After; the processor deduplicates by id. Resolves with each body's final status.
 */
async function postAll(gw: Gateway, bodies: unknown[]): Promise<number[]> {
  return Promise.all(
    bodies.map(async (b) => {
      for (let attempt = 0; ; attempt++) {
        const r = await gw.app.inject({ method: "POST", url: "/v1/events", headers: auth, payload: JSON.stringify(b) });
        if (r.statusCode !== 503 || attempt >= 5) return r.statusCode;
        await new Promise((res) => setTimeout(res, 1000));
      }
    }),
  );
}

/** The victim's order, paid a minute ago: visible as pending pickup once applied and evaluated. */
function victimOrder(shopId: string, at: number) {
  return { id: uniqueName("victim"), type: "order.paid", platform: "jd", shopId, at: iso(at), orderId: "V1" };
}

async function victimVisible(run: Run, shopId: string, sentAt: number): Promise<number> {
  await pollUntil(
    async () => {
      await run.processor.flush();
      const res = await run.gw.app.inject({ method: "GET", url: `/v1/shops/jd/${shopId}/metrics`, headers: auth });
      return res.statusCode === 200;
    },
    { timeoutMs: 10_000, intervalMs: 100, message: `the victim jd:${shopId} applied within 10 s` },
  );
  return Date.now() - sentAt;
}

describe("hostile tenants: one shop's batch cannot stall a partition", () => {
  let run: Run;
  beforeAll(async () => {
    // The processor starts once the backlog is in Kafka, as after an outage or a deploy: its first fetches
    // are full (about 1 MB a partition, thousands of the shop's records in one batch).
    run = await startRun("stall", { deferStart: true });
  });
  afterAll(async () => {
    await run?.stop();
  });

  it("applies 12 concurrent requests of 1,000 after-sales for one shop, and a victim on the same partition within 10 s", async () => {
    const poison = `p${Math.random().toString(36).slice(2, 8)}`;
    const victim = neighbourOf(`pdd:${poison}`, "jd", uniqueName("victim"));
    expect(partitionOf(`jd:${victim}`)).toBe(partitionOf(`pdd:${poison}`));
    const at = run.now - 60 * 60_000;
    const statuses = await postAll(
      run.gw,
      Array.from({ length: 12 }, (_, r) => poisonRequest(poison, 1000, at, String.fromCharCode(97 + r))),
    );
    expect(statuses).toEqual(Array(12).fill(202));
    expect(await postAll(run.gw, [victimOrder(victim, run.now - 60_000)])).toEqual([202]);
    const sentAt = Date.now();
    await run.processor.start();
    const took = await victimVisible(run, victim, sentAt);
    expect(took).toBeLessThan(10_000);
    // Every one of the poison shop's 12,000 after-sales was applied: 12,000 refunds await the merchant.
    const snap = await pollUntil(
      async () => {
        await run.processor.flush();
        const res = await run.gw.app.inject({ method: "GET", url: `/v1/shops/pdd/${poison}/metrics`, headers: auth });
        if (res.statusCode !== 200) return undefined;
        const body = res.json<{ metrics: Record<string, { pending?: number }> }>();
        const pending = Math.max(...Object.values(body.metrics).map((m) => m.pending ?? 0));
        return pending === 12_000 ? body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, message: "the poison shop's 12,000 after-sales applied" },
    );
    expect(snap).toBeTruthy();
    expect(run.dlq.records).toHaveLength(0);
  });
});

describe("hostile tenants: a shop whose events keep failing is quarantined, and the partition moves on", () => {
  const poison = uniqueName("planted");
  let run: Run;
  beforeAll(async () => {
    run = await startRun("quarantine", { poison: [`pdd:${poison}`] });
  });
  afterAll(async () => {
    await run?.stop();
  });

  it("sends the poison shop's events to the dead-letter topic with kind quarantined and a reason, and applies the victim within 10 s", async () => {
    const victim = neighbourOf(`pdd:${poison}`, "jd", uniqueName("victim"));
    const at = run.now - 60 * 60_000;
    const sentAt = Date.now();
    const statuses = await postAll(run.gw, [poisonRequest(poison, 50, at, "q"), [victimOrder(victim, run.now - 60_000)]]);
    expect(statuses).toEqual([202, 202]);
    const took = await victimVisible(run, victim, sentAt);
    expect(took).toBeLessThan(10_000);
    await run.dlq.atLeast(50);
    const letters = run.dlq.records.map((r) => ({
      headers: r.headers,
      body: JSON.parse(r.value) as { kind: string; reason: string; value: string },
    }));
    expect(letters).toHaveLength(50);
    for (const l of letters) {
      expect(l.body.kind).toBe("quarantined");
      expect(l.headers.kind).toBe("quarantined");
      expect(l.body.reason).toMatch(/^quarantined: .*planted poison/);
      // The original record, whole, so it can be sent again once the fault is fixed.
      expect(JSON.parse(l.body.value)).toMatchObject({ platform: "pdd", shopId: poison, type: "aftersale.requested" });
    }
    // The partition advanced past the quarantined records: no lag is left on it.
    await pollUntil(() => run.processor.progress.lagOf(partitionOf(`pdd:${poison}`)) === 0, { message: "the partition's lag back to 0" });
    const lags = run.processor.progress.partitions().map((p) => [p, run.processor.progress.lagOf(p)]);
    expect(run.processor.progress.stalled(0), JSON.stringify({ lags, poisonPartition: partitionOf(`pdd:${poison}`) })).toEqual([]);
  });
});

describe("hostile tenants: a shop past its live-entity quota", () => {
  let run: Run;
  beforeAll(async () => {
    run = await startRun("quota", { quotas: { shopLiveEntities: 100 } });
  });
  afterAll(async () => {
    await run?.stop();
  });

  it("dead-letters the events that would add entities past the quota with kind quota, and still applies events of entities it holds", async () => {
    const shopId = uniqueName("greedy");
    const at = run.now - 60 * 60_000;
    // 150 after-sale requests, each a new after-sale and a new order: 50 fit in 100 live entities.
    expect(await postAll(run.gw, [poisonRequest(shopId, 150, at, "g")])).toEqual([202]);
    await run.dlq.atLeast(100);
    const letters = run.dlq.records.map((r) => JSON.parse(r.value) as { kind: string; reason: string; value: string });
    expect(letters).toHaveLength(100);
    for (const l of letters) {
      expect(l.kind).toBe("quota");
      expect(l.reason).toContain("quotas.shopLiveEntities");
    }
    const refusedIds = new Set(letters.map((l) => (JSON.parse(l.value) as { id: string }).id));
    expect([...refusedIds].sort()).toEqual(Array.from({ length: 100 }, (_, i) => `g${i + 50}`).sort());
    // The merchant acts on an after-sale the shop holds: applied, whatever the quota.
    const act = {
      id: uniqueName("act"),
      type: "aftersale.merchant_acted",
      platform: "pdd",
      shopId,
      at: iso(at + 60_000),
      afterSaleId: "g0",
      decision: "agree",
    };
    expect(await postAll(run.gw, [[act]])).toEqual([202]);
    await pollUntil(
      async () => {
        await run.processor.flush();
        const res = await run.gw.app.inject({ method: "GET", url: `/v1/shops/pdd/${shopId}/metrics`, headers: auth });
        if (res.statusCode !== 200) return false;
        const body = res.json<{ metrics: Record<string, { pending?: number }> }>();
        return Math.max(...Object.values(body.metrics).map((m) => m.pending ?? 0)) === 49;
      },
      { timeoutMs: 20_000, message: "49 after-sales pending: 50 admitted, one acted on" },
    );
    expect(run.dlq.records).toHaveLength(100);
  });
});
