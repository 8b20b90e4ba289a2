// The new-shop quota on the real Redis of the test harness: all or nothing per request, a shop counted once,
// known shops never counted, keys that expire, and an unreachable Redis that never stalls the intake.
import { createRedis, type RedisClient } from "@sg/redis";
import { pollUntil, testInfra, uniqueName } from "@sg/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KNOWN_TTL_SECONDS, createRedisNewShopQuota } from "./new-shop-quota.js";
import { secondsToNextShanghaiDay, shanghaiDay } from "./quota-day.js";

const NOW = Date.parse("2026-11-20T23:59:00+08:00");
const shop = (shopId: string) => ({ platform: "douyin" as const, shopId });

describe("createRedisNewShopQuota", () => {
  let redis: RedisClient;
  beforeAll(async () => {
    redis = createRedis(testInfra().redisUrl);
    await pollUntil(() => redis.status === "ready", { message: "redis ready" });
  });
  afterAll(() => redis.disconnect());

  it("admits new shops up to the limit, all or none per request, counting a shop once a day", async () => {
    const keyPrefix = uniqueName("sg-quota");
    const q = createRedisNewShopQuota({ redis, keyPrefix });
    expect(await q.admit("tokA", 3, [shop("a"), shop("b")], NOW)).toEqual({ ok: true });
    expect(await q.admit("tokA", 3, [shop("a"), shop("b")], NOW)).toEqual({ ok: true });
    expect(await q.admit("tokA", 3, [shop("c"), shop("d")], NOW)).toEqual({ ok: false, used: 2, fresh: [shop("c"), shop("d")] });
    expect(await q.admit("tokA", 3, [shop("c")], NOW)).toEqual({ ok: true });
    // Another token has its own quota; the next Shanghai day starts afresh.
    expect(await q.admit("tokB", 3, [shop("d")], NOW)).toEqual({ ok: true });
    expect(await q.admit("tokA", 3, [shop("d")], NOW + 60_000)).toEqual({ ok: true });
    const day = `${keyPrefix}:gateway:quota:{tokA}:new-shops:${shanghaiDay(NOW)}`;
    expect((await redis.smembers(day)).sort()).toEqual(["douyin:a", "douyin:b", "douyin:c"]);
    expect(await redis.ttl(day)).toBeGreaterThan(86_400);
    expect(await redis.ttl(day)).toBeLessThanOrEqual(2 * 86_400);
  });

  it("never counts a known shop, and keeps it known while it is active", async () => {
    const keyPrefix = uniqueName("sg-quota");
    const q = createRedisNewShopQuota({ redis, keyPrefix });
    await q.remember([shop("old-1"), shop("old-2")]);
    expect(await q.admit("tokA", 0, [shop("old-1"), shop("old-2")], NOW)).toEqual({ ok: true });
    expect(await q.admit("tokA", 0, [shop("old-1"), shop("new")], NOW)).toEqual({ ok: false, used: 0, fresh: [shop("new")] });
    const known = `${keyPrefix}:gateway:{douyin:old-1}:known`;
    expect(await redis.ttl(known)).toBeGreaterThan(KNOWN_TTL_SECONDS - 60);
  });

  it("admits unchecked, without waiting, when Redis is not reachable", async () => {
    const down = createRedis("redis://127.0.0.1:1", { lazyConnect: true, enableOfflineQueue: false }, () => undefined);
    try {
      const q = createRedisNewShopQuota({ redis: down, keyPrefix: "x" });
      const t0 = Date.now();
      expect(await q.admit("tokA", 0, [shop("a")], NOW)).toEqual({ ok: "unchecked" });
      await q.remember([shop("a")]);
      expect(Date.now() - t0).toBeLessThan(1_000);
    } finally {
      down.disconnect();
    }
  });

  it("tells the seconds to the next Asia/Shanghai midnight", () => {
    expect(secondsToNextShanghaiDay(NOW)).toBe(60);
    expect(secondsToNextShanghaiDay(Date.parse("2026-11-21T00:00:00+08:00"))).toBe(86_400);
    expect(shanghaiDay(Date.parse("2026-11-20T16:00:00Z"))).toBe("2026-11-21");
  });
});
