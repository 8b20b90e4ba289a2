// Hostile tenants at the gateway as main.ts runs it (real Kafka, real Redis, real HTTP from distinct loopback
// addresses): events the processor would dead-letter, token guessing, short tokens in production, shops
// created without limit, and a 快递100 push replayed onto another order. Each is refused at the door.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, loadScoreguardConfig } from "@sg/config";
import { startGatewayService, type GatewayService } from "@sg/gateway";
import { createLogger } from "@sg/logger";
import { createRedis, type RedisClient } from "@sg/redis";
import { pollUntil, testInfra, uniqueName } from "@sg/test";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kuaidi100CallbackUrl } from "../../services/gateway/src/adapters/kuaidi100/kuaidi100.adapter.js";
import { KUAIDI100_SALT, LINES, form, param } from "../../services/gateway/testing/kuaidi100.fixtures.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TOKEN_ALL = `tok-all-${"a".repeat(24)}`;
const TOKEN_DOUYIN = `tok-douyin-any-${"d".repeat(24)}`;
const NEW_SHOPS_PER_DAY = 3;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One keep-alive agent per source address, so each request really comes from that loopback address. */
const agents = new Map<string, Agent>();
function send(
  port: number,
  o: { method?: string; path: string; headers?: Record<string, string>; body?: string; from?: string },
): Promise<Answer> {
  const from = o.from ?? "127.0.0.1";
  let agent = agents.get(from);
  if (agent === undefined) {
    agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress: from });
    agents.set(from, agent);
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, method: o.method ?? "POST", path: o.path, headers: o.headers ?? {}, agent },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(o.body);
  });
}

const jsonAuth = (token: string) => ({ authorization: `Bearer ${token}`, "content-type": "application/json" });
const paid = (over: Record<string, unknown> = {}) => ({
  id: uniqueName("e"),
  type: "order.paid",
  platform: "douyin",
  shopId: "known-shop",
  at: new Date(Date.now() - 60_000).toISOString(),
  orderId: "o-1",
  ...over,
});

