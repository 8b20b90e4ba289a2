import { createRedis, type Redis } from "@sg/redis";
import { afterAll, describe, expect, it } from "vitest";
import { testInfra, uniqueName } from "../../../../test/src/index.js";
import { SilenceInputError } from "../silences/silence.js";
import { createSilenceStore } from "./silence-store.js";

describe("silence store", () => {
  const redis: Redis = createRedis(testInfra().redisUrl);
  afterAll(async () => {
    await redis.quit();
  });

  it("creates, lists, gets and removes silences under ${keyPrefix}:silences, dropping expired ones", async () => {
    const prefix = uniqueName("sgt");
    let now = Date.parse("2026-11-20T10:00:00+08:00");
    const store = createSilenceStore(redis, prefix, { now: () => now });
    const a = await store.create({ matchers: [{ name: "shop", value: "kuaishou:s1" }], endsAt: now + 60_000, comment: "maintenance" });
    const b = await store.create({
      matchers: [{ name: "metric", value: "pickup_.*", isRegex: true }],
      startsAt: now + 1000,
      endsAt: now + 3600_000,
    });
    expect(await redis.hlen(`${prefix}:silences`)).toBe(2);
    expect((await store.list()).map((s) => s.id)).toEqual([a.id, b.id]);
    expect(await store.get(a.id)).toEqual(a);
    now += 60_000; // a has ended
    expect(await store.get(a.id)).toBeNull();
    expect((await store.list()).map((s) => s.id)).toEqual([b.id]);
    expect(await redis.hexists(`${prefix}:silences`, a.id)).toBe(0);
    expect(await store.remove(b.id)).toBe(true);
    expect(await store.remove(b.id)).toBe(false);
    await expect(store.create({ matchers: [], endsAt: now + 1 })).rejects.toBeInstanceOf(SilenceInputError);
  });
});
