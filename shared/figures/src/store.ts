import { DAY_END_RETENTION_DAYS, reconciliationKeys, type PlatformFigures } from "@sg/events";
import type { Redis } from "@sg/redis";

/**
 * Stores imported figures for the reconciler (keys of @sg/events reconciliation.ts): the figures under the
 * shop's hash tag, then the shop-day in the request set, where the reconciler's next pass finds and
 * compares it. Two writes in two slots (a Redis Cluster allows no MULTI across them); the figures go first,
 * so a request never names figures that are not there.
 */
export async function storeImportedFigures(redis: Redis, keyPrefix: string, figures: PlatformFigures, nowMs: number): Promise<void> {
  const keys = reconciliationKeys(keyPrefix);
  const key = keys.figures(figures);
  await redis
    .multi()
    .hset(key, figures.day, JSON.stringify(figures))
    .expire(key, (DAY_END_RETENTION_DAYS + 1) * 86_400)
    .incr(keys.figuresVersion(figures))
    .expire(keys.figuresVersion(figures), (DAY_END_RETENTION_DAYS + 1) * 86_400)
    .exec();
  await redis.zadd(keys.requests(), nowMs, `${figures.platform}:${figures.shopId}|${figures.day}`);
}