describe("hostile tenants at the gateway", () => {
  let svc: GatewayService;
  let redis: RedisClient;
  let keyPrefix: string;
  let metrics: () => Promise<string>;
  const post = (body: unknown, token = TOKEN_ALL, from?: string) =>
    send(svc.port, { path: "/v1/events", headers: jsonAuth(token), body: JSON.stringify(body), ...(from === undefined ? {} : { from }) });

  beforeAll(async () => {
    const { brokers, redisUrl } = testInfra();
    keyPrefix = uniqueName("sg-guards");
    redis = createRedis(redisUrl);
    svc = await startGatewayService({
      brokers,
      redisUrl,
      topicPrefix: `${uniqueName("gw-guards")}.`,
      keyPrefix,
      eventsPartitions: 1,
      // The first produce to fresh topics waits for their leaders; a shared machine can take seconds.
      produceTimeoutMs: 30_000,
      port: 0,
      opsPort: 0,
      config: {
        apiTokens: [
          { token: TOKEN_ALL, shops: ["*"] },
          { token: TOKEN_DOUYIN, shops: ["douyin:*", "douyin:listed-shop"], newShopsPerDay: NEW_SHOPS_PER_DAY },
        ],
        platforms: { kuaidi100: { salt: KUAIDI100_SALT } },
        shops: {},
      },
      logger: createLogger({ name: "gateway-guards", level: "silent" }),
      registry: new Registry(),
    });
    metrics = async () => (await fetch(`http://127.0.0.1:${svc.opsPort}/metrics`)).text();
    await pollUntil(async () => (await fetch(`http://127.0.0.1:${svc.opsPort}/readyz`)).status === 200, {
      timeoutMs: 30_000,
      message: "ready",
    });
    // Warm up the producer from an address of its own (the tests below count from zero per source).
    await pollUntil(async () => (await post(paid(), TOKEN_ALL, "127.0.0.9")).status === 202, {
      timeoutMs: 60_000,
      message: "first produce",
    });
  }, 120_000);
  afterAll(async () => {
    for (const a of agents.values()) a.destroy();
    await svc?.stop();
    redis?.disconnect();
  });

  it("refuses events dated 2020 (older than the processor's retention) with 400 naming at, producing nothing", async () => {
    const batch = Array.from({ length: 1_000 }, (_, i) => paid({ orderId: `o-${i}`, at: "2020-03-01T10:00:00+08:00" }));
    const res = await post(batch);
    expect(res.status).toBe(400);
    const body = JSON.parse(res.body) as { error: string; problems: Array<{ index: number; field: string; reason: string }> };
    expect(body.error).toBe("invalid_event");
    expect(body.problems).toHaveLength(1_000);
    expect(new Set(body.problems.map((p) => p.field))).toEqual(new Set(["at"]));
    expect(body.problems[0]?.reason).toContain("older than the retention (90 days)");
    expect(await metrics()).toContain('sg_gateway_events_produced_total{source="api"} 1\n');
  });

  it("answers 2,000 unknown-token guesses with 429 and Retry-After after the limit; a valid token from another address still works", async () => {
    const statuses: Record<number, number> = {};
    let firstLimited = -1;
    let retryAfter: string | undefined;
    const t0 = Date.now();
    for (let i = 0; i < 2_000; i++) {
      const res = await post(paid(), `guess-${i}-${"x".repeat(30)}`, "127.0.0.3");
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 429 && firstLimited < 0) {
        firstLimited = i;
        retryAfter = String(res.headers["retry-after"]);
      }
      if (i % 250 === 0) expect((await post(paid(), TOKEN_ALL, "127.0.0.2")).status).toBe(202);
    }
    // A burst of 20, then one guess every 5 s as the bucket refills (the loop takes a few seconds).
    const started = Date.now() - t0;
    expect(Object.keys(statuses).sort()).toEqual(["401", "429"]);
    expect(statuses[401]).toBeGreaterThanOrEqual(20);
    expect(statuses[401]).toBeLessThanOrEqual(20 + Math.ceil(started / 5_000));
    expect(firstLimited).toBe(20);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // The valid token, from another address, after the flood; from the guessing address, a right guess is
    // answered like a wrong one.
    expect((await post(paid(), TOKEN_ALL, "127.0.0.2")).status).toBe(202);
    expect((await post(paid(), TOKEN_DOUYIN, "127.0.0.3")).status).toBe(429);
    statuses[429] = (statuses[429] ?? 0) + 1;
    const text = await metrics();
    expect(text).toContain(`sg_gateway_refusals_total{route="/v1/events",reason="unknown_token"} ${statuses[401]}\n`);
    expect(text).toContain(`sg_gateway_refusals_total{route="/v1/events",reason="rate_limited"} ${statuses[429]}\n`);
  });

  it("refuses to start with a short token in a configuration that is not marked development, naming the path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-guards-"));
    const configPath = join(dir, "scoreguard.yaml");
    writeFileSync(configPath, 'apiTokens:\n  - { token: "dev-token", shops: ["*"] }\n');
    expect(() => loadScoreguardConfig(configPath)).toThrow(ConfigError);
    const { brokers, redisUrl } = testInfra();
    const started = await new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "services/gateway/src/main.ts")], {
        cwd: ROOT,
        env: {
          ...process.env,
          SCOREGUARD_CONFIG: configPath,
          KAFKA_BROKERS: brokers.join(","),
          REDIS_URL: redisUrl,
          GATEWAY_PORT: "0",
          GATEWAY_OPS_PORT: "0",
          TOPIC_PREFIX: `${uniqueName("gw-short")}.`,
          KEY_PREFIX: uniqueName("sg-short"),
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      let stdout = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`the gateway did not exit: ${stdout}${stderr}`));
      }, 60_000);
      child.on("exit", (code) => {
        clearTimeout(timer);
        resolve({ code, stderr, stdout });
      });
    });
    const output = started.stderr + started.stdout;
    expect(started.code, output).not.toBe(0);
    expect(output).toContain("apiTokens[0].token: must be at least 24 characters");
    expect(output).not.toContain("dev-token");
    // The same file marked as a development configuration loads.
    writeFileSync(configPath, 'development: true\napiTokens:\n  - { token: "dev-token", shops: ["*"] }\n');
    expect(loadScoreguardConfig(configPath).apiTokens).toHaveLength(1);
  }, 90_000);

  it("answers 429 naming the quota for a new shop beyond a platform:* token's daily quota, with bounded, expiring keys", async () => {
    const run = uniqueName("q");
    for (let i = 1; i <= NEW_SHOPS_PER_DAY; i++) {
      expect((await post([paid({ shopId: `${run}-${i}` }), paid({ shopId: `${run}-${i}`, orderId: "o-2" })], TOKEN_DOUYIN)).status).toBe(
        202,
      );
    }
    const beyond = await post([paid({ shopId: `${run}-1` }), paid({ shopId: `${run}-4` })], TOKEN_DOUYIN);
    expect(beyond.status).toBe(429);
    expect(Number(beyond.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(Number(beyond.headers["retry-after"])).toBeLessThanOrEqual(86_400);
    expect(JSON.parse(beyond.body)).toMatchObject({
      error: "quota_exceeded",
      quota: "newShopsPerDay",
      limit: NEW_SHOPS_PER_DAY,
      used: NEW_SHOPS_PER_DAY,
      problems: [{ index: 1, field: "shopId", reason: `a new shop beyond the quota newShopsPerDay (${NEW_SHOPS_PER_DAY})` }],
    });
    expect(beyond.body).toContain("newShopsPerDay");
    // Shops it already created, and the shop it lists by name, still take events; so does another token.
    expect((await post(paid({ shopId: `${run}-2` }), TOKEN_DOUYIN)).status).toBe(202);
    expect((await post(paid({ shopId: "listed-shop" }), TOKEN_DOUYIN)).status).toBe(202);
    expect((await post(paid({ shopId: `${run}-4` }), TOKEN_ALL)).status).toBe(202);
    // Once another token created it, the shop is known: not new for this one either.
    expect((await post(paid({ shopId: `${run}-4` }), TOKEN_DOUYIN)).status).toBe(202);
    expect((await post(paid({ shopId: `${run}-5` }), TOKEN_DOUYIN)).status).toBe(429);
    expect(await metrics()).toMatch(/sg_gateway_quota_reached_total\{quota="new_shops_per_day"\} 2\b/);

    // Every key the quota wrote expires, and the day's set holds no more than the quota.
    const keys = await redis.keys(`${keyPrefix}:gateway:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(await redis.ttl(k), k).toBeGreaterThan(0);
    const daySets = keys.filter((k) => k.includes(":new-shops:"));
    expect(daySets.length).toBeGreaterThan(0);
    for (const k of daySets) expect(await redis.scard(k)).toBeLessThanOrEqual(NEW_SHOPS_PER_DAY);
  });

  it("refuses a captured 快递100 push replayed onto another order's callback, producing nothing", async () => {
    const produced = async () => Number(/sg_gateway_events_produced_total\{source="kuaidi100"\} (\d+)/.exec(await metrics())?.[1] ?? "0");
    const order = { platform: "douyin" as const, shopId: "kd-shop", orderId: "order-A" };
    const own = kuaidi100CallbackUrl("/webhooks/kuaidi100", KUAIDI100_SALT, { ...order, com: "yuantong", nu: "YT9876543210123" });
    const victim = kuaidi100CallbackUrl("/webhooks/kuaidi100", KUAIDI100_SALT, {
      ...order,
      orderId: "order-B",
      com: "yuantong",
      nu: "YT5555555555555",
    });
    const captured = form(param("3", [LINES.signed, LINES.collected]));
    const headers = { "content-type": "application/x-www-form-urlencoded" };
    const replayed = await send(svc.port, { path: victim, headers, body: captured });
    expect(replayed.status).toBe(401);
    expect(JSON.parse(replayed.body)).toMatchObject({ result: false, returnCode: "401" });
    expect(await produced()).toBe(0);
    // The push on its own order's callback is taken.
    const genuine = await send(svc.port, { path: own, headers, body: captured });
    expect(genuine.status).toBe(200);
    expect(await produced()).toBe(2);
  });
});
