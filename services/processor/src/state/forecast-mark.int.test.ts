import { describe, expect, it } from "vitest";
import type { CanonicalEvent, Platform } from "@sg/events";
import { createRedis, deleteByPrefix } from "@sg/redis";
import { testInfra, uniqueName } from "@sg/test";
import { randomStream } from "../testing/random-events.js";
import { ForecastProjections } from "../engine/forecast/index.js";
import { EntityStore, packInForce, type ShopEvents } from "./entity-store.js";
import { forecastFromStore, forecastPrefetch, forecastReads, type EvaluationInputs } from "./forecast-reader.js";

const DAY = 86_400_000;
/** Asia/Shanghai 2026-03-10 10:00 (chat metrics count 08:00–23:00). */
const NOW = Date.parse("2026-03-10T10:00:00+08:00");
const shop = { platform: "douyin" as Platform, shopId: "marked" };

/**
 * The forecast's timed read (forecastTimed.lua, commit-log.ts) re-reads only the entities this process's own
 * commits wrote since its kept projections were read, if the state is still the one its last commit made. A
 * state that merely reached the same version again must not pass for it: here Redis loses this process's last
 * commit (its keys restored to the state before it, as a failover dropping unreplicated writes would leave
 * them), and another instance's commit brings the version back to the number this process made. The kept
 * forecast must then equal a fresh one, read whole.
 */
describe("the forecast's timed read after a rollback", () => {
  it("reads every timed entity when the state reached this process's last version through another instance's commit", async () => {
    const redis = createRedis(testInfra().redisUrl);
    const prefix = uniqueName("fmark");
    const mine = new EntityStore(redis, prefix);
    const other = new EntityStore(redis, prefix);
    const apply = (store: EntityStore, events: CanonicalEvent[]) =>
      store.applyBatch(new Map<string, ShopEvents>([["k", { shop, events: events.map((event) => ({ event, atMs: NOW })) }]]), NOW, () => 0);
    const forecast = async (store: EntityStore, projections: ForecastProjections) => {
      let used: EvaluationInputs | undefined;
      // As the processor does: the forecast's read rides in the evaluation's round trips when it can.
      const ev = await store.evaluate(
        shop,
        NOW,
        {},
        (u) => (used = u),
        forecastPrefetch(store, shop, NOW, packInForce(shop, {}, NOW), {}, projections),
      );
      expect(ev).toBeDefined();
      return forecastFromStore(store, shop, NOW, ev!, used!, projections);
    };
    const stream = (seed: number, idPrefix: string) =>
      randomStream({ seed, platform: shop.platform, shopId: shop.shopId, startMs: NOW - 2 * DAY, idPrefix, consumers: 0 }).filter(
        (e) => Number(e.at) <= NOW,
      );
    const version = async () => Number(await redis.hget(mine.keys.shopMeta(shop), "v"));
    try {
      await apply(mine, stream(1, "a-"));
      const kept = new ForecastProjections();
      await forecast(mine, kept);

      // The state as it is now, to restore after this process's next commit.
      const stateKeys = await redis.keys(`${prefix}:*`);
      const dumps = await Promise.all(stateKeys.map(async (k) => [k, await redis.dumpBuffer(k), await redis.pttl(k)] as const));
      const before = await version();

      // This process commits (its commit log now expects the state its commit made)…
      const mineEvents = stream(2, "b-");
      expect(mineEvents.length).toBeGreaterThan(0);
      await apply(mine, mineEvents);
      const made = await version();
      expect(made).toBeGreaterThan(before);

      // …Redis loses that commit, and another instance's commits bring the version back to the same number.
      await deleteByPrefix(redis, prefix);
      for (const [k, dump, ttl] of dumps) if (dump !== null) await redis.restore(k, ttl > 0 ? ttl : 0, dump, "REPLACE");
      expect(await version()).toBe(before);
      for (let seed = 3; (await version()) < made; seed++) await apply(other, stream(seed, `c${seed}-`));
      expect(await version()).toBe(made);

      const reads = forecastReads.all;
      const prefetched = forecastReads.prefetched;
      const f = await forecast(mine, kept);
      // Read whole, not as "only what my commits wrote" (nor from the evaluation's round trip: its mark was refused).
      expect(forecastReads.all).toBe(reads + 1);
      expect(forecastReads.prefetched).toBe(prefetched);
      const fresh = await forecast(new EntityStore(redis, prefix, undefined, 0), new ForecastProjections());
      expect(f).toEqual(fresh);
    } finally {
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    }
  });
});
