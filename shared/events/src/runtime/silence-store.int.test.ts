import { createRedis, type Redis } from "@sg/redis";
import { afterAll, describe, expect, it } from "vitest";
import { testInfra, uniqueName } from "../../../../test/src/index.js";
import { sharedKeys } from "../redis-keys.js";
import { SilenceInputError, SilenceLimitError } from "../silences/silence.js";
import { createSilenceStore } from "./silence-store.js";

describe("silence store", () => {
  const redis: Redis = createRedis(testInfra().redisUrl);
  afterAll(async () => {
    await redis.quit();
  });

  it("creates, lists, gets and removes silences under ${keyPrefix}:{silences}, dropping expired ones", async () => {
    const prefix = uniqueName("sgt");
    const k = sharedKeys(prefix).silence;
    let now = Date.parse("2026-11-20T10:00:00+08:00");
    const store = createSilenceStore(redis, prefix, { now: () => now });
    const a = await store.create({ matchers: [{ name: "shop", value: "kuaishou:s1" }], endsAt: now + 60_000, comment: "maintenance" });
    const b = await store.create({
      matchers: [{ name: "metric", value: "pickup_.*", isRegex: true }],
      startsAt: now + 1000,
      endsAt: now + 3600_000,
    });
    expect(await redis.hlen(k.data())).toBe(2);
    expect(await redis.smembers(k.shop("kuaishou:s1"))).toEqual([a.id]);
    expect(await redis.smembers(k.unpinned())).toEqual([b.id]);
    expect((await store.list()).map((s) => s.id)).toEqual([a.id, b.id]);
    expect(await store.get(a.id)).toEqual(a);
    now += 60_000; // a has ended
    expect(await store.get(a.id)).toBeNull();
    expect((await store.list()).map((s) => s.id)).toEqual([b.id]);
    // The sweep removed its record and every index entry.
    expect(await redis.hexists(k.data(), a.id)).toBe(0);
    expect(await redis.scard(k.shop("kuaishou:s1"))).toBe(0);
    expect(await redis.zscore(k.ends(), a.id)).toBeNull();
    expect(await store.remove(b.id)).toBe(true);
    expect(await store.remove(b.id)).toBe(false);
    expect(await redis.exists(k.unpinned(), k.data(), k.ends())).toBe(0);
    await expect(store.create({ matchers: [], endsAt: now + 1 })).rejects.toBeInstanceOf(SilenceInputError);
  });

  it("reads one shop's silences through its index: its own, its platform's and the unpinned ones, compiled", async () => {
    const prefix = uniqueName("sgt");
    const now = Date.parse("2026-11-20T10:00:00+08:00");
    const store = createSilenceStore(redis, prefix, { now: () => now });
    const endsAt = now + 3600_000;
    const own = await store.create({ matchers: [{ name: "shop", value: "douyin:77" }], endsAt });
    const bare = await store.create({
      matchers: [
        { name: "platform", value: "douyin" },
        { name: "shop", value: "77" },
      ],
      endsAt,
    });
    const platformWide = await store.create({ matchers: [{ name: "platform", value: "douyin" }], endsAt });
    const unpinned = await store.create({ matchers: [{ name: "severity", value: "warning" }], endsAt });
    await store.create({ matchers: [{ name: "shop", value: "douyin:78" }], endsAt });
    await store.create({ matchers: [{ name: "shop", value: "kuaishou:douyin:77" }], endsAt });
    await store.create({ matchers: [{ name: "platform", value: "kuaishou" }], endsAt });
    const ids = (await store.forShop("douyin", "77")).map((c) => c.silence.id).sort();
    expect(ids).toEqual([own.id, bare.id, platformWide.id, unpinned.id].sort());
    // A shop-scoped token sees its shop; a platform:* token every silence of its platform.
    const forShopToken = await store.listFor({ all: false, platforms: [], shops: ["douyin:77"] });
    expect(forShopToken.map((s) => s.id).sort()).toEqual([own.id, bare.id].sort());
    expect(await store.listFor({ all: false, platforms: ["douyin"], shops: [] })).toHaveLength(4);
    expect(await store.listFor({ all: true, platforms: [], shops: [] })).toHaveLength(7);
  });

  it("counts each owner's active and future silences: over its limit nothing is written; ended ones free room", async () => {
    const prefix = uniqueName("sgt");
    let now = Date.parse("2026-11-20T10:00:00+08:00");
    const store = createSilenceStore(redis, prefix, { now: () => now });
    const limits = { maxActive: 3, maxMatchers: 16, maxCommentBytes: 1024 };
    const make = (owner: string, endsIn: number) =>
      store.create({ matchers: [{ name: "shop", value: `douyin:${owner}` }], endsAt: now + endsIn }, { owner, limits });
    await make("a", 60_000);
    await make("a", 3600_000);
    await make("a", 3600_000);
    const refused = await make("a", 3600_000).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SilenceLimitError);
    expect((refused as SilenceLimitError).limit).toBe("silenceLimits.maxActive");
    expect(await redis.hlen(sharedKeys(prefix).silence.data())).toBe(3);
    // Another owner has its own count.
    await make("b", 3600_000);
    now += 60_000; // the first of a's has ended
    await make("a", 3600_000);
    await expect(make("a", 3600_000)).rejects.toBeInstanceOf(SilenceLimitError);
    // Removing one frees room at once.
    const [first] = await store.listFor({ all: false, platforms: [], shops: ["douyin:a"] });
    expect(await store.remove(first!.id)).toBe(true);
    await make("a", 3600_000);
  });

  it("concurrent creations by one owner never pass its limit", async () => {
    const prefix = uniqueName("sgt");
    const now = Date.now();
    const store = createSilenceStore(redis, prefix);
    const limits = { maxActive: 5, maxMatchers: 16, maxCommentBytes: 1024 };
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        store.create({ matchers: [{ name: "shop", value: "pdd:x" }], endsAt: now + 3600_000 }, { owner: "x", limits }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
    expect(results.filter((r) => r.status === "rejected" && r.reason instanceof SilenceLimitError)).toHaveLength(15);
  });

  it("moves the silences of the former single-hash layout into the index once, dropping ended and unreadable ones", async () => {
    const prefix = uniqueName("sgt");
    const now = Date.now();
    const live = {
      id: "old-1",
      matchers: [{ name: "shop", value: "jd:9" }],
      startsAt: "2026-01-01T00:00:00+08:00",
      endsAt: new Date(now + 3600_000).toISOString(),
    };
    const ended = { ...live, id: "old-2", endsAt: new Date(now - 1000).toISOString() };
    const nan = { ...live, id: "old-3", endsAt: "+010000-01-01T08:00:00.+08:00" }; // what year 10000 was stored as
    await redis.hset(sharedKeys(prefix).silences(), {
      [live.id]: JSON.stringify(live),
      [ended.id]: JSON.stringify(ended),
      [nan.id]: JSON.stringify(nan),
    });
    const store = createSilenceStore(redis, prefix);
    expect((await store.forShop("jd", "9")).map((c) => c.silence.id)).toEqual(["old-1"]);
    expect((await store.list()).map((s) => s.id)).toEqual(["old-1"]);
    expect(await redis.exists(sharedKeys(prefix).silences())).toBe(0);
    expect(await store.remove("old-1")).toBe(true);
  });
});
